from django.conf import settings

from .labels import application_labels
from .service import SERVICE_PORT


def render_ingress(application, release) -> dict:
    """Routes the app's public hostname to its Service through the platform's
    ingress controller."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": application.name,
            "namespace": application.namespace,
            "labels": application_labels(application),
        },
        "spec": {
            "ingressClassName": settings.BERTH_INGRESS_CLASS,
            "rules": [
                {
                    "host": application.hostname,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {
                                    "service": {
                                        "name": application.name,
                                        "port": {"number": SERVICE_PORT},
                                    }
                                },
                            }
                        ]
                    },
                }
            ],
        },
    }
