"""Reading the audit trail, a keyset page at a time (`?cursor=` from `next`)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .. import access, audit_review
from ..access import Action
from . import serializers

FILTERS = [
    OpenApiParameter(name, str, required=False)
    for name in (
        "actor",
        "action",
        "target_type",
        "target_id",
        "result",
        "since",
        "until",
        "cursor",
    )
]


class _AuditPage(generics.GenericAPIView):
    serializer_class = serializers.AuditEventSerializer

    def events(self):
        raise NotImplementedError

    @extend_schema(parameters=FILTERS)
    def get(self, request, **kwargs):
        events = audit_review.Filters.from_query(request.query_params).apply(self.events())
        page, cursor = audit_review.page(
            events.select_related("organization"), request.query_params.get("cursor", "")
        )
        next_url = None
        if cursor:
            query = request.query_params.copy()
            query["cursor"] = cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"results": self.get_serializer(page, many=True).data, "next": next_url})


class OrganizationAuditEvents(_AuditPage):
    def events(self):
        organization = access.get_organization(
            self.request.user, self.kwargs["organization"], Action.VIEW_AUDIT
        )
        return access.audit_events_for(self.request.user).filter(organization=organization)


class AllAuditEvents(_AuditPage):
    """Every organization's events: operators only."""

    def events(self):
        if not access.operator_may(self.request.user, Action.VIEW_AUDIT):
            raise NotFound
        return access.audit_events_for(self.request.user)
