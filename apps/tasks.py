"""Celery tasks: the cluster work that action functions schedule, and the periodic
reconcile that retries whatever failed and keeps every app's status fresh.

Tasks do not retry themselves on an unreachable cluster: each failure stores when to
try next (`Application.next_attempt_at`, backing off), and `reconcile_due` picks the
app up then. So an outage queues no pile of retries, and a lost task is not lost work.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import reconcile
from .models import Application

logger = logging.getLogger(__name__)

ROLLOUT_POLL_SECONDS = 2
DELETION_POLLS = 60
STATUS_REFRESH_SECONDS = 30
# How long a freshly scheduled task has to start before the periodic reconcile
# assumes it was lost and drives the app itself.
TASK_GRACE_SECONDS = 30


@shared_task
def apply_application(application_id: int) -> str:
    outcome = reconcile.apply_application(application_id)
    if outcome is reconcile.Outcome.APPLIED:
        watch_rollout.delay(application_id, _watch_deadline())
    return outcome.value


@shared_task
def watch_rollout(application_id: int, deadline: str) -> None:
    """Poll a rollout until it completes or the deadline passes (after that the
    periodic reconcile keeps the status fresh).

    TODO: polling costs two API calls per app every few seconds during a rollout and
    every 30 s after; a status reader holding one watch on Berth's pods per cluster
    would push changes as they happen and scale to thousands of apps.
    """
    rollout = reconcile.refresh_status(application_id)
    if rollout is not None and rollout.complete:
        return
    if timezone.now().isoformat() < deadline:
        watch_rollout.apply_async((application_id, deadline), countdown=ROLLOUT_POLL_SECONDS)


@shared_task(bind=True, max_retries=DELETION_POLLS)
def delete_application(self, application_id: int) -> str:
    outcome = reconcile.delete_application(application_id)
    if outcome is reconcile.Outcome.WAITING:
        raise self.retry(countdown=ROLLOUT_POLL_SECONDS)
    return outcome.value


@shared_task
def reconcile_due() -> None:
    """Drive every app whose last attempt failed or whose task never ran, and refresh
    the status of apps not looked at lately. Runs every few seconds from beat."""
    now = timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True)
    unsettled = Application.objects.filter(due).exclude(sync_state=Application.SyncState.SYNCED)
    unsettled = unsettled.exclude(sync_state=Application.SyncState.REJECTED)
    driven = list(unsettled.values_list("id", "sync_state"))
    Application.objects.filter(pk__in=[application_id for application_id, _ in driven]).update(
        next_attempt_at=now + timedelta(seconds=TASK_GRACE_SECONDS)
    )
    for application_id, state in driven:
        if state == Application.SyncState.DELETING:
            delete_application.delay(application_id)
        else:
            apply_application.delay(application_id)
    stale = Q(status_checked_at__isnull=True) | Q(
        status_checked_at__lt=now - timedelta(seconds=STATUS_REFRESH_SECONDS)
    )
    synced = Application.objects.filter(stale, sync_state=Application.SyncState.SYNCED)
    for application_id in synced.values_list("id", flat=True):
        watch_rollout.delay(application_id, now.isoformat())


def _watch_deadline() -> str:
    return (timezone.now() + timedelta(seconds=settings.BERTH_ROLLOUT_WATCH_SECONDS)).isoformat()
