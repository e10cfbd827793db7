"""Following the link in an invitation email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import actions
from ..audit import Actor


@login_required
def accept_invitation(request, token):
    """Shows what the invitation offers; joining takes a POST from the signed-in user.

    TODO: people without an account cannot sign up here yet; an operator creates
    their user first. A sign-up form on this page would create it from the
    invitation's email.
    """
    invitation = actions.find_invitation(token)
    error = None
    if request.method == "POST":
        try:
            membership = actions.accept_invitation(Actor.from_request(request), invitation)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _joined_message(membership))
            return redirect("apps:dashboard", membership.organization.slug)
    # An unknown token and a used or expired one look alike until someone tries.
    return render(request, "tenants/invitation.html", {"invitation": invitation, "error": error})


def _joined_message(membership) -> str:
    return _("Welcome to %(organization)s.") % {"organization": membership.organization.name}
