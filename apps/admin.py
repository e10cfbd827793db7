from django.contrib import admin

from .models import Application, Cluster, Release


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kubeconfig_path", "is_default"]
    search_fields = ["name", "region"]


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0
    can_delete = False
    fields = ["number", "cause", "created_by_name", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only here: changes go through the console or API so they are released
    and audited like any other."""

    list_display = [
        "name",
        "organization",
        "department",
        "cluster",
        "sync_state",
        "ready_instances",
    ]
    list_filter = ["sync_state", "cluster"]
    search_fields = ["name", "organization__name"]
    inlines = [ReleaseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
