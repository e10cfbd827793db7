from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants import access
from tenants.access import Action
from tenants.audit import Actor, require_audited

from .. import actions
from ..forms import NewApplicationForm, ScaleForm, SpecForm, add_errors


@login_required
def new_application(request, organization):
    organization = access.get_organization(request.user, organization)
    # Only the departments this user may create apps in are offered.
    departments = access.departments_for(request.user, Action.CREATE_APP, organization)
    if not departments.exists():
        raise PermissionDenied
    form = NewApplicationForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.create_application(
                Actor.from_request(request),
                form.cleaned_data["department"],
                form.cleaned_data["name"].strip(),
                form.cleaned_data["spec"],
                cluster=form.cleaned_data["cluster"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(name)s is being deployed.") % {"name": application})
            return redirect("apps:detail", organization.slug, application.name)
    return render(
        request, "apps/application_form.html", {"organization": organization, "form": form}
    )


@login_required
def application_detail(request, organization, name):
    application = access.get_application(request.user, organization, name)
    return render(request, "apps/application_detail.html", _detail_context(request, application))


@login_required
def application_status(request, organization, name):
    """The live part of the app page, fetched again whenever the app changes."""
    application = access.get_application(request.user, organization, name)
    return render(request, "apps/_status.html", _detail_context(request, application))


def _detail_context(request, application) -> dict:
    held = access.holders(request.user, application)
    return {
        "organization": application.organization,
        "application": application,
        "instances": application.instances.all(),
        "releases": application.releases.all()[:20],
        "can_deploy": access.permits(held, Action.DEPLOY_APP),
        "can_delete": access.permits(held, Action.DELETE_APP),
    }


@login_required
def edit_application(request, organization, name):
    """Deploy a new release with a changed spec."""
    application = _for_change(request, organization, name, Action.DEPLOY_APP, "application.update")
    form = SpecForm(request.POST or None, initial=SpecForm.initial_from(application.spec))
    if request.method == "POST" and form.is_valid():
        try:
            release = actions.update_application(
                Actor.from_request(request), application, form.cleaned_data["spec"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Release %(number)d is being deployed.") % {"number": release.number}
            )
            return redirect("apps:detail", organization, name)
    return render(
        request,
        "apps/application_form.html",
        {"organization": application.organization, "application": application, "form": form},
    )


@login_required
@require_POST
def scale_application(request, organization, name):
    application = _for_change(request, organization, name, Action.DEPLOY_APP, "application.scale")
    form = ScaleForm(request.POST)
    if not form.is_valid():
        for message in form.errors["instances"]:
            messages.error(request, _("Instances: %(error)s") % {"error": message})
        return redirect("apps:detail", organization, name)
    return _deploy(
        request,
        organization,
        name,
        lambda: actions.scale_application(
            Actor.from_request(request), application, form.cleaned_data["instances"]
        ),
        lambda release: (
            _("Scaling to %(count)d instances (release %(number)d).")
            % {"count": release.app_spec.instances, "number": release.number}
        ),
    )


@login_required
@require_POST
def rollback_application(request, organization, name, number):
    application = _for_change(
        request, organization, name, Action.DEPLOY_APP, "application.rollback"
    )
    return _deploy(
        request,
        organization,
        name,
        lambda: actions.rollback_application(Actor.from_request(request), application, number),
        lambda release: (
            _("Rolling back to release %(target)d as release %(number)d.")
            % {"target": number, "number": release.number}
        ),
    )


@login_required
def delete_application(request, organization, name):
    application = _for_change(request, organization, name, Action.DELETE_APP, "application.delete")
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != application.name:
            messages.error(request, _("Type the app's name to confirm."))
        else:
            actions.delete_application(Actor.from_request(request), application)
            messages.success(request, _("%(name)s is being deleted.") % {"name": application})
            return redirect("apps:dashboard", organization)
    return render(
        request,
        "apps/application_confirm_delete.html",
        {"organization": application.organization, "application": application},
    )


def _for_change(request, organization, name, action: Action, audit_action: str):
    """The app a change is about, once `action` is allowed on it. A refused POST is an
    attempted change, audited as failed; refusing to show a form is not."""
    application = access.get_application(request.user, organization, name)
    if request.method == "POST":
        require_audited(Actor.from_request(request), action, audit_action, application)
    else:
        access.require(request.user, action, application)
    return application


def _deploy(request, organization, name, make_release, describe) -> HttpResponse:
    """Run a change that makes a release; say how it went on the app's page."""
    try:
        release = make_release()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, describe(release))
    return redirect("apps:detail", organization, name)
