"""The simulated part of the cluster: kwok's configuration and its nodes.

Nodes are plain Node objects that carry kwok's annotation; kwok then plays the
Stages in kwok/stages.yaml on them and on the pods scheduled to them.
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

from localcluster import layout, network
from localcluster.layout import State

ZONES = ("zone-a", "zone-b", "zone-c")
NODES_PER_ZONE = 2
REGION = "local"
NODE_CAPACITY = {"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"}
# kwok manages only nodes with this annotation, and this label tells Berth's
# own code that a node is simulated.
KWOK_ANNOTATION = ("kwok.x-k8s.io/node", "fake")
# What a container uses when a test has not said otherwise.
DEFAULT_USAGE = {"default_cpu": "5m", "default_memory": "24Mi"}
# A node's own share of use on top of its pods: system daemons in a real node.
NODE_BASELINE = {"node_baseline_cores": "0.05", "node_baseline_bytes": f"{256 * 2**20}.0"}
LOG_LINES = 20


def config_file(state: State) -> Path:
    return state.kwok / "kwok.yaml"


def write_config(state: State) -> Path:
    """Writes the one file kwok reads: stages, logs, exec, usage and metrics."""
    exec_dir = state.kwok / "exec"
    exec_dir.mkdir(parents=True, exist_ok=True)
    logs_file = write_container_log(state)
    template = string.Template((layout.KWOK_CONFIG_DIR / "simulation.yaml").read_text())
    simulation = template.substitute(
        logs_file=json.dumps(str(logs_file)),
        exec_dir=json.dumps(str(exec_dir)),
        **DEFAULT_USAGE,
        **NODE_BASELINE,
    )
    stages = (layout.KWOK_CONFIG_DIR / "stages.yaml").read_text()
    path = config_file(state)
    path.write_text(f"{stages}\n---\n{simulation}")
    return path


def write_container_log(state: State) -> Path:
    """A container log in the CRI format that kwok serves as `kubectl logs`."""
    path = state.kwok / "container.log"
    if not path.exists():
        start = datetime.now(UTC) - timedelta(seconds=LOG_LINES)
        path.write_text(
            "".join(log_line(start + timedelta(seconds=i), i + 1) for i in range(LOG_LINES))
        )
    return path


def log_line(at: datetime, number: int) -> str:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f000Z")
    return f"{stamp} stdout F simulated container log line {number} of {LOG_LINES}\n"


def node_zones() -> dict[str, str]:
    """Node names and their zones: kwok-zone-a-1, kwok-zone-a-2, kwok-zone-b-1, ..."""
    return {
        f"kwok-{zone}-{index}": zone for zone in ZONES for index in range(1, NODES_PER_ZONE + 1)
    }


def nodes_manifest(kubelet_version: str) -> str:
    """Every simulated node as one JSON list that `kubectl apply` takes."""
    items = [node(name, zone, kubelet_version) for name, zone in node_zones().items()]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=1)


def node(name: str, zone: str, kubelet_version: str) -> dict:
    annotation, value = KWOK_ANNOTATION
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {
                annotation: value,
                "node.alpha.kubernetes.io/ttl": "0",
                "metrics.k8s.io/resource-metrics-path": f"/metrics/nodes/{name}/metrics/resource",
            },
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/region": REGION,
                "topology.kubernetes.io/zone": zone,
                "type": "kwok",
            },
        },
        "status": {
            "capacity": NODE_CAPACITY,
            "allocatable": NODE_CAPACITY,
            # Loopback, where kwok's endpoint listens for every node: the API
            # server and metrics-server reach it through this address.
            "addresses": [
                {"type": "InternalIP", "address": network.LOOPBACK},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "operatingSystem": "linux",
                "kubeletVersion": kubelet_version,
                "kubeProxyVersion": kubelet_version,
                "containerRuntimeVersion": "kwok://simulated",
                "osImage": "kwok simulated node",
                "kernelVersion": "simulated",
                "machineID": "",
                "systemUUID": "",
                "bootID": "",
            },
        },
    }
