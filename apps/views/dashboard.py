from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tenants import access
from tenants.access import Action


@login_required
def dashboard(request, organization):
    """The organization's apps with their status."""
    organization = access.get_organization(request.user, organization)
    applications = (
        access.applications_for(request.user)
        .filter(organization=organization)
        .select_related("department", "desired_release")
        .order_by("name")
    )
    return render(
        request,
        "apps/dashboard.html",
        {
            "organization": organization,
            "applications": applications,
            "can_create": access.departments_for(
                request.user, Action.CREATE_APP, organization
            ).exists(),
        },
    )
