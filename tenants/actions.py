"""Every change to organizations, departments, members and app grants.

Each function checks access through `tenants.access`, validates, changes the
database in one transaction and writes its audit event there; a refusal is audited
as failed by `@audited`. Console views, the API and the admin all call these.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, live
from .access import Action
from .audit import Actor, audited, record
from .models import (
    Department,
    DepartmentMembership,
    DepartmentRole,
    Invitation,
    Membership,
    Organization,
    Role,
    slug_validator,
)

logger = logging.getLogger(__name__)

GRANT_LEVELS = {
    "view": ("view_application",),
    "deploy": ("view_application", "change_application"),
}


# -- Organizations -------------------------------------------------------------------


@audited("organization.create")
def create_organization(actor: Actor, name: str, slug: str, owner=None) -> Organization:
    """A new tenant company, by an operator; `owner` becomes its first owner."""
    access.require_operator(actor.user, Action.CREATE_ORGANIZATION)
    _validate_slug(slug)
    try:
        with transaction.atomic():
            organization = Organization.objects.create(name=name.strip(), slug=slug)
            if owner is not None:
                Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
            record(
                actor,
                "organization.create",
                organization,
                organization=organization,
                changes={"name": organization.name, "owner": owner and owner.get_username()},
            )
    except IntegrityError as error:
        raise ValidationError({"slug": _("This slug is taken.")}) from error
    return organization


@audited("organization.rename")
def rename_organization(actor: Actor, organization: Organization, name: str) -> Organization:
    """A new display name; the slug stays, being part of namespace names."""
    access.require(actor.user, Action.RENAME_ORGANIZATION, organization)
    if not name.strip():
        raise ValidationError({"name": _("Give the organization a name.")})
    with transaction.atomic():
        before = Organization.objects.select_for_update().get(pk=organization.pk).name
        organization.name = name.strip()
        organization.save(update_fields=["name"])
        record(
            actor,
            "organization.rename",
            organization,
            organization=organization,
            changes={"before": before, "after": organization.name},
        )
    return organization


# -- Invitations ---------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@audited("member.invite")
def invite_member(
    actor: Actor,
    organization: Organization,
    email: str,
    role: str = Role.MEMBER,
    department: Department | None = None,
    department_role: str = "",
) -> Invitation:
    """Email a single-use link that makes its holder a member with `role`."""
    access.require(actor.user, Action.MANAGE_MEMBERS, organization)
    if role == Role.OWNER:
        access.require(actor.user, Action.MANAGE_OWNERS, organization)
    email = email.strip().lower()
    _validate_invitation(organization, email, role, department, department_role)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            department=department,
            department_role=department_role if department else "",
            token_hash=_token_hash(token),
            invited_by=actor.user,
            expires_at=timezone.now() + timedelta(days=settings.BERTH_INVITATION_DAYS),
        )
        record(
            actor,
            "member.invite",
            invitation,
            organization=organization,
            department=department,
            changes={"email": email, "role": role, "department_role": department_role},
        )
        transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation


def _validate_invitation(organization, email, role, department, department_role) -> None:
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    if role not in Role.values:
        errors["role"] = _("Choose owner, admin or member.")
    if department is not None and department.organization_id != organization.pk:
        errors["department"] = _("Choose a department of this organization.")
    if department is not None and department_role not in DepartmentRole.values:
        errors["department_role"] = _("Choose a role in the department.")
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        errors["email"] = _("Someone with this email is already a member.")
    if errors:
        raise ValidationError(errors)


def _send_invitation(invitation: Invitation, token: str) -> None:
    link = settings.BERTH_PUBLIC_URL.rstrip("/") + reverse(
        "account:accept_invitation", args=[token]
    )
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "Berth"
    send_mail(
        _("Join %(organization)s on Berth") % {"organization": invitation.organization.name},
        _(
            "%(inviter)s invited you to %(organization)s on Berth as %(role)s.\n\n"
            "Open this link to join; it works once and expires on %(expires)s:\n%(link)s\n"
        )
        % {
            "inviter": inviter,
            "organization": invitation.organization.name,
            "role": invitation.get_role_display(),
            "expires": f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC",
            "link": link,
        },
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state."""
    return (
        Invitation.objects.select_related("organization", "department")
        .filter(token_hash=_token_hash(token))
        .first()
    )


