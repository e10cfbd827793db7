"""Reviewing the audit trail: an organization's owners and admins see theirs,
operators see everyone's. Both read through `access.audit_events_for`."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from .. import access, audit_review
from ..access import Action
from ..models import AuditEvent

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _events(request, organization=None):
    events = access.audit_events_for(request.user)
    if organization is not None:
        events = events.filter(organization=organization)
    return audit_review.Filters.from_query(request.GET).apply(events)


def _review(request, organization=None):
    events, next_cursor = audit_review.page(
        _events(request, organization).select_related("organization"),
        request.GET.get("cursor", ""),
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "organization": organization,
        "events": events,
        "next_cursor": next_cursor,
        "query": query.urlencode(),
        "filters": request.GET,
        "results": AuditEvent.Result.choices,
    }
    return render(request, "tenants/audit.html", context)


def _export(request, format, organization=None):
    if format not in EXPORT_TYPES:
        raise Http404
    events = _events(request, organization)
    lines = audit_review.csv_lines(events) if format == "csv" else audit_review.json_chunks(events)
    response = StreamingHttpResponse(lines, content_type=EXPORT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="audit.{format}"'
    return response


@login_required
def organization_audit(request, organization):
    organization = access.get_organization(request.user, organization, Action.VIEW_AUDIT)
    return _review(request, organization)


@login_required
def organization_audit_export(request, organization, format):
    organization = access.get_organization(request.user, organization, Action.VIEW_AUDIT)
    return _export(request, format, organization)


def _require_operator(user) -> None:
    # Every organization's trail at once is for operators only; others get the
    # same 404 as for a page that does not exist.
    if not access.operator_may(user, Action.VIEW_AUDIT):
        raise Http404


@login_required
def operator_audit(request):
    _require_operator(request.user)
    return _review(request)


@login_required
def operator_audit_export(request, format):
    _require_operator(request.user)
    return _export(request, format)
