import pytest
from django.core.exceptions import ValidationError

from apps.spec import AppSpec, app_name_errors, parse_env_lines, spec_changes, validate_spec


def errors_of(**fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        validate_spec(AppSpec(**{"image": "nginx:1.27", **fields}))
    return raised.value.message_dict


def test_defaults_are_valid():
    assert validate_spec(AppSpec(image="nginx:1.27"))


@pytest.mark.parametrize("name", ["hello", "a", "my-app-2", "x" * 63])
def test_app_names_accepted(name):
    assert app_name_errors(name) == []


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Hello_World", "lowercase letters"),
        ("x" * 70, "this one has 70"),
        ("1app", "starting with a letter"),
        ("app-", "ending with a letter"),
        ("", "lowercase letters"),
    ],
)
def test_app_names_refused_with_reason(name, hint):
    [error] = app_name_errors(name)
    assert hint in error


@pytest.mark.parametrize(
    ("fields", "field", "hint"),
    [
        ({"instances": -1}, "instances", "from 0 to 50"),
        ({"instances": 51}, "instances", "from 0 to 50"),
        ({"cpu_limit": "abc"}, "cpu_limit", "not a CPU amount"),
        ({"memory_limit": "1.5.5Gi"}, "memory_limit", "not a memory amount"),
        ({"image": "nginx:"}, "image", "tag"),
        ({"port": 0}, "port", "1 to 65535"),
        ({"cpu_limit": "5m"}, "cpu_limit", "between 10m"),
        ({"memory_limit": "1Ti"}, "memory_limit", "between 16Mi"),
        (
            {"cpu_request": "2", "cpu_limit": "1"},
            "cpu_request",
            "reserved CPU cannot be more than the limit",
        ),
        ({"env": (("1BAD", "x"),)}, "env", "not a variable name"),
        ({"env": (("A", "1"), ("A", "2"))}, "env", "set twice"),
        ({"env": (("BIG", "x" * 70_000),)}, "env", "at most 64 KiB"),
    ],
)
def test_each_bad_field_is_named(fields, field, hint):
    errors = errors_of(**fields)
    assert list(errors) == [field]
    assert hint in errors[field][0]


def test_several_bad_fields_reported_together():
    errors = errors_of(instances=-1, cpu_limit="abc", memory_limit="1.5.5Gi", image="nginx:")
    assert set(errors) == {"instances", "cpu_limit", "memory_limit", "image"}


def test_env_lines():
    assert parse_env_lines("A=1\n\n# note\nB = two=2\n") == (("A", "1"), ("B", " two=2"))
    with pytest.raises(ValidationError) as raised:
        parse_env_lines("A=1\nnonsense")
    assert "Line 2" in raised.value.message_dict["env"][0]


def test_round_trip_and_changes():
    spec = AppSpec(image="nginx:1.27", instances=3, env=(("A", "1"),))
    assert AppSpec.from_dict(spec.to_dict()) == spec
    changed = AppSpec(image="nginx:1.28", instances=3, env=(("A", "1"),))
    assert spec_changes(spec, changed) == [
        {"field": "image", "before": "nginx:1.27", "after": "nginx:1.28"}
    ]
    assert spec_changes(None, spec) == []