@audited("member.accept_invitation")
def accept_invitation(actor: Actor, invitation: Invitation | None) -> Membership:
    """Make the signed-in user a member, once, before the invitation expires."""
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_acceptable(actor, invitation)
        membership = Membership.objects.create(
            user=actor.user, organization=invitation.organization, role=invitation.role
        )
        if invitation.department is not None:
            DepartmentMembership.objects.create(
                user=actor.user, department=invitation.department, role=invitation.department_role
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor.user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            actor,
            "member.accept_invitation",
            membership,
            organization=invitation.organization,
            department=invitation.department,
            changes={"email": invitation.email, "role": invitation.role},
        )
    return membership


@audited("member.sign_up")
def sign_up_and_accept(
    actor: Actor, invitation: Invitation | None, username: str, password: str
) -> Membership:
    """Create an account for someone invited who has none, with the invitation's
    email, and accept the invitation with it: both or neither."""
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=invitation.email, password=password
        )
        record(
            Actor(user=user, via=actor.via, source_address=actor.source_address,
                  request_id=actor.request_id),
            "member.sign_up",
            user,
            organization=invitation.organization,
            changes={"username": username, "email": invitation.email},
        )  # fmt: skip
        return accept_invitation(
            Actor(user=user, via=actor.via, source_address=actor.source_address,
                  request_id=actor.request_id),
            invitation,
        )  # fmt: skip


