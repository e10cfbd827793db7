"""Apps that really run: real containers on the local cluster's real node, reached
through the ingress controller. Skipped, saying why, where containers cannot run."""

import http.client
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from apps import actions, reconcile
from apps.models import Application
from apps.reconcile import Outcome
from tenants.audit import Actor

from .. import factories
from ..processes import wait_until

pytestmark = [pytest.mark.cluster, pytest.mark.realnode]

HELLO_IMAGE = "127.0.0.1:5000/berth/hello-http:1"
MEMORY_HOG_IMAGE = "127.0.0.1:5000/berth/memory-hog:1"
INGRESS = ("127.0.0.1", 18080)


@pytest.fixture
def real_cluster(db, real_node, local_kubeconfig):
    """The real node's pool, as `make run` registers it for the demo."""
    from apps.management.commands.bootstrap_local import NODE_POOLS

    return factories.cluster(kubeconfig_path=local_kubeconfig, name="real", **NODE_POOLS["real"])


def ask(host: str) -> tuple[int, str]:
    """One request to the app's address; (0, "") when nothing answers in time, as
    while the ingress still routes to an instance that just stopped."""
    connection = http.client.HTTPConnection(*INGRESS, timeout=3)
    try:
        connection.request("GET", "/", headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode()
    except TimeoutError:
        return 0, ""
    finally:
        connection.close()


def answering_instances(host: str, tries: int = 12) -> set[str]:
    """Which instances answer the app's address, over several requests."""
    names = set()
    for _ in range(tries):
        status, body = ask(host)
        if status == 200:
            names.add(body.split()[2])  # "hello from <instance>"
    return names


def settle(application, instances: int):
    def ready():
        rollout = reconcile.refresh_status(application.pk)
        return rollout is not None and rollout.complete and rollout.ready == instances

    wait_until(ready, timeout=60, interval=1, message=f"{instances} real instances ready")
    application.refresh_from_db()
    return application


def containers_running(image: str) -> list[str]:
    state = Path(os.environ.get("BERTH_CLUSTER_STATE", Path(settings.LOCAL_KUBECONFIG).parent))
    ctr = next(Path.home().glob(".cache/berth/cluster/*/bin/ctr"))
    listing = subprocess.run(
        [str(ctr), "--address", str(state / "real-node/containerd/containerd.sock"),
         "-n", "k8s.io", "containers", "ls"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [line for line in listing.splitlines() if image in line]


def test_hello_answers_from_each_instance(real_cluster, owner, organization, tenant_namespace):
    application = factories.application(
        owner, organization, real_cluster, image=HELLO_IMAGE, port=8080, instances=2
    )
    assert reconcile.apply_application(application.pk) is Outcome.APPLIED
    application = settle(application, 2)
    pods = {instance.pod_name for instance in application.instances.all()}
    assert {instance.node_name for instance in application.instances.all()} == {"real-1"}
    assert wait_until(lambda: answering_instances(application.hostname) == pods, timeout=30)

    actor = Actor(user=owner, via="test")
    for count in (3, 1):
        actions.scale_application(actor, application, count)
        reconcile.apply_application(application.pk)
        application = settle(application, count)
        expected = {instance.pod_name for instance in application.instances.all()}
        host = application.hostname
        wait_until(
            lambda host=host, expected=expected: answering_instances(host) == expected,
            timeout=30,
            message=f"{expected} answer",
        )

    actions.delete_application(actor, application)
    wait_until(
        lambda: reconcile.delete_application(application.pk) is Outcome.GONE,
        timeout=60,
        interval=1,
    )
    assert not Application.objects.filter(pk=application.pk).exists()
    assert wait_until(lambda: ask(application.hostname)[0] == 404, timeout=30)
    # The app's own containers go at once; the kubelet removes pod sandboxes later.
    wait_until(lambda: not containers_running(HELLO_IMAGE), timeout=60, message="no container")


def test_memory_over_the_limit_is_oom_killed(real_cluster, owner, organization, tenant_namespace):
    application = factories.application(
        owner,
        organization,
        real_cluster,
        name="hog",
        image=MEMORY_HOG_IMAGE,
        instances=1,
        memory_limit="64Mi",
    )
    assert reconcile.apply_application(application.pk) is Outcome.APPLIED

    def oom_killed():
        reconcile.refresh_status(application.pk)
        instance = application.instances.first()
        return instance is not None and instance.restarts > 0 and "OOMKilled" in instance.reason

    wait_until(oom_killed, timeout=90, interval=1, message="the hog is OOM-killed and restarts")
