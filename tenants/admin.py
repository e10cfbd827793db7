"""The operators' admin panel for tenancy. Every change made here goes through the
same action functions as the console and the API, so it is checked and audited."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from . import actions
from .admin_links import AuditTrailColumn
from .audit import Actor
from .models import (
    AccessKey,
    AuditEvent,
    Department,
    DepartmentMembership,
    Membership,
    Organization,
)


def _actor(request) -> Actor:
    return Actor.from_request(request, via="admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: these rows change only through their own pages
    (a user's keys) or never at all (the audit log)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionAdmin(AuditTrailColumn, admin.ModelAdmin):
    """Saves and deletes through action functions; refusals become error messages.

    TODO: a refusal is reported after Django has already said "saved"; checking in
    the form's clean() would keep the form open with the error instead.
    """

    def _run(self, request, change):
        try:
            change()
        except (ValidationError, PermissionDenied) as error:
            message = "; ".join(getattr(error, "messages", [])) or str(error) or "refused"
            self.message_user(request, message, level=messages.ERROR)


class DepartmentInline(admin.TabularInline):
    model = Department
    fields = ["name", "slug"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ActionAdmin):
    list_display = ["name", "slug", "created_at", "audit_trail"]
    search_fields = ["name", "slug"]
    inlines = [DepartmentInline, MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # The slug is part of namespace names on the cluster; it cannot change later.
        return ["slug"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            name = obj.name
            obj.name = form.initial["name"]
            self._run(request, lambda: actions.rename_organization(_actor(request), obj, name))
        else:
            created = {}

            def create():
                created["organization"] = actions.create_organization(
                    _actor(request), obj.name, obj.slug
                )

            self._run(request, create)
            if "organization" in created:
                obj.pk = created["organization"].pk

    def has_delete_permission(self, request, obj=None):
        # Organizations own namespaces, apps and an audit trail; retiring one is a
        # process, not a click. TODO: an action function that drains and archives.
        return False


@admin.register(Department)
class DepartmentAdmin(ActionAdmin):
    list_display = ["name", "slug", "organization", "namespace", "audit_trail"]
    search_fields = ["name", "slug", "organization__name", "organization__slug"]
    list_select_related = ["organization"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        self._run(
            request,
            lambda: actions.create_department(
                _actor(request), obj.organization, obj.name, obj.slug
            ),
        )
        created = Department.objects.filter(organization=obj.organization, slug=obj.slug).first()
        if created is not None:
            obj.pk = created.pk


@admin.register(Membership)
class MembershipAdmin(ActionAdmin):
    list_display = ["user", "organization", "role", "created_at", "audit_trail"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "organization__name", "organization__slug"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "organization"] if obj else []

    def save_model(self, request, obj, form, change):
        actor = _actor(request)
        if change:
            role = obj.role
            obj.role = form.initial["role"]
            self._run(request, lambda: actions.change_role(actor, obj, role))
            return

        def add():
            obj.pk = actions.add_member(actor, obj.organization, obj.user, obj.role).pk

        self._run(request, add)

    def delete_model(self, request, obj):
        self._run(request, lambda: actions.remove_member(_actor(request), obj))

    def get_actions(self, request):
        # Bulk deletion would skip remove_member (and its audit event).
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(AuditTrailColumn, ReadOnlyAdmin):
    """Read-only: department roles are set by department admins in the console."""

    list_display = ["user", "department", "role"]
    search_fields = ["user__username", "department__name", "department__organization__name"]
    list_select_related = ["user", "department__organization"]


@admin.register(AccessKey)
class AccessKeyAdmin(ReadOnlyAdmin):
    """Read-only, and without the secret: keys belong to their users."""

    list_display = ["key_id", "user", "name", "is_active", "expires_at", "last_used_at"]
    search_fields = ["key_id", "user__username", "name"]
    fields = ["key_id", "user", "name", "is_active", "expires_at", "last_used_at", "last_used_from"]
    readonly_fields = fields


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "actor_name",
        "via",
        "organization",
        "action",
        "target_name",
        "result",
    ]
    list_filter = ["result", "via"]
    search_fields = ["actor_name", "target_name", "action", "request_id"]
    # Counting a million rows on every page would be the slow part.
    show_full_result_count = False
