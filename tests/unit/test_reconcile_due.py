"""The periodic reconcile picks exactly the apps that are due, and backs off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps import tasks
from apps.models import Application
from apps.reconcile import MAX_BACKOFF_SECONDS, retry_at

from .. import factories


@pytest.fixture
def queued(monkeypatch):
    """Record what would be sent to the broker instead of sending it."""
    sent = []
    for task in (tasks.apply_application, tasks.delete_application, tasks.watch_rollout):
        monkeypatch.setattr(
            task, "delay", lambda *args, _name=task.name: sent.append((_name, args[0]))
        )
    return sent


def make(owner, organization, cluster, name, **fields):
    application = factories.application(owner, organization, cluster, name=name)
    Application.objects.filter(pk=application.pk).update(**fields)
    return application.pk


def test_due_apps_are_driven_and_others_left(queued, owner, organization, offline_cluster):
    now = timezone.now()
    past, future = now - timedelta(seconds=1), now + timedelta(minutes=1)
    due_pending = make(owner, organization, offline_cluster, "a", next_attempt_at=past)
    make(owner, organization, offline_cluster, "b", next_attempt_at=future)
    unreachable = make(
        owner, organization, offline_cluster, "c", sync_state="unreachable", next_attempt_at=past
    )
    make(owner, organization, offline_cluster, "d", sync_state="rejected", next_attempt_at=None)
    deleting = make(
        owner, organization, offline_cluster, "e", sync_state="deleting", next_attempt_at=past
    )
    stale = make(owner, organization, offline_cluster, "f", sync_state="synced")
    make(owner, organization, offline_cluster, "g", sync_state="synced", status_checked_at=now)

    tasks.reconcile_due()

    assert sorted(queued) == sorted(
        [
            ("apps.tasks.apply_application", due_pending),
            ("apps.tasks.apply_application", unreachable),
            ("apps.tasks.delete_application", deleting),
            ("apps.tasks.watch_rollout", stale),
        ]
    )
    # Driven apps get a grace period, so the next sweep does not queue them again.
    queued.clear()
    tasks.reconcile_due()
    assert [name for name, _ in queued] == ["apps.tasks.watch_rollout"]


def test_backoff_doubles_and_is_capped():
    now = timezone.now()
    delays = [(retry_at(attempt) - now).total_seconds() for attempt in (1, 2, 3, 4, 10)]
    assert [round(delay) for delay in delays] == [1, 2, 4, 8, MAX_BACKOFF_SECONDS]
