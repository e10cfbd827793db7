"""Console pages: forms, field errors, access, and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.models import Application

from .. import factories

NEW_APP = {
    "name": "hello",
    "image": "nginx:1.27",
    "instances": "2",
    "cpu_limit": "500m",
    "memory_limit": "256Mi",
    "cpu_request": "",
    "memory_request": "",
    "port": "80",
    "env": "GREETING=hi",
}


def signed_in(client, user):
    client.force_login(user)
    return client


def test_login_page_and_redirect(client, owner, organization):
    assert client.get(reverse("home")).status_code == 302
    response = client.post(
        reverse("login"), {"username": owner.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).url == f"/orgs/{organization.slug}/"


def test_create_from_form(client, owner, organization, offline_cluster):
    data = {
        **NEW_APP,
        "department": organization.departments.get().pk,
        "cluster": offline_cluster.pk,
    }
    response = signed_in(client, owner).post(f"/orgs/{organization.slug}/apps/new/", data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.spec.env == (("GREETING", "hi"),)
    page = client.get(response.url)
    assert b"hello" in page.content and b"v1" in page.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Hello_World", "lowercase letters"),
        ("name", "x" * 70, "this one has 70"),
        ("instances", "-1", "from 0 to 50"),
        ("cpu_limit", "abc", "not a CPU amount"),
        ("memory_limit", "1.5.5Gi", "not a memory amount"),
        ("image", "nginx:", "tag after"),
        ("env", "NOEQUALS", "Line 1"),
    ],
)
def test_bad_input_shows_field_error_and_creates_nothing(
    client, owner, organization, offline_cluster, field, value, message
):
    data = {
        **NEW_APP,
        "department": organization.departments.get().pk,
        "cluster": offline_cluster.pk,
        field: value,
    }
    response = signed_in(client, owner).post(f"/orgs/{organization.slug}/apps/new/", data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert f'id="id_{field}-error"'.encode() in response.content
    assert not Application.objects.exists()


def app_urls(organization, name="hello"):
    base = f"/orgs/{organization.slug}/apps/{name}"
    return [f"{base}/", f"{base}/status/", f"{base}/edit/", f"{base}/delete/"]


def test_outsider_gets_404_exactly_like_missing(
    client, owner, outsider, organization, offline_cluster
):
    factories.application(owner, organization, offline_cluster)
    signed_in(client, outsider)
    for url in app_urls(organization) + app_urls(organization, "missing"):
        assert client.get(url).status_code == 404, url
    for url in [
        f"/orgs/{organization.slug}/apps/hello/scale/",
        f"/orgs/{organization.slug}/apps/hello/rollback/1/",
    ]:
        assert client.post(url, {"instances": 9}).status_code == 404
    assert client.get(f"/orgs/{organization.slug}/").status_code == 404
    assert Application.objects.get().desired_release.number == 1


def test_anonymous_is_sent_to_sign_in(client, owner, organization, offline_cluster):
    factories.application(owner, organization, offline_cluster)
    for url in app_urls(organization):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_scale_from_page(client, owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    signed_in(client, owner).post(f"/orgs/{organization.slug}/apps/hello/scale/", {"instances": 3})
    application.refresh_from_db()
    assert application.desired_instances == 3
    response = client.post(
        f"/orgs/{organization.slug}/apps/hello/scale/", {"instances": -1}, follow=True
    )
    assert "Instances" in response.content.decode()
    application.refresh_from_db()
    assert application.desired_instances == 3


def test_delete_needs_typed_name(client, owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    url = f"/orgs/{organization.slug}/apps/hello/delete/"
    signed_in(client, owner).post(url, {"confirm_name": "nope"})
    application.refresh_from_db()
    assert application.sync_state == Application.SyncState.PENDING
    client.post(url, {"confirm_name": "hello"})
    application.refresh_from_db()
    assert application.sync_state == Application.SyncState.DELETING


def dashboard_queries(client, organization) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/orgs/{organization.slug}/").status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_apps(client, owner, organization, offline_cluster):
    signed_in(client, owner)
    factories.application(owner, organization, offline_cluster, name="app-0")
    few = dashboard_queries(client, organization)
    for number in range(1, 15):
        factories.application(owner, organization, offline_cluster, name=f"app-{number}")
    assert dashboard_queries(client, organization) == few


def test_chinese_translation(client, owner, organization):
    signed_in(client, owner)
    response = client.get(f"/orgs/{organization.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "新建应用" in response.content.decode()


def test_release_history_shows_env_as_written(client, owner, organization, offline_cluster):
    from apps import actions
    from apps.spec import AppSpec
    from tenants.audit import Actor

    application = factories.application(owner, organization, offline_cluster)
    actions.update_application(
        Actor(user=owner, via="test"),
        application,
        AppSpec(image="nginx:1.27", instances=2, port=80, env=(("LOG_LEVEL", "debug"),)),
    )
    page = signed_in(client, owner).get(f"/orgs/{organization.slug}/apps/hello/").content.decode()
    assert "— → LOG_LEVEL=debug" in page


def test_console_refusal_is_audited_as_failed(client, owner, organization, offline_cluster):
    from tenants.models import AuditEvent

    data = {
        **NEW_APP,
        "department": organization.departments.get().pk,
        "cluster": offline_cluster.pk,
        "cpu_limit": "abc",
    }
    signed_in(client, owner).post(f"/orgs/{organization.slug}/apps/new/", data)
    [event] = AuditEvent.objects.filter(action="application.create")
    assert (event.result, event.actor, event.via) == ("failure", owner, "console")
    assert "cpu_limit" in event.reason or "CPU" in event.reason


def test_refused_change_by_a_viewer_is_audited(
    client, owner, viewer, organization, offline_cluster
):
    from tenants.models import AuditEvent

    factories.application(owner, organization, offline_cluster)
    signed_in(client, viewer)
    base = f"/orgs/{organization.slug}/apps/hello"
    assert client.post(f"{base}/scale/", {"instances": 5}).status_code == 403
    assert client.post(f"{base}/delete/", {"confirm_name": "hello"}).status_code == 403
    assert client.get(f"{base}/edit/").status_code == 403
    refused = AuditEvent.objects.filter(actor=viewer, result="failure")
    assert sorted(refused.values_list("action", flat=True)) == [
        "application.delete",
        "application.scale",
    ]


def test_refused_api_change_by_a_viewer_is_audited(owner, viewer, organization, offline_cluster):
    from rest_framework.test import APIClient

    from tenants.models import AuditEvent

    factories.application(owner, organization, offline_cluster)
    api = APIClient()
    api.force_authenticate(viewer)
    url = f"/api/v1/orgs/{organization.slug}/apps/hello/scale/"
    assert api.post(url, {"instances": 5}, format="json").status_code == 403
    [event] = AuditEvent.objects.filter(actor=viewer, result="failure")
    assert (event.action, event.via) == ("application.scale", "api")


def test_api_refuses_unknown_fields(owner, organization, offline_cluster):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner)
    response = api.post(
        f"/api/v1/orgs/{organization.slug}/apps/",
        {"name": "hello", "department": "web", "image": "nginx:1.27", "cpu": "abc"},
        format="json",
    )
    assert response.status_code == 400
    assert "cpu" in response.json()
    assert not Application.objects.exists()
