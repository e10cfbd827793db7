"""Console pages for tenancy inside one organization (mounted under /orgs/<slug>/)."""

from django.urls import path

from .views import audit, departments, grants, members

app_name = "tenants"

urlpatterns = [
    path("members/", members.members, name="members"),
    path("members/<int:membership>/role/", members.change_role, name="change_role"),
    path("members/<int:membership>/remove/", members.remove_member, name="remove_member"),
    path("departments/", departments.departments, name="departments"),
    path("departments/<slug:department>/", departments.department, name="department"),
    path("apps/<slug:name>/access/", grants.app_access, name="app_access"),
    path("apps/<slug:name>/access/revoke/", grants.revoke_app_access, name="revoke_app_access"),
    path("audit/", audit.organization_audit, name="audit"),
    path("audit/export.<str:format>", audit.organization_audit_export, name="audit_export"),
]
