"""Applications, their numbered releases, the clusters they run on and their instances."""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Department, Organization

from .spec import AppSpec


class Cluster(models.Model):
    """A Kubernetes cluster Berth deploys to, reached through a kubeconfig file."""

    name = models.CharField(_("name"), max_length=63, unique=True)
    region = models.CharField(_("region"), max_length=63)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_("Shown to developers choosing where an app runs."),
    )
    kubeconfig_path = models.CharField(_("kubeconfig path"), max_length=500)
    context = models.CharField(
        _("kubeconfig context"), max_length=200, blank=True, help_text=_("Empty: current context.")
    )
    is_default = models.BooleanField(_("default for new apps"), default=False)
    # Which nodes this cluster's apps may run on: the same kubeconfig can be registered
    # twice with different node pools (the local cluster's real node and its
    # simulated ones, say).
    node_selector = models.JSONField(
        _("node selector"), default=dict, blank=True, help_text=_("Node labels apps must match.")
    )
    tolerations = models.JSONField(
        _("tolerations"),
        default=list,
        blank=True,
        help_text=_("Kubernetes tolerations given to every app, for tainted nodes."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return f"{self.name} ({self.description})" if self.description else self.name


class Application(models.Model):
    """A tenant's app. What it should run is its desired release; the rest is status."""

    class Kind(models.TextChoices):
        WEB = "web", _("Web")

    class SyncState(models.TextChoices):
        PENDING = "pending", _("Deploying")
        SYNCED = "synced", _("Applied")
        UNREACHABLE = "unreachable", _("Cluster unreachable")
        REJECTED = "rejected", _("Rejected by the cluster")
        DELETING = "deleting", _("Deleting")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="applications"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="applications")
    name = models.CharField(_("name"), max_length=63)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Null only between the app's row and its first release being written.
    desired_release = models.ForeignKey(
        "Release", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_release = models.ForeignKey(
        "Release", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sync_state = models.CharField(
        _("sync state"), max_length=16, choices=SyncState.choices, default=SyncState.PENDING
    )
    # The cluster's own words when it could not be reached or refused an object.
    sync_message = models.TextField(_("message"), blank=True)
    sync_attempts = models.PositiveIntegerField(default=0)
    # When the periodic reconcile should next drive this app, if it is not synced:
    # set after each failed attempt (backing off), cleared once applied.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ready_instances = models.PositiveIntegerField(_("ready instances"), default=0)
    status_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="application_name_unique_in_organization"
            )
        ]
        indexes = [models.Index(fields=["sync_state"], name="application_sync_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def namespace(self) -> str:
        return self.department.namespace

    @property
    def hostname(self) -> str:
        """The app's public name: unique because app names are unique per organization."""
        return f"{self.name}.{self.organization.slug}.{settings.BERTH_APPS_DOMAIN}"

    @property
    def url(self) -> str:
        port = settings.BERTH_APPS_HTTP_PORT
        return f"http://{self.hostname}{'' if port == 80 else f':{port}'}/"

    @property
    def spec(self) -> AppSpec:
        return self.desired_release.app_spec

    @property
    def desired_instances(self) -> int:
        return self.spec.instances

    @property
    def health(self) -> str:
        """One word for the dashboard badge, derived from sync state and instances."""
        if self.sync_state != self.SyncState.SYNCED:
            return self.sync_state
        if self.desired_instances == 0:
            return "stopped"
        if self.ready_instances >= self.desired_instances:
            return "running"
        return "starting"


class Release(models.Model):
    """An immutable, numbered snapshot of an app's full spec, and who made it."""

    class Cause(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        SCALE = "scale", _("Scaled")
        ROLLBACK = "rollback", _("Rolled back")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField(_("number"))
    spec = models.JSONField(_("spec"))
    cause = models.CharField(_("cause"), max_length=16, choices=Cause.choices)
    rollback_to = models.PositiveIntegerField(null=True, blank=True)
    # The release whose instances this one runs: its own number, unless it changed
    # only the number of instances. Instances carry it, so scaling replaces none.
    template_release = models.PositiveIntegerField(null=True, blank=True)
    # [{"field": ..., "before": ..., "after": ...}], computed once at creation.
    changes = models.JSONField(_("changes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by_name = models.CharField(_("by"), max_length=150)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="release_number_unique_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.name} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Releases are immutable; create a new release instead.")
        super().save(*args, **kwargs)

    @cached_property
    def app_spec(self) -> AppSpec:
        # Parsed once per row: releases never change, and a page reads it repeatedly.
        return AppSpec.from_dict(self.spec)

    @property
    def instance_release(self) -> int:
        return self.template_release or self.number


class Instance(models.Model):
    """One running copy of an app (a pod), as last read from the cluster."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="instances")
    pod_name = models.CharField(_("pod"), max_length=253)
    release_number = models.PositiveIntegerField(_("release"), null=True)
    node_name = models.CharField(_("node"), max_length=253, blank=True)
    zone = models.CharField(_("zone"), max_length=63, blank=True)
    phase = models.CharField(_("phase"), max_length=32)
    ready = models.BooleanField(_("ready"), default=False)
    restarts = models.PositiveIntegerField(_("restarts"), default=0)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    started_at = models.DateTimeField(_("started"), null=True)

    class Meta:
        ordering = ["pod_name"]
        verbose_name = _("instance")
        verbose_name_plural = _("instances")

    def __str__(self) -> str:
        return self.pod_name
