"""The signed-in user's access keys: create (secret shown once), disable, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from console.forms import add_errors

from .. import access
from .. import access_keys as keys
from ..audit import Actor
from ..forms import AccessKeyForm


@login_required
def access_keys(request):
    form = AccessKeyForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = keys.create_access_key(
                Actor.from_request(request),
                form.cleaned_data["name"],
                form.cleaned_data["expires_in_days"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            # Rendered once, in this response only; never stored in the session.
            created = {"key_id": key.key_id, "secret": secret}
            form = AccessKeyForm()
    context = {
        "form": form,
        "created": created,
        "keys": access.access_keys_for(request.user),
    }
    response = render(request, "tenants/access_keys.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _toggle(request, key_id, enabled: bool):
    key = access.get_access_key(request.user, key_id)
    keys.set_access_key_enabled(Actor.from_request(request), key, enabled)
    if enabled:
        messages.success(request, _("Key %(key)s enabled.") % {"key": key.key_id})
    else:
        messages.success(request, _("Key %(key)s disabled.") % {"key": key.key_id})
    return redirect("account:access_keys")


@login_required
@require_POST
def enable_key(request, key_id):
    return _toggle(request, key_id, True)


@login_required
@require_POST
def disable_key(request, key_id):
    return _toggle(request, key_id, False)


@login_required
@require_POST
def delete_key(request, key_id):
    key = access.get_access_key(request.user, key_id)
    keys.delete_access_key(Actor.from_request(request), key)
    messages.success(request, _("Key %(key)s deleted.") % {"key": key_id})
    return redirect("account:access_keys")
