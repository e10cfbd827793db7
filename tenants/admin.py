from django.contrib import admin

from .models import AuditEvent, Department, Membership, Organization


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [DepartmentInline, MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug is part of namespace names on the cluster; it cannot change later.
        return ["slug"] if obj else []


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "actor_name",
        "via",
        "organization",
        "action",
        "target_name",
        "result",
    ]
    list_filter = ["result", "via", "action"]
    search_fields = ["actor_name", "target_name", "action", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
