"""The link from any admin row to its audit trail on the review page."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


def audit_trail_link(obj) -> str:
    query = urlencode({"target_type": obj._meta.label_lower, "target_id": obj.pk})
    return format_html('<a href="{}?{}">{}</a>', reverse("account:audit"), query, _("Audit trail"))


class AuditTrailColumn:
    """Adds an "Audit trail" column to a ModelAdmin's list."""

    def audit_trail(self, obj):
        return audit_trail_link(obj)

    audit_trail.short_description = _("Audit")
