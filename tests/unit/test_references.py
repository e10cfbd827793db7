import pytest

from apps.references import image_reference_errors


@pytest.mark.parametrize(
    "reference",
    [
        "nginx",
        "nginx:1.27",
        "library/nginx:1.27-alpine",
        "127.0.0.1:5000/team/app:v2",
        "registry.example.com/a/b/c",
        "ghcr.io/org/app_name:sha-1234",
        "busybox@sha256:" + "a" * 64,
        "nginx:1.27@sha256:" + "0" * 64,
    ],
)
def test_valid_references(reference):
    assert image_reference_errors(reference) == []


@pytest.mark.parametrize(
    ("reference", "hint"),
    [
        ("nginx:", "tag after ':' is empty"),
        ("", "Give an image"),
        ("Nginx:1.27", "not an image name"),
        ("nginx:-bad", "tag '-bad'"),
        ("nginx 1.27", "spaces"),
        ("nginx@sha256:xyz", "digest"),
        ("a" * 256, "at most 255"),
        ("team//app", "not an image name"),
        ("nginx:é", "tag 'é'"),
        ("ngïnx:1", "not an image name"),
    ],
)
def test_invalid_references_say_what_to_fix(reference, hint):
    errors = image_reference_errors(reference)
    assert len(errors) == 1
    assert hint in errors[0]
