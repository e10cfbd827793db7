"""Storing what the cluster reports: pages are told only about real changes."""

from datetime import UTC, datetime

from apps import reconcile
from apps.kube.status import PodStatus, RolloutStatus
from apps.models import Application

from .. import factories


def rollout(*names: str, ready: bool = True) -> RolloutStatus:
    pods = [
        PodStatus(name, 1, "kwok-zone-a-1", "zone-a", "Running", ready, 0, "",
                  datetime(2026, 12, 4, tzinfo=UTC))
        for name in names
    ]  # fmt: skip
    return RolloutStatus(
        exists=True, desired=len(pods), ready=sum(p.ready for p in pods), updated=len(pods),
        observed_current_generation=True, pods=pods,
    )  # fmt: skip


def test_unchanged_status_is_not_announced(monkeypatch, owner, organization, offline_cluster):
    announced = []
    monkeypatch.setattr(reconcile, "notify", announced.append)
    application = factories.application(owner, organization, offline_cluster)

    def store(status):
        reconcile._store_instances(Application.objects.get(pk=application.pk), status)

    store(rollout("hello-a", "hello-b"))
    store(rollout("hello-a", "hello-b"))
    store(rollout("hello-a", "hello-c"))
    assert announced == [application.pk, application.pk]
    assert sorted(application.instances.values_list("pod_name", flat=True)) == [
        "hello-a",
        "hello-c",
    ]
    application.refresh_from_db()
    assert application.ready_instances == 2 and application.status_checked_at is not None
