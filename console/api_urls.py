"""The REST API, version 1: everything the console does (mounted at /api/v1/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.api import applications
from tenants.api import access_keys, audit, members, organizations

app_name = "api"

ORG = "orgs/<slug:organization>/"
APP = ORG + "apps/<slug:name>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("orgs/", organizations.OrganizationList.as_view(), name="organizations"),
    path(ORG, organizations.OrganizationDetail.as_view(), name="organization"),
    path(ORG + "departments/", organizations.DepartmentList.as_view(), name="departments"),
    path(
        ORG + "departments/<slug:department>/members/",
        organizations.DepartmentMemberList.as_view(),
        name="department-members",
    ),
    path(ORG + "members/", members.MemberList.as_view(), name="members"),
    path(ORG + "members/<int:membership>/", members.MemberDetail.as_view(), name="member"),
    path(ORG + "invitations/", members.InvitationList.as_view(), name="invitations"),
    path("invitations/accept/", members.AcceptInvitation.as_view(), name="accept-invitation"),
    path(ORG + "apps/", applications.ApplicationList.as_view(), name="applications"),
    path(APP, applications.ApplicationDetail.as_view(), name="application"),
    path(APP + "releases/", applications.ReleaseList.as_view(), name="releases"),
    path(APP + "releases/<int:number>/", applications.ReleaseDetail.as_view(), name="release"),
    path(APP + "scale/", applications.Scale.as_view(), name="scale"),
    path(APP + "rollback/", applications.Rollback.as_view(), name="rollback"),
    path(APP + "instances/", applications.InstanceList.as_view(), name="instances"),
    path(APP + "grants/", members.GrantList.as_view(), name="grants"),
    path(APP + "grants/<str:username>/", members.GrantDetail.as_view(), name="grant"),
    path(ORG + "audit-events/", audit.OrganizationAuditEvents.as_view(), name="audit-events"),
    path("audit-events/", audit.AllAuditEvents.as_view(), name="all-audit-events"),
    path("access-keys/", access_keys.AccessKeyList.as_view(), name="access-keys"),
    path("access-keys/<str:key_id>/", access_keys.AccessKeyDetail.as_view(), name="access-key"),
]
