"""The REST API: the same action functions as the console, errors as JSON."""

import pytest

from apps.models import Application
from tenants.models import AuditEvent, Membership

from .. import factories

APP = {"name": "hello", "department": "web", "image": "nginx:1.27", "instances": 2, "port": 80}


@pytest.fixture
def api(client, owner):
    client.force_login(owner)
    return client


def test_schema_and_docs_are_served_without_a_cdn(api):
    assert api.get("/api/v1/schema/").status_code == 200
    page = api.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()


def test_app_lifecycle(api, organization, offline_cluster):
    base = f"/api/v1/orgs/{organization.slug}/apps/"
    created = api.post(base, APP, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["release"] == 1
    assert [app["name"] for app in api.get(base).json()] == ["hello"]
    scaled = api.post(f"{base}hello/scale/", {"instances": 4}, content_type="application/json")
    assert scaled.json()["number"] == 2
    spec = {"image": "nginx:1.28", "instances": 4, "port": 80}
    release = api.post(f"{base}hello/releases/", spec, content_type="application/json")
    assert release.json()["number"] == 3
    rolled = api.post(f"{base}hello/rollback/", {"release": 1}, content_type="application/json")
    assert rolled.json()["rollback_to"] == 1
    assert len(api.get(f"{base}hello/releases/").json()) == 4
    assert api.get(f"{base}hello/instances/").json() == []
    assert api.delete(f"{base}hello/").status_code == 202
    assert Application.objects.get().sync_state == Application.SyncState.DELETING
    via_api = AuditEvent.objects.filter(via="api", result="success").count()
    assert via_api == 5


def test_errors_are_field_errors(api, organization, offline_cluster):
    base = f"/api/v1/orgs/{organization.slug}/apps/"
    response = api.post(base, {**APP, "instances": -1}, content_type="application/json")
    assert response.status_code == 400
    assert "instances" in response.json()
    response = api.post(base, {**APP, "department": "nope"}, content_type="application/json")
    assert list(response.json()) == ["department"]


def test_another_organizations_objects_are_404(
    client, owner, outsider, organization, offline_cluster
):
    factories.application(owner, organization, offline_cluster)
    client.force_login(outsider)
    base = f"/api/v1/orgs/{organization.slug}"
    for path in ["/", "/apps/", "/apps/hello/", "/members/", "/departments/", "/audit-events/"]:
        assert client.get(base + path).status_code == 404, path
    missing = client.get("/api/v1/orgs/no-such-org/apps/")
    assert client.get(base + "/apps/").content == missing.content
    assert [org["slug"] for org in client.get("/api/v1/orgs/").json()] != [organization.slug]


def test_members_and_invitations(api, owner, member, organization):
    base = f"/api/v1/orgs/{organization.slug}"
    invited = api.post(
        f"{base}/invitations/", {"email": "x@example.test"}, content_type="application/json"
    )
    assert invited.status_code == 201
    membership = Membership.objects.get(user=member)
    changed = api.patch(
        f"{base}/members/{membership.pk}/", {"role": "admin"}, content_type="application/json"
    )
    assert changed.json()["role"] == "admin"
    assert api.delete(f"{base}/members/{membership.pk}/").status_code == 204
    assert {m["username"] for m in api.get(f"{base}/members/").json()} == {owner.username}


def test_access_keys_show_the_secret_once(client, developer):
    client.force_login(developer)
    created = client.post("/api/v1/access-keys/", {"name": "ci"}, content_type="application/json")
    assert created.status_code == 201
    key_id, secret = created.json()["key_id"], created.json()["secret"]
    listed = client.get("/api/v1/access-keys/").content.decode()
    assert key_id in listed and secret not in listed
    disabled = client.patch(
        f"/api/v1/access-keys/{key_id}/", {"is_active": False}, content_type="application/json"
    )
    assert disabled.json()["is_active"] is False
    assert client.delete(f"/api/v1/access-keys/{key_id}/").status_code == 204


def test_someone_elses_key_is_404(client, developer, owner):
    client.force_login(owner)
    key_id = client.post(
        "/api/v1/access-keys/", {"name": "mine"}, content_type="application/json"
    ).json()["key_id"]
    client.force_login(developer)
    assert client.delete(f"/api/v1/access-keys/{key_id}/").status_code == 404


def test_audit_events_page_with_a_cursor(api, owner, organization, offline_cluster):
    for number in range(3):
        factories.application(owner, organization, offline_cluster, name=f"app-{number}")
    url = f"/api/v1/orgs/{organization.slug}/audit-events/"
    first = api.get(url, {"action": "application.create"}).json()
    assert len(first["results"]) == 3 and first["next"] is None


def test_grants_through_the_api(api, viewer, organization, offline_cluster, owner):
    factories.application(owner, organization, offline_cluster)
    url = f"/api/v1/orgs/{organization.slug}/apps/hello/grants/"
    grant = {"username": viewer.username, "level": "deploy"}
    assert api.post(url, grant, content_type="application/json").status_code == 204
    assert api.get(url).json() == [{"username": viewer.username, "level": "deploy"}]
    assert api.delete(f"{url}{viewer.username}/").status_code == 204
    assert api.get(url).json() == []
