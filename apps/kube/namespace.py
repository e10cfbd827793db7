from .labels import tenant_labels


def render_namespace(department) -> dict:
    """The namespace that holds one department's apps."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": department.namespace, "labels": tenant_labels(department)},
    }
