from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from tenants import access


@login_required
def home(request):
    """Straight to the user's first organization; a friendly page if they have none."""
    organization = access.organizations_for(request.user).first()
    if organization is not None:
        return redirect("apps:dashboard", organization.slug)
    return render(request, "console/no_organization.html")
