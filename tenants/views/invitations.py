"""Following the link in an invitation email."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import actions
from ..audit import Actor


def accept_invitation(request, token):
    """Shows what the invitation offers. A signed-in user joins with a POST; someone
    without an account creates one here, with the invitation's email, and joins."""
    invitation = actions.find_invitation(token)
    signed_in = request.user.is_authenticated
    sign_up = None if signed_in else UserCreationForm(request.POST or None)
    error = None
    if request.method == "POST" and (signed_in or sign_up.is_valid()):
        try:
            membership = _join(request, invitation, sign_up)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _joined_message(membership))
            return redirect("apps:dashboard", membership.organization.slug)
    # An unknown token and a used or expired one look alike until someone tries.
    return render(
        request,
        "tenants/invitation.html",
        {"invitation": invitation, "error": error, "sign_up": sign_up},
    )


def _join(request, invitation, sign_up):
    actor = Actor.from_request(request)
    if sign_up is None:
        return actions.accept_invitation(actor, invitation)
    membership = actions.sign_up_and_accept(
        actor,
        invitation,
        sign_up.cleaned_data["username"],
        sign_up.cleaned_data["password1"],
    )
    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    return membership


def _joined_message(membership) -> str:
    return _("Welcome to %(organization)s.") % {"organization": membership.organization.name}
