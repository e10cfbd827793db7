"""An app's whole life on the real local cluster: create, scale, delete."""

import pytest
from kubernetes.client.exceptions import ApiException

from apps import actions, reconcile
from apps.models import Application
from apps.reconcile import Outcome
from tenants.audit import Actor

from .. import factories
from ..processes import wait_until

pytestmark = pytest.mark.cluster


def rollout_settles(application, instances: int):
    """Drive status reads until the cluster runs exactly `instances` ready instances."""

    def settled():
        rollout = reconcile.refresh_status(application.pk)
        return rollout is not None and rollout.complete and rollout.ready == instances

    wait_until(settled, timeout=90, interval=1, message=f"{instances} ready instances")
    application.refresh_from_db()
    return application


def test_create_scale_delete(local_cluster, owner, organization, tenant_namespace, kube):
    application = factories.application(owner, organization, local_cluster, instances=2)
    assert reconcile.apply_application(application.pk) is Outcome.APPLIED

    deployment = kube["apps"].read_namespaced_deployment("hello", tenant_namespace)
    container = deployment.spec.template.spec.containers[0]
    assert deployment.spec.replicas == 2
    assert container.image == "nginx:1.27"
    assert container.resources.limits == {"cpu": "500m", "memory": "512Mi"}
    assert deployment.metadata.labels["berth.io/organization"] == organization.slug
    assert deployment.metadata.managed_fields[0].manager == "berth"
    service = kube["core"].read_namespaced_service("hello", tenant_namespace)
    assert service.spec.ports[0].target_port == 80
    ingress = kube["networking"].read_namespaced_ingress("hello", tenant_namespace)
    assert ingress.spec.rules[0].host == f"hello.{organization.slug}.apps.localhost"
    namespace = kube["core"].read_namespace(tenant_namespace)
    assert namespace.metadata.labels["berth.io/department"] == "web"

    application = rollout_settles(application, 2)
    instances = list(application.instances.all())
    assert len(instances) == 2 and all(i.phase == "Running" and i.ready for i in instances)
    assert len({i.zone for i in instances}) == 2, "two instances land in two zones"
    assert application.health == "running"

    actor = Actor(user=owner, via="test")
    previous = {instance.pod_name for instance in instances}
    for count in (5, 1):
        actions.scale_application(actor, application, count)
        assert reconcile.apply_application(application.pk) is Outcome.APPLIED
        application = rollout_settles(application, count)
        running = {instance.pod_name for instance in application.instances.all()}
        assert len(running) == count
        # Scaling adds or removes instances; it replaces none of the running ones.
        assert running > previous if count > len(previous) else running < previous
        previous = running
    assert application.applied_release.number == 3

    actions.delete_application(actor, application)
    wait_until(
        lambda: reconcile.delete_application(application.pk) is Outcome.GONE,
        timeout=60,
        interval=1,
        message="app deleted from the cluster",
    )
    assert not Application.objects.filter(pk=application.pk).exists()
    for read in (
        kube["apps"].read_namespaced_deployment,
        kube["core"].read_namespaced_service,
        kube["networking"].read_namespaced_ingress,
    ):
        with pytest.raises(ApiException) as gone:
            read("hello", tenant_namespace)
        assert gone.value.status == 404
    pods = kube["core"].list_namespaced_pod(
        tenant_namespace, label_selector="app.kubernetes.io/name=hello"
    )
    assert pods.items == []


def test_rejected_release_changes_nothing(
    local_cluster, owner, organization, tenant_namespace, kube
):
    """A release the API server refuses leaves the running release in place."""
    application = factories.application(owner, organization, local_cluster, instances=1)
    assert reconcile.apply_application(application.pk) is Outcome.APPLIED
    # Bypass Berth's own validation to make the cluster itself refuse the spec.
    release = actions.scale_application(Actor(user=owner, via="test"), application, 2)
    type(release).objects.filter(pk=release.pk).update(spec={**release.spec, "port": 70000})
    assert reconcile.apply_application(application.pk) is Outcome.REJECTED
    application.refresh_from_db()
    assert application.sync_state == Application.SyncState.REJECTED
    assert "70000" in application.sync_message
    assert application.applied_release.number == 1
    deployment = kube["apps"].read_namespaced_deployment("hello", tenant_namespace)
    assert deployment.spec.replicas == 1


def test_persistent_internal_error_becomes_a_refusal(
    local_cluster, owner, organization, tenant_namespace
):
    """The API server answers some refusals with HTTP 500; Berth retries those a few
    times, then shows them as refused instead of "unreachable" forever."""
    application = factories.application(owner, organization, local_cluster, instances=1)
    release = application.desired_release
    # Bypass Berth's validation (which refuses these digits) to reach the API server.
    type(release).objects.filter(pk=release.pk).update(
        spec={**release.spec, "memory_limit": "５１２Mi"}
    )
    outcomes = [reconcile.apply_application(application.pk) for _ in range(3)]
    application.refresh_from_db()
    if outcomes[0] is Outcome.REJECTED:
        pytest.skip("this API server answers the bad quantity with a 4xx refusal")
    assert outcomes == [Outcome.UNREACHABLE, Outcome.UNREACHABLE, Outcome.REJECTED]
    assert application.sync_state == Application.SyncState.REJECTED
    assert "quantities must match" in application.sync_message
