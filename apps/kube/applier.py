"""Applying rendered manifests with server-side apply, and deleting what Berth made."""

from __future__ import annotations

from .client import ClusterAddress, NotFound, request
from .labels import FIELD_MANAGER

APPLY_CONTENT_TYPE = "application/apply-patch+yaml"  # JSON is valid YAML

# Where each kind Berth manages lives in the API: (path prefix, plural, namespaced).
_RESOURCES = {
    ("v1", "Namespace"): ("/api/v1", "namespaces", False),
    ("v1", "Service"): ("/api/v1", "services", True),
    ("apps/v1", "Deployment"): ("/apis/apps/v1", "deployments", True),
    ("networking.k8s.io/v1", "Ingress"): ("/apis/networking.k8s.io/v1", "ingresses", True),
}


def object_path(api_version: str, kind: str, name: str, namespace: str | None = None) -> str:
    prefix, plural, namespaced = _RESOURCES[(api_version, kind)]
    if namespaced:
        return f"{prefix}/namespaces/{namespace}/{plural}/{name}"
    return f"{prefix}/{plural}/{name}"


def manifest_path(manifest: dict) -> str:
    metadata = manifest["metadata"]
    return object_path(
        manifest["apiVersion"], manifest["kind"], metadata["name"], metadata.get("namespace")
    )


def apply_manifests(address: ClusterAddress, manifests: list[dict]) -> list[dict]:
    """Apply every manifest, or none of the app's objects if the API server refuses any.

    Namespaces go first: they are the department's, shared and harmless, and the
    other objects cannot be checked before their namespace exists. A server-side dry
    run of the remaining set follows, so a rejected object (invalid, over quota,
    refused by an admission plugin) leaves them all untouched. Each apply is
    idempotent, so a run cut short by a lost connection is simply repeated.
    """
    namespaces = [m for m in manifests if m["kind"] == "Namespace"]
    objects = [m for m in manifests if m["kind"] != "Namespace"]
    applied = [_apply(address, manifest) for manifest in namespaces]
    for manifest in objects:
        _apply(address, manifest, dry_run=True)
    return applied + [_apply(address, manifest) for manifest in objects]


def _apply(address: ClusterAddress, manifest: dict, *, dry_run: bool = False) -> dict:
    query = {"fieldManager": FIELD_MANAGER, "force": "true"}
    if dry_run:
        query["dryRun"] = "All"
    return request(
        address,
        "PATCH",
        manifest_path(manifest),
        query=query,
        body=manifest,
        content_type=APPLY_CONTENT_TYPE,
    )


def delete_object(address: ClusterAddress, path: str) -> bool:
    """Ask for deletion (dependents first); True once the object is gone."""
    try:
        request(
            address,
            "DELETE",
            path,
            body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"},
        )
    except NotFound:
        return True
    return False


def exists(address: ClusterAddress, path: str) -> bool:
    try:
        request(address, "GET", path)
    except NotFound:
        return False
    return True


def list_objects(address: ClusterAddress, path: str, label_selector: str) -> list[dict]:
    return request(address, "GET", path, query={"labelSelector": label_selector})["items"]
