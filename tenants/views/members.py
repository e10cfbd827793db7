"""Members of an organization: who they are, their roles, invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.forms import add_errors

from .. import access, actions
from ..access import Action
from ..audit import Actor
from ..forms import InviteForm, RoleForm
from ..models import Role


@login_required
def members(request, organization):
    """The member list with role controls, and the invitation form."""
    organization = access.get_organization(request.user, organization, Action.MANAGE_MEMBERS)
    form = _invite_form(request, organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.invite_member(
                Actor.from_request(request),
                organization,
                data["email"],
                data["role"],
                data["department"],
                data["department_role"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return redirect("tenants:members", organization.slug)
    context = {
        "organization": organization,
        "form": form,
        "memberships": access.members_of(request.user, organization)
        .select_related("user")
        .order_by("user__username"),
        "invitations": organization.invitations.filter(
            accepted_at__isnull=True, expires_at__gt=timezone.now()
        ),
        "roles": [
            (role, Role(role).label) for role in _assignable_roles(request.user, organization)
        ],
    }
    return render(request, "tenants/members.html", context)


def _assignable_roles(user, organization) -> list[str]:
    if access.can(user, Action.MANAGE_OWNERS, organization):
        return list(Role.values)
    return [Role.ADMIN, Role.MEMBER]


def _invite_form(request, organization) -> InviteForm:
    departments = access.departments_for(
        request.user, Action.MANAGE_DEPARTMENT_MEMBERS, organization
    )
    return InviteForm(
        request.POST or None,
        departments=departments,
        roles=_assignable_roles(request.user, organization),
    )


def _membership(request, organization_slug, membership_id):
    organization = access.get_organization(request.user, organization_slug, Action.MANAGE_MEMBERS)
    membership = get_object_or_404(
        access.members_of(request.user, organization).select_related("user", "organization"),
        pk=membership_id,
    )
    return organization, membership


@login_required
@require_POST
def change_role(request, organization, membership):
    organization, membership = _membership(request, organization, membership)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["role"])
        actions.change_role(Actor.from_request(request), membership, form.cleaned_data["role"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {
                "user": membership.user.get_username(),
                "role": Role(form.cleaned_data["role"]).label,
            },
        )
    return redirect("tenants:members", organization.slug)


@login_required
@require_POST
def remove_member(request, organization, membership):
    organization, membership = _membership(request, organization, membership)
    try:
        actions.remove_member(Actor.from_request(request), membership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("%(user)s was removed.") % {"user": membership.user.get_username()}
        )
    return redirect("tenants:members", organization.slug)
