import pytest
from kubernetes import client, config

from apps.kube.client import ClusterAddress, NotFound, request


@pytest.fixture(scope="session")
def kube(local_kubeconfig):
    """The official client, used to check what Berth did on the real cluster."""
    api = config.new_client_from_config(config_file=local_kubeconfig)
    return {"core": client.CoreV1Api(api), "apps": client.AppsV1Api(api)}


@pytest.fixture
def tenant_namespace(local_kubeconfig, organization):
    """The test organization's namespace, removed afterwards whatever the test left."""
    namespace = f"{organization.slug}--web"
    yield namespace
    try:
        request(ClusterAddress(local_kubeconfig), "DELETE", f"/api/v1/namespaces/{namespace}")
    except NotFound:
        pass
