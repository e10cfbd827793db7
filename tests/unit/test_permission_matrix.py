"""Every route, for every kind of user, answers as the permission table says.

Routes are found by walking the URL resolver (console pages, the API and the admin)
and the websocket routing, so a new route is covered the moment it exists, and the
test fails until it is registered in ROUTES below. Expected outcomes come from
`tenants.access.PERMISSIONS` and what each standard user holds.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from console.routing import websocket_urlpatterns
from tenants import access_keys, actions
from tenants.access import PERMISSIONS, Action, Holder
from tenants.audit import Actor
from tenants.models import DepartmentRole, Invitation, Membership, Role

from .. import factories

A = Action


@dataclass(frozen=True)
class Rule:
    """How one route is guarded. `scope` names the object its URL points at:
    organization, department or application (checked against the table with
    `actions` per HTTP method), or one of the special scopes below."""

    scope: str
    actions: dict[str, Action | None]


def org(**methods):
    return Rule("organization", methods)


def dept(**methods):
    return Rule("department", methods)


def app(**methods):
    return Rule("application", methods)


# Special scopes: "public" (anyone), "signed_in" (any signed-in user, their own
# things), "own_key" (only the key's owner), "operator" (staff only).
def special(scope, *methods):
    return Rule(scope, dict.fromkeys(methods))


ROUTES: dict[str, Rule] = {
    "home": special("signed_in", "GET"),
    "login": special("public", "GET"),
    "logout": special("public", "POST"),
    "set_language": special("public", "POST"),
    "apps:dashboard": org(GET=A.VIEW_ORGANIZATION),
    "apps:new": dept(GET=A.CREATE_APP, POST=A.CREATE_APP),
    "apps:detail": app(GET=A.VIEW_APP),
    "apps:status": app(GET=A.VIEW_APP),
    "apps:edit": app(GET=A.DEPLOY_APP, POST=A.DEPLOY_APP),
    "apps:scale": app(POST=A.DEPLOY_APP),
    "apps:rollback": app(POST=A.DEPLOY_APP),
    "apps:delete": app(GET=A.DELETE_APP, POST=A.DELETE_APP),
    "tenants:members": org(GET=A.MANAGE_MEMBERS, POST=A.MANAGE_MEMBERS),
    "tenants:change_role": org(POST=A.MANAGE_MEMBERS),
    "tenants:remove_member": org(POST=A.MANAGE_MEMBERS),
    "tenants:departments": org(GET=A.VIEW_ORGANIZATION, POST=A.MANAGE_DEPARTMENTS),
    "tenants:department": dept(GET=A.MANAGE_DEPARTMENT_MEMBERS, POST=A.MANAGE_DEPARTMENT_MEMBERS),
    "tenants:app_access": app(GET=A.GRANT_APP, POST=A.GRANT_APP),
    "tenants:revoke_app_access": app(POST=A.GRANT_APP),
    "tenants:audit": org(GET=A.VIEW_AUDIT),
    "tenants:audit_export": org(GET=A.VIEW_AUDIT),
    # Public: someone invited without an account signs up on this page.
    "account:accept_invitation": special("public", "GET", "POST"),
    "account:access_keys": special("signed_in", "GET", "POST"),
    "account:enable_key": special("own_key", "POST"),
    "account:disable_key": special("own_key", "POST"),
    "account:delete_key": special("own_key", "POST"),
    "account:audit": special("operator", "GET"),
    "account:audit_export": special("operator", "GET"),
    "api:schema": special("public", "GET"),
    "api:docs": special("public", "GET"),
    "api:organizations": special("signed_in", "GET"),
    "api:organization": org(GET=A.VIEW_ORGANIZATION),
    "api:departments": org(GET=A.VIEW_ORGANIZATION, POST=A.MANAGE_DEPARTMENTS),
    "api:department-members": dept(
        GET=A.MANAGE_DEPARTMENT_MEMBERS, POST=A.MANAGE_DEPARTMENT_MEMBERS
    ),
    "api:members": org(GET=A.MANAGE_MEMBERS),
    "api:member": org(GET=A.MANAGE_MEMBERS, PATCH=A.MANAGE_MEMBERS, DELETE=A.MANAGE_MEMBERS),
    "api:invitations": org(GET=A.MANAGE_MEMBERS, POST=A.MANAGE_MEMBERS),
    "api:accept-invitation": special("signed_in", "POST"),
    "api:applications": dept(GET=A.VIEW_ORGANIZATION, POST=A.CREATE_APP),
    "api:application": app(GET=A.VIEW_APP, DELETE=A.DELETE_APP),
    "api:releases": app(GET=A.VIEW_APP, POST=A.DEPLOY_APP),
    "api:release": app(GET=A.VIEW_APP),
    "api:scale": app(POST=A.DEPLOY_APP),
    "api:rollback": app(POST=A.DEPLOY_APP),
    "api:instances": app(GET=A.VIEW_APP),
    "api:grants": app(GET=A.GRANT_APP, POST=A.GRANT_APP),
    "api:grant": app(DELETE=A.GRANT_APP),
    "api:audit-events": org(GET=A.VIEW_AUDIT),
    "api:all-audit-events": special("operator", "GET"),
    "api:access-keys": special("signed_in", "GET", "POST"),
    "api:access-key": special("own_key", "GET", "PATCH", "DELETE"),
}
WEBSOCKET_ROUTES: dict[str, Rule] = {
    "ws-application-status": app(CONNECT=A.VIEW_APP),
}

USERS = ["owner", "admin", "developer", "viewer", "outsider", "anonymous", "operator"]
# What each standard user holds on the organization's objects (see conftest).
HOLDS = {
    "owner": {Holder.OWNER},
    "admin": {Holder.ADMIN},
    "developer": {Holder.MEMBER, Holder.DEVELOPER},
    "viewer": {Holder.MEMBER, Holder.VIEWER},
    "outsider": set(),
    "anonymous": set(),
    "operator": {Holder.OPERATOR},
}
VISIBILITY = {
    "organization": A.VIEW_ORGANIZATION,
    "department": A.VIEW_ORGANIZATION,
    "application": A.VIEW_APP,
}


def _walk(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route
        elif isinstance(entry, URLPattern):
            # Django's admin has a few unnamed redirects; it guards them itself.
            yield (f"{namespace}" if namespace.startswith("admin:") else None), route


@functools.cache
def http_routes() -> list[tuple[str | None, str]]:
    return list(_walk(get_resolver().url_patterns))


def test_every_route_is_registered():
    problems = []
    for name, route in http_routes():
        if name is None:
            problems.append(f"{route!r} has no name: give it one in its urls.py")
        elif not name.startswith("admin:") and name not in ROUTES:
            problems.append(
                f"{name} ({route}) is not in ROUTES in {__file__}: add a Rule saying which "
                "object it points at and which tenants.access.Action each method needs"
            )
    for pattern in websocket_urlpatterns:
        if pattern.name not in WEBSOCKET_ROUTES:
            problems.append(f"websocket route {pattern.name} is not in WEBSOCKET_ROUTES")
    assert not problems, "\n".join(problems)


def _cases():
    for name, _route in http_routes():
        if name is None or name.startswith("admin:"):
            continue
        rule = ROUTES.get(name)
        for method in rule.actions if rule else []:
            for user in USERS:
                yield pytest.param(name, method, user, id=f"{name}-{method}-{user}")


def expected(rule: Rule, method: str, user: str) -> str:
    """allowed, forbidden (403), hidden (404) or sign_in."""
    if rule.scope == "public":
        return "allowed"
    if user == "anonymous":
        return "sign_in"
    if rule.scope == "signed_in":
        return "allowed"
    if rule.scope == "own_key":
        return "allowed" if user == "owner" else "hidden"
    if rule.scope == "operator":
        return "allowed" if user == "operator" else "hidden"
    holds = HOLDS[user]
    if holds & PERMISSIONS[rule.actions[method]]:
        return "allowed"
    return "forbidden" if holds & PERMISSIONS[VISIBILITY[rule.scope]] else "hidden"


class World:
    """One organization with everything a route can point at."""

    def __init__(self, organization, other_organization, cluster, people):
        self.organization = organization
        self.people = people
        owner = people["owner"]
        self.application = factories.application(owner, organization, cluster)
        self.target = factories.user(organization=organization, role=Role.MEMBER)
        actions.grant_app_permission(
            Actor(user=owner, via="test"), self.application, self.target, "view"
        )
        self.key, _secret = access_keys.create_access_key(Actor(user=owner, via="test"), "k")
        self.token = "matrix-invitation-token"
        Invitation.objects.create(
            organization=organization,
            email="someone@example.test",
            token_hash=hashlib.sha256(self.token.encode()).hexdigest(),
            expires_at=timezone.now() + timedelta(days=1),
        )

    def kwargs(self, route_kwargs) -> dict:
        values = {
            "organization": self.organization.slug,
            "name": self.application.name,
            "department": "web",
            "membership": Membership.objects.get(user=self.target).pk,
            "number": 1,
            "key_id": self.key.key_id,
            "token": self.token,
            "username": self.target.username,
            "format": "csv",
        }
        return {key: values[key] for key in route_kwargs}


@pytest.fixture
def world(organization, other_organization, offline_cluster, owner, admin, developer, viewer,
          outsider, operator):  # fmt: skip
    people = {
        "owner": owner,
        "admin": admin,
        "developer": developer,
        "viewer": viewer,
        "outsider": outsider,
        "operator": operator,
        "anonymous": None,
    }
    return World(organization, other_organization, offline_cluster, people)


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _parameters(name: str) -> list[str]:
    """The names a route's URL takes, read from its pattern."""
    route = dict(http_routes())[name]
    return [plain or regex for plain, regex in _PARAMETER.findall(route)]


