"""Grants on one app: letting a member view or deploy just this app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.forms import add_errors

from .. import access, actions
from ..access import Action
from ..audit import Actor
from ..forms import GrantForm


@login_required
def app_access(request, organization, name):
    application = access.get_application(request.user, organization, name, Action.GRANT_APP)
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.find_member(application.organization, form.cleaned_data["username"].strip())
        try:
            actions.grant_app_permission(
                Actor.from_request(request), application, user, form.cleaned_data["level"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Access granted."))
            return redirect("tenants:app_access", organization, name)
    context = {
        "organization": application.organization,
        "application": application,
        "grants": actions.app_grants(application),
        "form": form,
    }
    return render(request, "tenants/app_access.html", context)


@login_required
@require_POST
def revoke_app_access(request, organization, name):
    application = access.get_application(request.user, organization, name, Action.GRANT_APP)
    user = actions.find_member(application.organization, request.POST.get("username", ""))
    if user is not None:
        actions.revoke_app_permission(Actor.from_request(request), application, user)
        messages.success(request, _("Access revoked."))
    return redirect("tenants:app_access", organization, name)
