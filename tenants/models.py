"""Who owns what: organizations (tenant companies), their departments and members."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Slugs end up in Kubernetes namespace names as `<organization>--<department>`, so
# they are DNS-1123 labels without a double hyphen, short enough for both to fit in 63.
SLUG_MAX_LENGTH = 30
slug_validator = RegexValidator(
    r"^[a-z]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$",
    _(
        "Use lowercase letters, digits and single hyphens; start with a letter and "
        "end with a letter or digit."
    ),
)


class Organization(models.Model):
    """A tenant company. Everything a tenant owns hangs off one organization."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.CharField(
        _("slug"), max_length=SLUG_MAX_LENGTH, unique=True, validators=[slug_validator]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A team inside an organization; its apps share one Kubernetes namespace."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.CharField(_("slug"), max_length=SLUG_MAX_LENGTH, validators=[slug_validator])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="department_slug_unique_in_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} / {self.name}"

    @property
    def namespace(self) -> str:
        """The Kubernetes namespace that holds this department's apps."""
        return f"{self.organization.slug}--{self.slug}"


class Role(models.TextChoices):
    """A member's role in an organization. What each may do is in `tenants.access`."""

    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A user's membership of one organization, with the role they hold there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class DepartmentRole(models.TextChoices):
    """A member's role in one department, on top of their organization role."""

    ADMIN = "admin", _("Department admin")
    DEVELOPER = "developer", _("Developer")
    VIEWER = "viewer", _("Viewer")


class DepartmentMembership(models.Model):
    """A member's role in one department of their organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=DepartmentRole.choices)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="one_membership_per_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.department} ({self.role})"


class Invitation(models.Model):
    """An emailed, single-use invitation to join an organization with a role.

    Only a hash of the token is stored: the link in the email is the one copy.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    department_role = models.CharField(
        _("department role"), max_length=16, choices=DepartmentRole.choices, blank=True
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} to {self.organization}"


class AccessKey(models.Model):
    """A key pair (id and secret) that signs API requests acting as its user.

    The secret is stored encrypted (see `tenants.crypto`) because checking a
    signature needs the secret itself, not a hash of it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(_("access key id"), max_length=32, unique=True)
    encrypted_secret = models.TextField()
    is_active = models.BooleanField(_("enabled"), default=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_from = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access key")
        verbose_name_plural = _("access keys")

    def __str__(self) -> str:
        return self.key_id


class SeenSignature(models.Model):
    """A request signature already accepted, kept while its timestamp is still within
    the allowed clock skew so the same signed request cannot be replayed. Shared by
    every Berth process through the database's unique constraint."""

    signature = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.signature


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk edits: the trail is append-only."""

    def update(self, **kwargs):
        # The one update allowed: deleting a user nulls `actor` (SET_NULL) while
        # `actor_name` keeps naming them.
        if kwargs.keys() == {"actor"} and kwargs["actor"] is None:
            return super().update(**kwargs)
        raise ValueError("Audit events are append-only.")

    def delete(self):
        raise ValueError("Audit events are append-only.")

    def _raw_delete(self, using):
        raise ValueError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One change to Berth, whoever made it and however it ended. Append-only.

    Rows are written by the action functions that make the change (see
    `tenants.audit.record`), never by signals, so no code path can skip them.
    """

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    # Foreign keys here and `action` go without an index of their own: the composite
    # indexes in Meta start with them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Kept beside the foreign key so the trail still names a deleted user.
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    access_key = models.CharField(_("access key"), max_length=64, blank=True)
    via = models.CharField(_("via"), max_length=16)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_name = models.CharField(_("target"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    source_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The review page pages by (occurred_at, id) descending under one filter at
        # a time; each index serves one filter plus that order, so a page is an
        # index range scan however many events there are.
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="audit_time"),
            models.Index(fields=["organization", "-occurred_at", "-id"], name="audit_org_time"),
            models.Index(fields=["actor", "-occurred_at", "-id"], name="audit_actor_time"),
            models.Index(fields=["action", "-occurred_at", "-id"], name="audit_action_time"),
            models.Index(
                fields=["target_type", "target_id", "-occurred_at", "-id"], name="audit_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
