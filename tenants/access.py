"""Who may do what: the one place Berth decides it.

The permission table maps each action to the organization roles that may take it.
Views, the API, forms, exports and websocket consumers ask through the functions
below; an object the user may not see is reported exactly as a missing one (404).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, Organization, Role


class Action(StrEnum):
    VIEW_APP = "view_app"
    CREATE_APP = "create_app"
    DEPLOY_APP = "deploy_app"  # new release: update, scale, rollback
    DELETE_APP = "delete_app"


PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_APP: frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER}),
    Action.CREATE_APP: frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER}),
    Action.DEPLOY_APP: frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER}),
    Action.DELETE_APP: frozenset({Role.OWNER, Role.ADMIN}),
}


def organizations_for(user) -> QuerySet[Organization]:
    if not user or not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def role_in(user, organization: Organization) -> Role | None:
    if not user or not user.is_authenticated:
        return None
    role = (
        Membership.objects.filter(user=user, organization=organization)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def _organization_of(target) -> Organization:
    return target if isinstance(target, Organization) else target.organization


def can(user, action: Action, target) -> bool:
    """May `user` take `action` on `target` (an organization or an object in one)?"""
    role = role_in(user, _organization_of(target))
    return role is not None and role in PERMISSIONS[action]


def require(user, action: Action, target) -> None:
    """Raise if `user` may not take `action`: 404 when they may not even see it."""
    if can(user, action, target):
        return
    if action != Action.VIEW_APP and can(user, Action.VIEW_APP, target):
        raise PermissionDenied
    raise Http404


def applications_for(user, action: Action = Action.VIEW_APP):
    """The applications `user` may take `action` on, across their organizations."""
    from apps.models import Application

    if not user or not user.is_authenticated:
        return Application.objects.none()
    roles = [role.value for role in PERMISSIONS[action]]
    return Application.objects.filter(
        organization__memberships__user=user, organization__memberships__role__in=roles
    )


def get_organization(user, slug: str) -> Organization:
    try:
        return organizations_for(user).get(slug=slug)
    except Organization.DoesNotExist as error:
        raise Http404 from error


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
