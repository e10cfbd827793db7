from .deployment import render_deployment
from .ingress import render_ingress
from .namespace import render_namespace
from .service import render_service


def render_release(application, release) -> list[dict]:
    """Every object one release needs, in the order they must be applied."""
    return [
        render_namespace(application.department),
        render_service(application, release),
        render_deployment(application, release),
        render_ingress(application, release),
    ]
