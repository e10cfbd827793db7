"""Reading what the cluster reports about an app: its Deployment and its pods."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from .applier import object_path
from .client import ClusterAddress, NotFound, request
from .labels import RELEASE, ZONE, selector_string

NODE_ZONES_TTL_SECONDS = 30


@dataclass(frozen=True)
class PodStatus:
    name: str
    release_number: int | None
    node_name: str
    zone: str
    phase: str
    ready: bool
    restarts: int
    reason: str
    started_at: datetime | None


@dataclass(frozen=True)
class RolloutStatus:
    exists: bool
    desired: int = 0
    ready: int = 0
    updated: int = 0
    observed_current_generation: bool = False
    message: str = ""
    pods: list[PodStatus] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every instance runs the newest spec and no older instance is left."""
        return (
            self.exists
            and self.observed_current_generation
            and self.ready == self.desired == self.updated
            and len(self.pods) == self.desired
        )


def read_rollout(
    address: ClusterAddress, namespace: str, name: str, selector: dict[str, str]
) -> RolloutStatus:
    try:
        deployment = request(address, "GET", object_path("apps/v1", "Deployment", name, namespace))
    except NotFound:
        return RolloutStatus(exists=False)
    pods = request(
        address,
        "GET",
        f"/api/v1/namespaces/{namespace}/pods",
        query={"labelSelector": selector_string(selector)},
    )["items"]
    zones = node_zones(address, {pod.get("spec", {}).get("nodeName", "") for pod in pods})
    status = deployment.get("status", {})
    return RolloutStatus(
        exists=True,
        desired=deployment["spec"].get("replicas", 0),
        ready=status.get("readyReplicas", 0),
        updated=status.get("updatedReplicas", 0),
        observed_current_generation=(
            status.get("observedGeneration", 0) >= deployment["metadata"]["generation"]
        ),
        message=_stalled_message(status),
        pods=sorted((_pod_status(pod, zones) for pod in pods), key=lambda pod: pod.name),
    )


def _stalled_message(status: dict) -> str:
    for condition in status.get("conditions", []):
        if condition["type"] == "ReplicaFailure" and condition["status"] == "True":
            return condition.get("message", "")
        if condition["type"] == "Progressing" and condition["status"] == "False":
            return condition.get("message", "")
    return ""


def _pod_status(pod: dict, zones: dict[str, str]) -> PodStatus:
    metadata, spec, status = pod["metadata"], pod.get("spec", {}), pod.get("status", {})
    containers = status.get("containerStatuses", [])
    node = spec.get("nodeName", "")
    release = metadata.get("labels", {}).get(RELEASE, "")
    phase = "Terminating" if metadata.get("deletionTimestamp") else status.get("phase", "Pending")
    return PodStatus(
        name=metadata["name"],
        release_number=int(release) if release.isdigit() else None,
        node_name=node,
        zone=zones.get(node, ""),
        phase=phase,
        ready=bool(containers) and all(c.get("ready") for c in containers),
        restarts=sum(c.get("restartCount", 0) for c in containers),
        reason=_pod_reason(status, containers),
        started_at=_timestamp(status.get("startTime")),
    )


def _pod_reason(status: dict, containers: list[dict]) -> str:
    """Why an instance is not simply running, and why it last stopped, if it did:
    "CrashLoopBackOff, last stopped: OOMKilled"."""
    waiting = next(
        (c["state"]["waiting"].get("reason", "") for c in containers
         if c.get("state", {}).get("waiting")),
        "",
    )  # fmt: skip
    stopped = next(
        (c["lastState"]["terminated"].get("reason", "") for c in containers
         if c.get("lastState", {}).get("terminated")),
        "",
    )  # fmt: skip
    if waiting and stopped:
        return f"{waiting}, last stopped: {stopped}"
    if waiting or stopped:
        return waiting or stopped
    for condition in status.get("conditions", []):
        if condition.get("reason") == "Unschedulable":
            return condition.get("message", "Unschedulable")
    return ""


def _timestamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


_zone_cache: dict[ClusterAddress, tuple[float, dict[str, str]]] = {}


def node_zones(address: ClusterAddress, needed: set[str] = frozenset()) -> dict[str, str]:
    """Node name to zone, cached briefly: nodes change far less often than pods. A
    node the cache does not know yet (just joined) makes it read the nodes again."""
    cached = _zone_cache.get(address)
    fresh = cached and time.monotonic() - cached[0] < NODE_ZONES_TTL_SECONDS
    if fresh and needed - {""} <= cached[1].keys():
        return cached[1]
    nodes = request(address, "GET", "/api/v1/nodes")["items"]
    zones = {
        node["metadata"]["name"]: node["metadata"].get("labels", {}).get(ZONE, "") for node in nodes
    }
    _zone_cache[address] = (time.monotonic(), zones)
    return zones
