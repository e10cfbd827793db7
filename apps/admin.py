from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from tenants.admin_links import AuditTrailColumn
from tenants.audit import Actor

from . import clusters
from .models import Application, Cluster, Release


@admin.register(Cluster)
class ClusterAdmin(AuditTrailColumn, admin.ModelAdmin):
    """Saved and deleted through `apps.clusters`, so each change is audited."""

    list_display = ["name", "region", "kubeconfig_path", "is_default", "audit_trail"]
    search_fields = ["name", "region"]

    def save_model(self, request, obj, form, change):
        actor = Actor.from_request(request, via="admin")
        try:
            clusters.save_cluster(actor, obj, list(form.changed_data))
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, str(error), level=messages.ERROR)

    def delete_model(self, request, obj):
        clusters.delete_cluster(Actor.from_request(request, via="admin"), obj)

    def get_actions(self, request):
        # Bulk deletion would skip the action function and its audit event.
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0
    can_delete = False
    fields = ["number", "cause", "created_by_name", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(AuditTrailColumn, admin.ModelAdmin):
    """Read-only here: changes go through the console or API so they are released
    and audited like any other."""

    list_display = [
        "name",
        "organization",
        "department",
        "cluster",
        "sync_state",
        "ready_instances",
        "audit_trail",
    ]
    list_filter = ["sync_state", "cluster"]
    search_fields = ["name", "organization__name"]
    inlines = [ReleaseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
