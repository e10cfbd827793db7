"""Signed API requests: AWS's published vectors, botocore as the client, and every
way a signature is refused."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tenants import access_keys, signing
from tenants.audit import Actor
from tenants.models import AccessKey, SeenSignature

from .. import signed

# The AWS SigV4 test suite's fixed inputs.
SUITE_KEY = "AKIDEXAMPLE"
SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_TIME = "20150830T123600Z"
SUITE_HOST = "example.amazonaws.com"

# name: (method, path, query, extra headers, body, signature from the suite's .authz)
VECTORS = {
    "get-vanilla": (
        "GET", "/", "", {}, b"",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    "get-vanilla-query-order-key": (
        "GET", "/", "Param1=value2&Param1=Value1", {}, b"",
        "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1",
    ),
    "get-vanilla-query-order-key-case": (
        "GET", "/", "Param2=value2&Param1=value1", {}, b"",
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ),
    "get-header-value-trim": (
        "GET", "/", "", {"my-header1": " value1 ", "my-header2": ' "a   b   c" '}, b"",
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    ),
    "post-vanilla": (
        "POST", "/", "", {}, b"",
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    ),
    "post-x-www-form-urlencoded": (
        "POST", "/", "", {"content-type": "application/x-www-form-urlencoded"}, b"Param1=value1",
        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", VECTORS)
def test_canonicalisation_agrees_with_the_aws_test_suite(name):
    method, path, query, extra, body, expected = VECTORS[name]
    headers = {"host": SUITE_HOST, "x-amz-date": SUITE_TIME, **extra}
    signed_headers = tuple(sorted(headers))
    authorization = signing.Authorization(
        SUITE_KEY, SUITE_TIME[:8], "us-east-1", "service", signed_headers, expected
    )
    request = signing.canonical_request(
        method, path, query, headers, signed_headers, signing.payload_hash(body)
    )
    assert signing.signature(SUITE_SECRET, authorization, SUITE_TIME, request) == expected


def test_worked_example_in_docs_api_md():
    """docs/api.md walks through this exact request; keep the two in step."""
    secret = "berth-example-secret-do-not-use-0000000000"
    body = b'{"instances": 3}'
    headers = {
        "content-type": "application/json",
        "host": "berth.example.test",
        "x-amz-date": "20260105T093000Z",
    }
    signed_headers = ("content-type", "host", "x-amz-date")
    request = signing.canonical_request(
        "POST",
        "/api/v1/orgs/acme/apps/shop/scale/",
        "",
        headers,
        signed_headers,
        signing.payload_hash(body),
    )
    authorization = signing.Authorization(
        "BKEXAMPLE0000000000", "20260105", "us-east-1", "berth", signed_headers, ""
    )
    result = signing.signature(secret, authorization, "20260105T093000Z", request)
    doc = (signed.settings.BASE_DIR / "docs" / "api.md").read_text()
    assert hashlib.sha256(request.encode()).hexdigest() in doc
    assert result in doc


@pytest.fixture
def key_pair(developer):
    key, secret = access_keys.create_access_key(Actor(user=developer, via="test"), "ci")
    return key, secret


def test_botocore_signed_request_is_accepted_and_acts_as_the_user(client, key_pair, organization):
    key, secret = key_pair
    response = signed.call(client, key.key_id, secret, "GET", "/api/v1/orgs/")
    assert response.status_code == 200, response.content
    assert [org["slug"] for org in response.json()] == [organization.slug]
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_from == "127.0.0.1"


def test_signed_post_with_query_and_body(client, key_pair, organization, offline_cluster):
    key, secret = key_pair
    path = f"/api/v1/orgs/{organization.slug}/apps/?b=2&a=1"
    payload = {"name": "hello", "department": "web", "image": "nginx:1.27", "port": 80}
    response = signed.call(client, key.key_id, secret, "POST", path, payload)
    assert response.status_code == 201, response.content
    from tenants.models import AuditEvent

    event = AuditEvent.objects.get(action="application.create")
    assert (event.via, event.access_key) == ("api", key.key_id)


def tamper_cases(organization):
    """Each changes exactly one signed part after signing."""
    path = f"/api/v1/orgs/{organization.slug}/departments/?q=one"
    body = b'{"name": "Ops", "slug": "ops"}'

    def method(request):
        request["method"] = "PUT"

    def other_path(request):
        request["path"] = request["path"].replace("departments", "members")

    def query_value(request):
        request["path"] = request["path"].replace("q=one", "q=two")

    def signed_header(request):
        request["headers"]["Content-Type"] = "application/json; charset=latin-1"

    def body_byte(request):
        request["body"] = request["body"].replace(b"Ops", b"Opz")

    def date(request):
        stamp = request["headers"]["X-Amz-Date"]
        request["headers"]["X-Amz-Date"] = stamp[:-3] + ("01Z" if stamp[-3:] != "01Z" else "02Z")

    return path, body, [method, other_path, query_value, signed_header, body_byte, date]


@pytest.mark.parametrize("part", range(6))
def test_changing_any_signed_part_is_refused(client, owner, organization, part):
    key, secret = access_keys.create_access_key(Actor(user=owner, via="test"), "ci")
    path, body, tampers = tamper_cases(organization)
    headers = signed.sign(key.key_id, secret, "POST", path, body)
    request = {"method": "POST", "path": path, "headers": headers, "body": body}
    tampers[part](request)
    content_type = request["headers"]["Content-Type"]
    response = signed.send(
        client, request["method"], request["path"], request["headers"], request["body"],
        content_type,
    )  # fmt: skip
    assert response.status_code == 401
    assert response.json()["code"] == "signature_mismatch"
    assert not organization.departments.filter(slug="ops").exists()


def test_replay_is_refused(client, key_pair):
    key, secret = key_pair
    headers = signed.sign(key.key_id, secret, "GET", "/api/v1/orgs/")
    assert signed.send(client, "GET", "/api/v1/orgs/", headers).status_code == 200
    again = signed.send(client, "GET", "/api/v1/orgs/", headers)
    assert again.status_code == 401
    assert again.json()["code"] == "replayed_request"
    assert SeenSignature.objects.count() == 1


def test_six_minute_old_request_names_the_clock_skew(client, key_pair):
    key, secret = key_pair
    when = timezone.now() - timedelta(minutes=6)
    response = signed.call(client, key.key_id, secret, "GET", "/api/v1/orgs/", when=when)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "clock_skew"
    assert "Clock skew" in body["detail"] and "360 seconds" in body["detail"]


def test_four_minute_old_request_passes(client, key_pair):
    key, secret = key_pair
    when = timezone.now() - timedelta(minutes=4)
    response = signed.call(client, key.key_id, secret, "GET", "/api/v1/orgs/", when=when)
    assert response.status_code == 200


def test_unknown_disabled_and_expired_keys_each_say_so(client, developer, key_pair):
    key, secret = key_pair
    response = signed.call(client, "BKNOSUCHKEY000000000", secret, "GET", "/api/v1/orgs/")
    assert response.json()["code"] == "unknown_key"
    access_keys.set_access_key_enabled(Actor(user=developer, via="test"), key, False)
    response = signed.call(client, key.key_id, secret, "GET", "/api/v1/orgs/")
    assert response.json()["code"] == "disabled_key"
    AccessKey.objects.filter(pk=key.pk).update(
        is_active=True, expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = signed.call(client, key.key_id, secret, "GET", "/api/v1/orgs/")
    assert response.json()["code"] == "expired_key"


def test_wrong_secret_is_a_mismatch(client, key_pair):
    key, _secret = key_pair
    response = signed.call(client, key.key_id, "not-the-secret", "GET", "/api/v1/orgs/")
    assert (response.status_code, response.json()["code"]) == (401, "signature_mismatch")


def test_secret_is_stored_encrypted_and_never_logged(developer, caplog):
    caplog.set_level("DEBUG")
    key, secret = access_keys.create_access_key(Actor(user=developer, via="test"), "ci")
    stored = AccessKey.objects.get(pk=key.pk).encrypted_secret
    assert secret not in stored
    assert access_keys.secret_of(key) == secret
    assert secret not in caplog.text