def _url(world, name) -> str:
    return reverse(name, kwargs=world.kwargs(_parameters(name)))


def outcome(response, is_api: bool) -> str:
    status = response.status_code
    if status == 404:
        return "hidden"
    if status == 403:
        return "forbidden"
    if status == 401 and is_api:
        return "sign_in"
    if status == 302 and "/accounts/login/" in response.get("Location", ""):
        return "sign_in"
    assert status < 500, f"server error {status}"
    return "allowed"


@pytest.mark.parametrize(("name", "method", "user"), list(_cases()))
def test_route(client, world, name, method, user):
    rule = ROUTES[name]
    person = world.people[user]
    if person is not None:
        client.force_login(person)
    url = _url(world, name)
    is_api = name.startswith("api:")
    response = client.generic(method, url, data=b"{}" if is_api else b"", content_type=(
        "application/json" if is_api else "application/x-www-form-urlencoded"
    ))  # fmt: skip
    got = outcome(response, is_api)
    if rule.scope == "public" and got == "sign_in":
        got = "allowed"  # signing out sends everyone to the sign-in page
    assert got == expected(rule, method, user), (
        f"{method} {url} as {user}: got {response.status_code}"
    )


ADMIN_USERS = ["operator", "owner", "anonymous"]


def _admin_cases():
    for name, _route in http_routes():
        if name and name.startswith("admin:") and name != "admin:":
            for user in ADMIN_USERS:
                yield pytest.param(name, user, id=f"{name}-{user}")


