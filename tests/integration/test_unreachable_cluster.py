"""An API server that does not answer: the app says so, and converges once it does."""

import pytest
import yaml

from apps import reconcile
from apps.models import Application, Cluster
from apps.reconcile import Outcome

from .. import factories
from ..processes import free_port

pytestmark = pytest.mark.cluster


@pytest.fixture
def stopped_api_server(local_kubeconfig, tmp_path):
    """A kubeconfig for the local cluster whose API server address answers nothing."""
    kubeconfig = yaml.safe_load(open(local_kubeconfig))
    for entry in kubeconfig["clusters"]:
        entry["cluster"]["server"] = f"https://127.0.0.1:{free_port()}"
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(kubeconfig))
    return str(path)


def test_unreachable_then_converges(
    local_cluster, local_kubeconfig, stopped_api_server, owner, organization, tenant_namespace, kube
):
    Cluster.objects.filter(pk=local_cluster.pk).update(kubeconfig_path=stopped_api_server)
    application = factories.application(owner, organization, local_cluster)

    assert reconcile.apply_application(application.pk) is Outcome.UNREACHABLE
    application.refresh_from_db()
    assert application.sync_state == Application.SyncState.UNREACHABLE
    assert "cannot be reached" in application.sync_message
    assert application.next_attempt_at is not None
    assert application.sync_attempts == 1

    Cluster.objects.filter(pk=local_cluster.pk).update(kubeconfig_path=local_kubeconfig)
    assert reconcile.apply_application(application.pk) is Outcome.APPLIED
    application.refresh_from_db()
    assert application.sync_state == Application.SyncState.SYNCED
    assert application.sync_message == ""
    assert kube["apps"].read_namespaced_deployment("hello", tenant_namespace).spec.replicas == 2
