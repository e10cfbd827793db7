from tenants import access


def navigation(request):
    """The organizations the signed-in user can switch between, for the top bar."""
    if not request.user.is_authenticated:
        return {}
    return {"navigation_organizations": access.organizations_for(request.user)}
