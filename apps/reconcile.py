"""Bringing the cluster in line with Berth's database, and reading back what happened.

Called by Celery tasks, never by views. Level-triggered: each function looks at the
app's current desired state, so running one twice, late or out of order converges.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import Enum

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from tenants.audit import Actor, record

from .kube import applier
from .kube.client import ClusterAddress, ClusterError, ClusterRejected, ClusterUnreachable
from .kube.labels import application_selector, selector_string
from .kube.manifests import render_release
from .kube.status import RolloutStatus, read_rollout
from .models import Application, Instance

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30
# An internal error from the API server that persists this many attempts is taken
# as a refusal of the release (see ClusterUnreachable).
INTERNAL_ERROR_ATTEMPTS = 3


class Outcome(Enum):
    APPLIED = "applied"
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"
    GONE = "gone"  # deleted meanwhile, or being deleted: nothing to do
    WAITING = "waiting"  # deletion asked for; the cluster has not confirmed yet


def _load(application_id: int) -> Application | None:
    return (
        Application.objects.select_related(
            "organization", "department__organization", "cluster", "desired_release"
        )
        .filter(pk=application_id)
        .first()
    )


def apply_application(application_id: int) -> Outcome:
    """Apply the app's desired release, and record what the cluster said."""
    application = _load(application_id)
    if application is None or application.sync_state == Application.SyncState.DELETING:
        return Outcome.GONE
    release = application.desired_release
    context = {
        "organization": application.organization.slug,
        "application": application.name,
        "release": release.number,
        "cluster": application.cluster.name,
    }
    try:
        applier.apply_manifests(
            ClusterAddress.of(application.cluster), render_release(application, release)
        )
    except ClusterUnreachable as error:
        if error.status == 500 and application.sync_attempts + 1 >= INTERNAL_ERROR_ATTEMPTS:
            return _rejected(application, release, str(error), context)
        logger.warning("cluster unreachable while applying: %s", error, extra=context)
        _record_sync(application, release, Application.SyncState.UNREACHABLE, str(error))
        return Outcome.UNREACHABLE
    except ClusterRejected as error:
        return _rejected(application, release, str(error), context)
    if not _record_sync(application, release, Application.SyncState.SYNCED, ""):
        # A newer release arrived while this one was applied: apply again.
        logger.info("release superseded during apply", extra=context)
        return apply_application(application_id)
    logger.info("release applied", extra=context)
    _audit_apply(application, release, succeeded=True)
    return Outcome.APPLIED


def _rejected(application, release, message: str, context: dict) -> Outcome:
    logger.warning("cluster rejected release: %s", message, extra=context)
    _record_sync(application, release, Application.SyncState.REJECTED, message)
    _audit_apply(application, release, succeeded=False, reason=message)
    return Outcome.REJECTED


def _record_sync(application, release, state, message: str) -> bool:
    """Store the outcome, unless the app moved to another release meanwhile."""
    fields = {"sync_state": state, "sync_message": message}
    if state == Application.SyncState.SYNCED:
        fields.update(applied_release=release, sync_attempts=0, next_attempt_at=None)
    elif state == Application.SyncState.REJECTED:
        fields.update(sync_attempts=application.sync_attempts + 1, next_attempt_at=None)
    else:
        attempts = application.sync_attempts + 1
        fields.update(sync_attempts=attempts, next_attempt_at=retry_at(attempts))
    updated = (
        Application.objects.filter(pk=application.pk, desired_release=release)
        .exclude(sync_state=Application.SyncState.DELETING)
        .update(**fields)
    )
    if updated:
        notify(application.pk)
    return bool(updated)


def retry_at(attempt: int):
    """1, 2, 4, ... seconds from now, capped: a cluster that comes back is used soon."""
    return timezone.now() + timedelta(seconds=min(2 ** max(attempt - 1, 0), MAX_BACKOFF_SECONDS))


def _audit_apply(application, release, *, succeeded: bool, reason: str = "") -> None:
    record(
        Actor.system(release.created_by),
        "release.apply",
        release,
        organization=application.organization,
        department=application.department,
        changes={"release": release.number},
        succeeded=succeeded,
        reason=reason,
    )