@pytest.mark.parametrize(("name", "user"), list(_admin_cases()))
def test_admin_route(client, world, name, user):
    """The admin is for operators; tenants, however senior, are sent to its sign-in."""
    person = world.people[user]
    if person is not None:
        client.force_login(person)
    url = reverse(name, kwargs=_admin_kwargs(name, world))
    response = client.get(url)
    sent_to_sign_in = response.status_code == 302 and "/admin/login/" in response["Location"]
    if name == "admin:login" or name == "admin:logout":
        return
    assert sent_to_sign_in == (user != "operator"), f"{url} as {user}: {response.status_code}"
    assert response.status_code < 500


def _admin_kwargs(name, world) -> dict:
    candidates = _parameters(name)
    values = {
        "object_id": str(world.organization.pk),
        "id": str(world.people["owner"].pk),
        "app_label": "tenants",
        "content_type_id": 1,
    }
    return {key: values[key] for key in candidates}


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}})
@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("route", [pattern.name for pattern in websocket_urlpatterns])
async def test_websocket_route(route, user, organization, other_organization, offline_cluster,
                               owner, admin, developer, viewer, outsider, operator):  # fmt: skip
    people = {
        "owner": owner, "admin": admin, "developer": developer, "viewer": viewer,
        "outsider": outsider, "operator": operator, "anonymous": AnonymousUser(),
    }  # fmt: skip
    await database_sync_to_async(factories.application)(owner, organization, offline_cluster)
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/orgs/{organization.slug}/apps/hello/"
    )
    communicator.scope["user"] = people[user]
    await communicator.connect()
    if await communicator.receive_nothing(timeout=0.3):
        connected, code = True, None
    else:
        connected, code = False, (await communicator.receive_output()).get("code")
    rule = WEBSOCKET_ROUTES[route]
    want = expected(rule, "CONNECT", user)
    # A websocket cannot answer 403: whoever may not listen is told "not found" (4404).
    assert connected == (want == "allowed"), f"{route} as {user}: {code}"
    assert connected or code == 4404
    if connected:
        await communicator.disconnect()
    await database_sync_to_async(connections.close_all)()


def test_role_fixtures_hold_what_the_matrix_assumes(world):
    from tenants import access

    department = world.organization.departments.get(slug="web")
    for user, holds in HOLDS.items():
        person = world.people[user]
        if person is None:
            continue
        assert set(access.holders(person, department)) == holds, user
    assert DepartmentRole.DEVELOPER  # the fixtures' department roles, by name


def test_nothing_of_another_organization_leaks(
    client, organization, other_organization, offline_cluster, owner, outsider
):
    """The outsider walks every page and endpoint of their own organization: lists,
    counts, form choices, exports and errors never mention ours."""
    secret = "zz-private"
    factories.application(owner, organization, offline_cluster, name=f"{secret}-app")
    actions.create_department(Actor(user=owner, via="test"), organization, secret, secret)
    factories.user(username=f"{secret}-user", organization=organization)
    theirs = World(other_organization, organization, offline_cluster, {"owner": outsider})
    client.force_login(outsider)
    for name, _route in http_routes():
        rule = ROUTES.get(name)
        if rule is None or "GET" not in rule.actions:
            continue
        response = client.get(_url(theirs, name))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode(errors="replace")
        for marker in (secret, organization.slug, organization.name):
            assert marker not in text, f"{name} shows {marker!r} to another organization"
