"""Who may do what: the one place Berth decides it.

`PERMISSIONS` maps each action to the holders that may take it. A holder is what a
user is with respect to one object: their organization role, their role in the
object's department, an object-level grant on one app (django-guardian), or being
one of the platform's operators. Views, the API, forms, exports, the admin and
websocket consumers all ask through the functions below, and an object the user may
not see is reported exactly as a missing one (404).

docs/permissions.md is generated from this table (`manage.py permissions_doc`);
a unit test fails when the two differ.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import (
    AccessKey,
    AuditEvent,
    Department,
    DepartmentMembership,
    DepartmentRole,
    Membership,
    Organization,
    Role,
)


class Action(StrEnum):
    CREATE_ORGANIZATION = "create_organization"
    VIEW_ORGANIZATION = "view_organization"
    RENAME_ORGANIZATION = "rename_organization"
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove
    MANAGE_OWNERS = "manage_owners"  # make or unmake owners
    MANAGE_DEPARTMENTS = "manage_departments"
    MANAGE_DEPARTMENT_MEMBERS = "manage_department_members"
    VIEW_AUDIT = "view_audit"
    MANAGE_CLUSTERS = "manage_clusters"
    VIEW_APP = "view_app"
    CREATE_APP = "create_app"
    DEPLOY_APP = "deploy_app"  # new release: update, scale, rollback
    DELETE_APP = "delete_app"
    GRANT_APP = "grant_app"  # grant or revoke one app to one member


class Holder(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    DEPARTMENT_ADMIN = "department_admin"
    DEVELOPER = "developer"
    VIEWER = "viewer"
    APP_VIEWER = "app_viewer"
    APP_DEPLOYER = "app_deployer"
    OPERATOR = "operator"


HOLDER_LABELS = {
    Holder.OWNER: _("Organization owner"),
    Holder.ADMIN: _("Organization admin"),
    Holder.MEMBER: _("Organization member"),
    Holder.DEPARTMENT_ADMIN: _("Department admin"),
    Holder.DEVELOPER: _("Department developer"),
    Holder.VIEWER: _("Department viewer"),
    Holder.APP_VIEWER: _("Granted view on one app"),
    Holder.APP_DEPLOYER: _("Granted deploy on one app"),
    Holder.OPERATOR: _("Operator (staff)"),
}

_O, _A, _M = Holder.OWNER, Holder.ADMIN, Holder.MEMBER
_DA, _DD, _DV = Holder.DEPARTMENT_ADMIN, Holder.DEVELOPER, Holder.VIEWER

PERMISSIONS: dict[Action, frozenset[Holder]] = {
    Action.CREATE_ORGANIZATION: frozenset({Holder.OPERATOR}),
    Action.VIEW_ORGANIZATION: frozenset({_O, _A, _M, Holder.OPERATOR}),
    Action.RENAME_ORGANIZATION: frozenset({_O, Holder.OPERATOR}),
    Action.MANAGE_MEMBERS: frozenset({_O, _A, Holder.OPERATOR}),
    Action.MANAGE_OWNERS: frozenset({_O, Holder.OPERATOR}),
    Action.MANAGE_DEPARTMENTS: frozenset({_O, _A, Holder.OPERATOR}),
    Action.MANAGE_DEPARTMENT_MEMBERS: frozenset({_O, _A, _DA, Holder.OPERATOR}),
    Action.VIEW_AUDIT: frozenset({_O, _A, Holder.OPERATOR}),
    Action.MANAGE_CLUSTERS: frozenset({Holder.OPERATOR}),
    Action.VIEW_APP: frozenset({_O, _A, _DA, _DD, _DV, Holder.APP_VIEWER, Holder.APP_DEPLOYER}),
    Action.CREATE_APP: frozenset({_O, _A, _DA, _DD}),
    Action.DEPLOY_APP: frozenset({_O, _A, _DA, _DD, Holder.APP_DEPLOYER}),
    Action.DELETE_APP: frozenset({_O, _A, _DA}),
    Action.GRANT_APP: frozenset({_O, _A, _DA}),
}

ORGANIZATION_HOLDERS = {Role.OWNER: _O, Role.ADMIN: _A, Role.MEMBER: _M}
DEPARTMENT_HOLDERS = {
    DepartmentRole.ADMIN: _DA,
    DepartmentRole.DEVELOPER: _DD,
    DepartmentRole.VIEWER: _DV,
}
# Grants on one app are django-guardian object permissions on the Application row.
APP_GRANT_PERMISSIONS = {
    Holder.APP_VIEWER: "view_application",
    Holder.APP_DEPLOYER: "change_application",
}


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _roles(mapping: dict, action: Action) -> list[str]:
    return [role.value for role, holder in mapping.items() if holder in PERMISSIONS[action]]


def operator_may(user, action: Action) -> bool:
    """May `user`, as an operator, take `action` in every organization?"""
    return _signed_in(user) and user.is_staff and Holder.OPERATOR in PERMISSIONS[action]


# -- Who holds what on one object ----------------------------------------------------


def holders(user, target) -> frozenset[Holder]:
    """Everything `user` is with respect to `target`: an organization, a department,
    an application, or anything else with an `organization`."""
    if not _signed_in(user):
        return frozenset()
    found = {Holder.OPERATOR} if user.is_staff else set()
    organization = organization_of(target)
    role = (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        # Department roles and grants lapse with the membership they hang on.
        return frozenset(found)
    found.add(ORGANIZATION_HOLDERS[Role(role)])
    department = _department_of(target)
    if department is not None:
        found |= _department_holders(user, department)
    if _is_application(target):
        found |= _grant_holders(user, target)
    return frozenset(found)


def organization_of(target) -> Organization:
    return target if isinstance(target, Organization) else target.organization


def _department_of(target) -> Department | None:
    if isinstance(target, Department):
        return target
    return getattr(target, "department", None)


def _is_application(target) -> bool:
    return target._meta.label_lower == "apps.application"


def _department_holders(user, department: Department) -> set[Holder]:
    roles = DepartmentMembership.objects.filter(user=user, department=department).values_list(
        "role", flat=True
    )
    return {DEPARTMENT_HOLDERS[DepartmentRole(role)] for role in roles}


def _grant_holders(user, application) -> set[Holder]:
    from guardian.shortcuts import get_user_perms

    codenames = set(get_user_perms(user, application))
    return {holder for holder, perm in APP_GRANT_PERMISSIONS.items() if perm in codenames}


# -- Single decisions ----------------------------------------------------------------


def can(user, action: Action, target) -> bool:
    """May `user` take `action` on `target` (an organization or an object in one)?"""
    return permits(holders(user, target), action)


def permits(held: frozenset[Holder], action: Action) -> bool:
    """Does holding `held` (from `holders`) allow `action`? For pages that ask about
    several actions on one object without reading the user's roles each time."""
    return bool(held & PERMISSIONS[action])


