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


class AuditEvent(models.Model):
    """One change to Berth, whoever made it and however it ended. Append-only.

    Rows are written by the action functions that make the change (see
    `tenants.audit.record`), never by signals, so no code path can skip them.
    """

    class Result(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept beside the foreign key so the trail still names a deleted user.
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    access_key = models.CharField(_("access key"), max_length=64, blank=True)
    via = models.CharField(_("via"), max_length=16)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_name = models.CharField(_("target"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    source_address = models.GenericIPAddressField(_("source address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["organization", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)
