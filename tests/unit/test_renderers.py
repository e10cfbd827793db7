"""Renderers are pure: models in, manifests out, compared with golden files."""

import json
import os
from pathlib import Path

from apps.kube.manifests import render_release
from apps.models import Application, Cluster, Release
from apps.spec import AppSpec
from tenants.models import Department, Organization

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def sample_release() -> tuple[Application, Release]:
    organization = Organization(pk=1, name="Acme", slug="acme")
    department = Department(pk=2, organization=organization, name="Web", slug="web")
    cluster = Cluster(name="local", node_selector={"type": "kwok"})
    application = Application(
        pk=7, organization=organization, department=department, cluster=cluster, name="hello"
    )
    spec = AppSpec(
        image="nginx:1.27",
        instances=3,
        cpu_limit="1",
        memory_limit="256Mi",
        cpu_request="250m",
        port=8080,
        env=(("GREETING", "hi"), ("MODE", "prod")),
    )
    release = Release(application=application, number=3, spec=spec.to_dict())
    return application, release


def test_release_renders_as_golden_manifests():
    manifests = render_release(*sample_release())
    golden = GOLDEN / "hello-release-3.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(manifests, indent=2, sort_keys=True) + "\n")
    assert manifests == json.loads(golden.read_text())


def test_objects_come_in_apply_order():
    kinds = [manifest["kind"] for manifest in render_release(*sample_release())]
    assert kinds == ["Namespace", "Service", "Deployment", "Ingress"]


def test_selector_does_not_change_between_releases():
    application, release = sample_release()
    later = Release(application=application, number=9, spec=release.spec)
    first = render_release(application, release)[2]["spec"]["selector"]
    second = render_release(application, later)[2]["spec"]["selector"]
    assert first == second
    assert "berth.io/release" not in first["matchLabels"]


def test_request_defaults_to_limit():
    application, release = sample_release()
    container = render_release(application, release)[2]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["requests"] == {"cpu": "250m", "memory": "256Mi"}
    assert container["resources"]["limits"] == {"cpu": "1", "memory": "256Mi"}


def test_instances_spread_across_zones():
    deployment = render_release(*sample_release())[2]
    [zone_rule] = [
        rule
        for rule in deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        if rule["topologyKey"] == "topology.kubernetes.io/zone"
    ]
    assert zone_rule["whenUnsatisfiable"] == "DoNotSchedule"
    assert zone_rule["maxSkew"] == 1


def test_namespace_is_labelled_with_tenant():
    namespace = render_release(*sample_release())[0]
    assert namespace["metadata"] == {
        "name": "acme--web",
        "labels": {
            "app.kubernetes.io/managed-by": "berth",
            "berth.io/organization": "acme",
            "berth.io/department": "web",
        },
    }


def test_cluster_node_pool_reaches_pods():
    application, release = sample_release()
    application.cluster.tolerations = [{"key": "berth.io/real", "operator": "Exists"}]
    pod = render_release(application, release)[2]["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"type": "kwok"}
    assert pod["tolerations"] == [{"key": "berth.io/real", "operator": "Exists"}]


def test_ingress_routes_the_public_hostname(settings):
    settings.BERTH_APPS_DOMAIN = "apps.example.test"
    ingress = render_release(*sample_release())[3]
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == "hello.acme.apps.example.test"
    assert ingress["spec"]["ingressClassName"] == "berth"
    assert rule["http"]["paths"][0]["backend"]["service"] == {
        "name": "hello",
        "port": {"number": 80},
    }


def test_scaling_keeps_the_pod_template():
    application, release = sample_release()
    scaled = Release(
        application=application,
        number=4,
        spec={**release.spec, "instances": 5},
        template_release=3,
    )
    before = render_release(application, release)[2]["spec"]["template"]
    after = render_release(application, scaled)[2]["spec"]["template"]
    assert before == after
