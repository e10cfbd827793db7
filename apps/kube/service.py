from .labels import application_labels, application_selector

SERVICE_PORT = 80


def render_service(application, release) -> dict:
    """A ClusterIP Service on port 80 in front of the app's container port."""
    spec = release.app_spec
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": application.name,
            "namespace": application.namespace,
            "labels": application_labels(application),
        },
        "spec": {
            "type": "ClusterIP",
            "selector": application_selector(application),
            "ports": [
                {"name": "http", "port": SERVICE_PORT, "targetPort": spec.port, "protocol": "TCP"}
            ],
        },
    }
