"""Departments of an organization and the roles members hold in each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from console.forms import add_errors

from .. import access, actions
from ..access import Action
from ..audit import Actor
from ..forms import DepartmentForm, DepartmentRoleForm


@login_required
def departments(request, organization):
    """Every department of the organization; owners and admins create new ones."""
    organization = access.get_organization(request.user, organization)
    may_create = access.can(request.user, Action.MANAGE_DEPARTMENTS, organization)
    form = DepartmentForm(request.POST or None) if may_create else None
    if request.method == "POST":
        access.require(request.user, Action.MANAGE_DEPARTMENTS, organization)
        if form.is_valid():
            try:
                department = actions.create_department(
                    Actor.from_request(request),
                    organization,
                    form.cleaned_data["name"],
                    form.cleaned_data["slug"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Department %(name)s created.") % {"name": department.name}
                )
                return redirect("tenants:departments", organization.slug)
    managed = access.departments_for(request.user, Action.MANAGE_DEPARTMENT_MEMBERS, organization)
    context = {
        "organization": organization,
        "departments": organization.departments.all(),
        "managed": set(managed.values_list("pk", flat=True)),
        "form": form,
    }
    return render(request, "tenants/departments.html", context)


@login_required
def department(request, organization, department):
    """A department's members and their roles, for those who manage it."""
    department = access.get_department(
        request.user, organization, department, Action.MANAGE_DEPARTMENT_MEMBERS
    )
    organization = department.organization
    form = DepartmentRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = actions.find_member(organization, username)
        try:
            actions.set_department_role(
                Actor.from_request(request), department, user, form.cleaned_data["role"]
            )
        except ValidationError as error:
            add_errors(form, error)
            if user is None:
                form.add_error("username", _("No member of this organization is called that."))
        else:
            messages.success(request, _("Department roles saved."))
            return redirect("tenants:department", organization.slug, department.slug)
    context = {
        "organization": organization,
        "department": department,
        "memberships": department.memberships.select_related("user").order_by("user__username"),
        "form": form,
    }
    return render(request, "tenants/department.html", context)