def _check_acceptable(actor: Actor, invitation: Invitation) -> None:
    if actor.user is None:
        raise ValidationError(_("Sign in to accept this invitation."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired; ask for a new one."))
    if Membership.objects.filter(user=actor.user, organization=invitation.organization).exists():
        raise ValidationError(_("You are already a member of this organization."))


# -- Members -------------------------------------------------------------------------


@audited("member.add")
def add_member(actor: Actor, organization: Organization, user, role: str) -> Membership:
    """Make an existing user a member directly (operators, from the admin panel);
    everyone else joins through an invitation."""
    access.require(actor.user, Action.MANAGE_MEMBERS, organization)
    if role == Role.OWNER:
        access.require(actor.user, Action.MANAGE_OWNERS, organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose owner, admin or member.")})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organization=organization, role=role)
            record(
                actor,
                "member.add",
                membership,
                organization=organization,
                changes={"user": user.get_username(), "role": role},
            )
    except IntegrityError as error:
        raise ValidationError({"user": _("This user is already a member.")}) from error
    return membership


@audited("member.change_role")
def change_role(actor: Actor, membership: Membership, role: str) -> Membership:
    organization = membership.organization
    access.require(actor.user, Action.MANAGE_MEMBERS, organization)
    if Role.OWNER in (role, membership.role):
        access.require(actor.user, Action.MANAGE_OWNERS, organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose owner, admin or member.")})
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        before = locked.role
        if before == Role.OWNER and role != Role.OWNER:
            _keep_an_owner(locked)
        locked.role = role
        locked.save(update_fields=["role"])
        record(
            actor,
            "member.change_role",
            locked,
            organization=organization,
            changes={"user": locked.user.get_username(), "before": before, "after": role},
        )
        live.access_changed_on_commit(locked.user_id)
    return locked


@audited("member.remove")
def remove_member(actor: Actor, membership: Membership) -> None:
    """Take a user out of an organization, with their department roles and app
    grants there. Their next request, and any open websocket, is refused."""
    organization = membership.organization
    access.require(actor.user, Action.MANAGE_MEMBERS, organization)
    if membership.role == Role.OWNER:
        access.require(actor.user, Action.MANAGE_OWNERS, organization)
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.OWNER:
            _keep_an_owner(locked)
        user = locked.user
        DepartmentMembership.objects.filter(
            user=user, department__organization=organization
        ).delete()
        _revoke_all_grants(user, organization)
        record(
            actor,
            "member.remove",
            locked,
            organization=organization,
            changes={"user": user.get_username(), "role": locked.role},
        )
        locked.delete()
        live.access_changed_on_commit(user.pk)


def _keep_an_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=Role.OWNER
    )
    if not owners.exclude(pk=membership.pk).exists():
        raise ValidationError(_("An organization needs at least one owner."))


def _revoke_all_grants(user, organization: Organization) -> None:
    from guardian.models import UserObjectPermission

    from apps.models import Application

    app_ids = Application.objects.filter(organization=organization).values_list("pk", flat=True)
    UserObjectPermission.objects.filter(
        user=user,
        content_type__app_label="apps",
        content_type__model="application",
        object_pk__in=[str(pk) for pk in app_ids],
    ).delete()


# -- Departments ---------------------------------------------------------------------


def _validate_slug(slug: str) -> None:
    try:
        slug_validator(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from error
    if len(slug) > 30:
        raise ValidationError({"slug": _("A slug has at most 30 characters.")})


@audited("department.create")
def create_department(actor: Actor, organization: Organization, name: str, slug: str):
    access.require(actor.user, Action.MANAGE_DEPARTMENTS, organization)
    if not name.strip():
        raise ValidationError({"name": _("Give the department a name.")})
    _validate_slug(slug)
    try:
        with transaction.atomic():
            department = Department.objects.create(
                organization=organization, name=name.strip(), slug=slug
            )
            record(
                actor,
                "department.create",
                department,
                organization=organization,
                department=department,
                changes={"name": department.name, "slug": slug},
            )
    except IntegrityError as error:
        raise ValidationError(
            {"slug": _("This organization already has a department %(slug)s.") % {"slug": slug}}
        ) from error
    return department


@audited("department.set_role")
def set_department_role(actor: Actor, department: Department, user, role: str) -> None:
    """Give `user` a role in the department, change it, or (role "") take it away."""
    access.require(actor.user, Action.MANAGE_DEPARTMENT_MEMBERS, department)
    if role and role not in DepartmentRole.values:
        raise ValidationError({"role": _("Choose admin, developer or viewer.")})
    _require_member(user, department.organization)
    with transaction.atomic():
        current = DepartmentMembership.objects.filter(user=user, department=department).first()
        before = current.role if current else ""
        if not role and current:
            current.delete()
        elif role:
            DepartmentMembership.objects.update_or_create(
                user=user, department=department, defaults={"role": role}
            )
        record(
            actor,
            "department.set_role",
            department,
            organization=department.organization,
            department=department,
            changes={"user": user.get_username(), "before": before, "after": role},
        )
        live.access_changed_on_commit(user.pk)


def _require_member(user, organization: Organization) -> None:
    if user is None or not Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"user": _("Choose a member of this organization.")})


def find_member(organization: Organization, username: str):
    """A user by name, only if they are a member of `organization` (else None), so
    that a lookup never tells whether someone outside exists."""
    return (
        get_user_model()
        .objects.filter(username=username, memberships__organization=organization)
        .first()
    )


# -- Grants on one app ---------------------------------------------------------------


@audited("application.grant")
def grant_app_permission(actor: Actor, application, user, level: str) -> None:
    """Let one member view, or view and deploy, this one app whatever their
    department roles are."""
    from guardian.shortcuts import assign_perm, remove_perm

    access.require(actor.user, Action.GRANT_APP, application)
    if level not in GRANT_LEVELS:
        raise ValidationError({"level": _("Choose view or deploy.")})
    _require_member(user, application.organization)
    with transaction.atomic():
        for perm in GRANT_LEVELS["deploy"]:
            remove_perm(f"apps.{perm}", user, application)
        for perm in GRANT_LEVELS[level]:
            assign_perm(f"apps.{perm}", user, application)
        record(
            actor,
            "application.grant",
            application,
            organization=application.organization,
            department=application.department,
            changes={"user": user.get_username(), "level": level},
        )
        live.access_changed_on_commit(user.pk)


@audited("application.revoke")
def revoke_app_permission(actor: Actor, application, user) -> None:
    from guardian.shortcuts import remove_perm

    access.require(actor.user, Action.GRANT_APP, application)
    with transaction.atomic():
        for perm in GRANT_LEVELS["deploy"]:
            remove_perm(f"apps.{perm}", user, application)
        record(
            actor,
            "application.revoke",
            application,
            organization=application.organization,
            department=application.department,
            changes={"user": user.get_username()},
        )
        live.access_changed_on_commit(user.pk)


def app_grants(application) -> list[tuple[object, str]]:
    """(user, level) for everyone granted this one app."""
    from guardian.shortcuts import get_users_with_perms

    users = get_users_with_perms(
        application, attach_perms=True, with_superusers=False, with_group_users=False
    )
    return sorted(
        (
            (user, "deploy" if "change_application" in perms else "view")
            for user, perms in users.items()
        ),
        key=lambda pair: pair[0].get_username(),
    )