def refresh_status(application_id: int) -> RolloutStatus | None:
    """Read the app's rollout from the cluster and store its instances."""
    application = _load(application_id)
    if application is None:
        return None
    try:
        rollout = read_rollout(
            ClusterAddress.of(application.cluster),
            application.namespace,
            application.name,
            application_selector(application),
        )
    except ClusterUnreachable as error:
        Application.objects.filter(pk=application.pk).exclude(
            sync_state=Application.SyncState.DELETING
        ).update(sync_state=Application.SyncState.UNREACHABLE, sync_message=str(error))
        notify(application.pk)
        return None
    _store_instances(application, rollout)
    return rollout


INSTANCE_FIELDS = (
    "pod_name",
    "release_number",
    "node_name",
    "zone",
    "phase",
    "ready",
    "restarts",
    "reason",
    "started_at",
)


def _store_instances(application: Application, rollout: RolloutStatus) -> None:
    """Replace the app's instances with what the cluster reports. When nothing
    changed (the usual case for a settled app), only the time of the check is
    written and open pages are not told to fetch again."""
    reason_length = Instance._meta.get_field("reason").max_length
    reported = [
        (pod.name, pod.release_number, pod.node_name, pod.zone, pod.phase, pod.ready,
         pod.restarts, pod.reason[:reason_length], pod.started_at)
        for pod in rollout.pods
    ]  # fmt: skip
    stored = list(application.instances.order_by("pod_name").values_list(*INSTANCE_FIELDS))
    fields = {"ready_instances": rollout.ready, "status_checked_at": timezone.now()}
    if rollout.message and application.sync_state == Application.SyncState.SYNCED:
        fields["sync_message"] = rollout.message  # e.g. a rollout past its deadline
    changed = (
        stored != reported
        or application.ready_instances != rollout.ready
        or (fields.get("sync_message", application.sync_message) != application.sync_message)
    )
    with transaction.atomic():
        if changed:
            Instance.objects.filter(application=application).delete()
            Instance.objects.bulk_create(
                Instance(application=application, **dict(zip(INSTANCE_FIELDS, row, strict=True)))
                for row in reported
            )
        Application.objects.filter(pk=application.pk).update(**fields)
    if changed:
        notify(application.pk)


def delete_application(application_id: int) -> Outcome:
    """Delete the app's objects; drop its row once the cluster confirms they are gone."""
    application = _load(application_id)
    if application is None:
        return Outcome.GONE
    address = ClusterAddress.of(application.cluster)
    namespace, name = application.namespace, application.name
    paths = [
        applier.object_path("networking.k8s.io/v1", "Ingress", name, namespace),
        applier.object_path("apps/v1", "Deployment", name, namespace),
        applier.object_path("v1", "Service", name, namespace),
    ]
    try:
        gone = [applier.delete_object(address, path) for path in paths]
        pods = applier.list_objects(
            address,
            f"/api/v1/namespaces/{namespace}/pods",
            selector_string(application_selector(application)),
        )
    except ClusterError as error:
        attempts = application.sync_attempts + 1
        Application.objects.filter(pk=application.pk).update(
            sync_message=str(error), sync_attempts=attempts, next_attempt_at=retry_at(attempts)
        )
        notify(application.pk)
        return Outcome.UNREACHABLE
    if not all(gone) or pods:
        return Outcome.WAITING
    application.delete()
    logger.info(
        "application deleted from the cluster",
        extra={"organization": application.organization.slug, "application": name},
    )
    notify(application_id)
    return Outcome.GONE


def application_group(application_id: int) -> str:
    """The Channels group of one app's watchers."""
    return f"application-{application_id}"


def notify(application_id: int) -> None:
    """Tell open pages of this app that its state changed; they fetch it themselves."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            application_group(application_id), {"type": "application.changed"}
        )
    except Exception:  # a page misses one update; the cluster work must go on
        logger.warning("could not notify watchers of application %s", application_id)
