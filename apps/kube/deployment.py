from .labels import RELEASE, ZONE, application_labels, application_selector

HOSTNAME = "kubernetes.io/hostname"
# Old instances stop within this; a platform app that needs longer asks for it later.
TERMINATION_GRACE_SECONDS = 30


def render_deployment(application, release) -> dict:
    """The Deployment that runs a release, its instances spread across zones."""
    spec = release.app_spec
    selector = application_selector(application)
    # Pods carry the release that defined them, not the newest one: a release that
    # only scales keeps the pod template, so no running instance is replaced.
    pod_labels = {**application_labels(application), RELEASE: str(release.instance_release)}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": application.name,
            "namespace": application.namespace,
            "labels": {**application_labels(application), RELEASE: str(release.number)},
        },
        "spec": {
            "replicas": spec.instances,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
            },
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {
                    **_placement(application.cluster),
                    "enableServiceLinks": False,
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
                    "topologySpreadConstraints": _spread(selector),
                    "containers": [_container(application, spec)],
                },
            },
        },
    }


def _placement(cluster) -> dict:
    placement = {}
    if cluster.node_selector:
        placement["nodeSelector"] = cluster.node_selector
    if cluster.tolerations:
        placement["tolerations"] = cluster.tolerations
    return placement


def _spread(selector: dict[str, str]) -> list[dict]:
    # Zones are a hard rule (an outage of one zone must leave instances elsewhere);
    # nodes within a zone are a preference, so a small zone does not block a rollout.
    return [
        {
            "maxSkew": 1,
            "topologyKey": ZONE,
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": selector},
        },
        {
            "maxSkew": 1,
            "topologyKey": HOSTNAME,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": selector},
        },
    ]


def _container(application, spec) -> dict:
    return {
        "name": application.name,
        "image": spec.image,
        "ports": [{"name": "http", "containerPort": spec.port, "protocol": "TCP"}],
        "env": [{"name": name, "value": value} for name, value in spec.env],
        "resources": {
            "requests": {
                "cpu": spec.effective_cpu_request,
                "memory": spec.effective_memory_request,
            },
            "limits": {"cpu": spec.cpu_limit, "memory": spec.memory_limit},
        },
    }