def visibility_action(target) -> Action:
    """The action that decides whether `target` is visible at all."""
    return Action.VIEW_APP if _is_application(target) else Action.VIEW_ORGANIZATION


def require(user, action: Action, target) -> None:
    """Raise if `user` may not take `action`: 404 when they may not even see it."""
    found = holders(user, target)
    if found & PERMISSIONS[action]:
        return
    if found & PERMISSIONS[visibility_action(target)]:
        raise PermissionDenied
    raise Http404


def require_operator(user, action: Action) -> None:
    """For platform-wide actions (no organization to check against): operators only."""
    if not operator_may(user, action):
        raise PermissionDenied


# -- Restricted querysets: what lists, choices and exports are built from ------------


def organizations_for(user, action: Action = Action.VIEW_ORGANIZATION) -> QuerySet[Organization]:
    if not _signed_in(user):
        return Organization.objects.none()
    if operator_may(user, action):
        return Organization.objects.all()
    roles = _roles(ORGANIZATION_HOLDERS, action)
    return Organization.objects.filter(memberships__user=user, memberships__role__in=roles)


def departments_for(user, action: Action, organization: Organization) -> QuerySet[Department]:
    """Departments of `organization` where `user` may take `action`."""
    departments = Department.objects.filter(organization=organization)
    if organizations_for(user, action).filter(pk=organization.pk).exists():
        return departments
    if not organizations_for(user).filter(pk=organization.pk).exists():
        return departments.none()
    roles = _roles(DEPARTMENT_HOLDERS, action)
    return departments.filter(memberships__user=user, memberships__role__in=roles)


