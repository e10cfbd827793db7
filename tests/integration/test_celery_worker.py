"""The whole path with a real Celery worker on the real Redis broker."""

import pytest

from apps import actions
from apps.models import Application
from tenants.audit import Actor

from .. import factories
from ..processes import celery_worker, wait_until

pytestmark = [pytest.mark.cluster, pytest.mark.celery]


@pytest.mark.django_db(transaction=True)
def test_worker_applies_and_deletes(
    local_cluster, owner, organization, tenant_namespace, kube, tmp_path
):
    with celery_worker(tmp_path / "worker.log"):
        application = factories.application(owner, organization, local_cluster, instances=2)

        def ready():
            current = Application.objects.get(pk=application.pk)
            return current.sync_state == "synced" and current.ready_instances == 2

        wait_until(ready, timeout=90, message=f"worker log: {tmp_path / 'worker.log'}")
        assert kube["apps"].read_namespaced_deployment("hello", tenant_namespace).spec.replicas == 2

        actions.delete_application(Actor(user=owner, via="test"), application)
        wait_until(
            lambda: not Application.objects.filter(pk=application.pk).exists(),
            timeout=90,
            message="worker deletes the app once the cluster confirms",
        )
    pods = kube["core"].list_namespaced_pod(tenant_namespace)
    assert pods.items == []
