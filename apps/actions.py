"""Every change to an application goes through one of these functions.

Each validates, changes the database in one transaction, writes the release and the
audit event, and hands the cluster work to a Celery task once the transaction has
committed. Views, the API, the CLI and the admin all call these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import access
from tenants.access import Action
from tenants.audit import Actor, audited, record
from tenants.models import Department

from . import tasks
from .models import Application, Cluster, Release
from .spec import AppSpec, app_name_errors, spec_changes, validate_spec

logger = logging.getLogger(__name__)


@audited("application.create")
def create_application(
    actor: Actor, department: Department, name: str, spec: AppSpec, cluster: Cluster | None = None
) -> Application:
    """Create a web app and its first release, and deploy it."""
    access.require(actor.user, Action.CREATE_APP, department)
    errors = {}
    if name_errors := app_name_errors(name):
        errors["name"] = name_errors
    try:
        validate_spec(spec)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    cluster = cluster or Cluster.objects.filter(is_default=True).first()
    if cluster is None:
        raise ValidationError(
            {"cluster": _("No cluster is set up for new apps yet; ask the platform operators.")}
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                organization=department.organization,
                department=department,
                cluster=cluster,
                name=name,
                created_by=actor.user,
            )
            release = _new_release(actor, application, spec, Release.Cause.CREATE)
            record(
                actor,
                "application.create",
                application,
                organization=application.organization,
                department=department,
                changes={"after": spec.to_dict()},
            )
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("An app named %(name)s already exists here.") % {"name": name}}
        ) from error
    logger.info("application created", extra=_context(application, release))
    return application


@audited("application.update")
def update_application(actor: Actor, application: Application, spec: AppSpec) -> Release:
    """Deploy a new release with a changed spec (image, resources, env, port, ...)."""
    return _change(
        actor, application, lambda current: spec, Release.Cause.UPDATE, "application.update"
    )


@audited("application.scale")
def scale_application(actor: Actor, application: Application, instances: int) -> Release:
    """Run a different number of instances: a release of its own, like any change."""
    return _change(
        actor,
        application,
        lambda current: replace(current, instances=instances),
        Release.Cause.SCALE,
        "application.scale",
    )


@audited("application.rollback")
def rollback_application(actor: Actor, application: Application, number: int) -> Release:
    """Deploy a new release whose spec is that of release `number`."""
    # Checked before the lookup, so an outsider learns nothing about release numbers.
    access.require(actor.user, Action.DEPLOY_APP, application)
    try:
        target = application.releases.get(number=number)
    except Release.DoesNotExist as error:
        raise ValidationError(
            {"release": _("This app has no release %(number)d.") % {"number": number}}
        ) from error
    return _change(
        actor,
        application,
        lambda current: target.app_spec,
        Release.Cause.ROLLBACK,
        "application.rollback",
        rollback_to=number,
    )


@audited("application.delete")
def delete_application(actor: Actor, application: Application) -> None:
    """Delete an app's objects on the cluster; its row goes once the cluster confirms."""
    access.require(actor.user, Action.DELETE_APP, application)
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        locked.sync_state = Application.SyncState.DELETING
        locked.sync_message = ""
        locked.sync_attempts = 0
        locked.next_attempt_at = timezone.now() + timedelta(seconds=tasks.TASK_GRACE_SECONDS)
        locked.save(
            update_fields=["sync_state", "sync_message", "sync_attempts", "next_attempt_at"]
        )
        record(
            actor,
            "application.delete",
            locked,
            organization=locked.organization,
            department=locked.department,
            changes={"before": locked.spec.to_dict()},
        )
        _after_commit(tasks.delete_application, application)
    logger.info("application deletion requested", extra=_context(application))


def _change(
    actor: Actor,
    application: Application,
    spec_from: Callable[[AppSpec], AppSpec],
    cause: str,
    audit_action: str,
    rollback_to: int | None = None,
) -> Release:
    """Make the release whose spec `spec_from` derives from the app's current one.

    The current spec is read under the app's row lock, so a scale right after an
    update scales the updated spec instead of bringing back the one it replaced.
    """
    access.require(actor.user, Action.DEPLOY_APP, application)
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("desired_release", "organization", "department")
            .get(pk=application.pk)
        )
        if locked.sync_state == Application.SyncState.DELETING:
            raise ValidationError(_("This app is being deleted and can no longer change."))
        before = locked.spec
        spec = validate_spec(spec_from(before))
        if spec == before and cause != Release.Cause.ROLLBACK:
            # A release that changes nothing would still replace every instance.
            raise ValidationError(
                _("Nothing to deploy: release %(number)d already runs this.")
                % {"number": locked.desired_release.number}
            )
        release = _new_release(actor, locked, spec, cause, rollback_to=rollback_to)
        record(
            actor,
            audit_action,
            locked,
            organization=locked.organization,
            department=locked.department,
            changes={
                "release": release.number,
                "before": before.to_dict(),
                "after": spec.to_dict(),
            },
        )
    logger.info("release created", extra=_context(locked, release))
    return release


def _new_release(
    actor: Actor,
    application: Application,
    spec: AppSpec,
    cause: str,
    rollback_to: int | None = None,
) -> Release:
    """Number, store and schedule a release. Runs inside the caller's transaction,
    which holds the app's row lock, so numbers never collide."""
    previous = application.desired_release
    number = (previous.number + 1) if previous else 1
    same_instances = (
        previous is not None and replace(previous.app_spec, instances=spec.instances) == spec
    )
    release = Release.objects.create(
        application=application,
        number=number,
        template_release=previous.instance_release if same_instances else number,
        spec=spec.to_dict(),
        cause=cause,
        rollback_to=rollback_to,
        changes=spec_changes(previous.app_spec if previous else None, spec),
        created_by=actor.user,
        created_by_name=actor.name,
    )
    application.desired_release = release
    application.sync_state = Application.SyncState.PENDING
    application.sync_message = ""
    application.sync_attempts = 0
    # The task below runs right after commit; the periodic reconcile steps in only
    # if it has not finished by then.
    application.next_attempt_at = timezone.now() + timedelta(seconds=tasks.TASK_GRACE_SECONDS)
    application.save(
        update_fields=[
            "desired_release",
            "sync_state",
            "sync_message",
            "sync_attempts",
            "next_attempt_at",
        ]
    )
    _after_commit(tasks.apply_application, application)
    return release


def _after_commit(task, application: Application) -> None:
    """Queue the cluster work once the change is committed. If the broker cannot take
    it, the change is still saved and the periodic reconcile picks the app up when
    its `next_attempt_at` comes."""

    def enqueue():
        try:
            task.delay(application.pk)
        except Exception:
            logger.warning(
                "could not queue %s; the periodic reconcile will retry",
                task.name,
                extra=_context(application),
                exc_info=True,
            )

    transaction.on_commit(enqueue)


def _context(application: Application, release: Release | None = None) -> dict:
    context = {"organization": application.organization.slug, "application": application.name}
    if release is not None:
        context["release"] = release.number
    return context