def applications_for(user, action: Action = Action.VIEW_APP):
    """The applications `user` may take `action` on, across their organizations."""
    from apps.models import Application

    if not _signed_in(user):
        return Application.objects.none()
    member_of = Membership.objects.filter(user=user).values("organization")
    by_role = Q(organization__in=organizations_for(user, action).values("pk"))
    by_department = Q(
        department__in=DepartmentMembership.objects.filter(
            user=user, role__in=_roles(DEPARTMENT_HOLDERS, action)
        ).values("department")
    )
    visible = Application.objects.filter(by_role | by_department | _granted(user, action))
    return visible.filter(organization__in=member_of)


def _granted(user, action: Action) -> Q:
    from guardian.shortcuts import get_objects_for_user

    from apps.models import Application

    perms = [
        perm for holder, perm in APP_GRANT_PERMISSIONS.items() if holder in PERMISSIONS[action]
    ]
    if not perms:
        return Q(pk__in=[])
    granted = get_objects_for_user(
        user,
        [f"apps.{perm}" for perm in perms],
        klass=Application,
        any_perm=True,
        with_superuser=False,
        accept_global_perms=False,
    )
    return Q(pk__in=granted.values("pk"))


def members_of(user, organization: Organization) -> QuerySet[Membership]:
    """The organization's memberships, for people who may see the organization."""
    if not can(user, Action.VIEW_ORGANIZATION, organization):
        return Membership.objects.none()
    return Membership.objects.filter(organization=organization)


def audit_events_for(user) -> QuerySet[AuditEvent]:
    """The audit events `user` may review: all for operators, else their
    organizations' where they may review the audit log."""
    if not _signed_in(user):
        return AuditEvent.objects.none()
    if operator_may(user, Action.VIEW_AUDIT):
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(
        organization__in=organizations_for(user, Action.VIEW_AUDIT).values("pk")
    )


def access_keys_for(user) -> QuerySet[AccessKey]:
    """A user's own keys; nobody else's key is ever visible to them."""
    if not _signed_in(user):
        return AccessKey.objects.none()
    return AccessKey.objects.filter(user=user)


# -- Lookups that answer 404 for "not yours" and "not there" alike -------------------


def get_organization(user, slug: str, action: Action = Action.VIEW_ORGANIZATION) -> Organization:
    organization = organizations_for(user).filter(slug=slug).first()
    if organization is None:
        raise Http404
    require(user, action, organization)
    return organization


def get_department(user, organization_slug: str, slug: str, action: Action) -> Department:
    organization = get_organization(user, organization_slug)
    department = Department.objects.filter(organization=organization, slug=slug).first()
    if department is None:
        raise Http404
    require(user, action, department)
    return department


def get_application(user, organization_slug: str, name: str, action: Action = Action.VIEW_APP):
    """The app, if `user` may take `action` on it; 404 if they may not see it at all."""

    application = (
        applications_for(user, Action.VIEW_APP)
        .select_related("organization", "department__organization", "desired_release", "cluster")
        .filter(organization__slug=organization_slug, name=name)
        .first()
    )
    if application is None:
        raise Http404
    require(user, action, application)
    return application


def get_access_key(user, key_id: str) -> AccessKey:
    key = access_keys_for(user).filter(key_id=key_id).first()
    if key is None:
        raise Http404
    return key
