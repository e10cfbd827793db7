"""Builds and runs Berth's local Kubernetes cluster.

    python3 localcluster/cluster.py build|up|down [--purge]|status|kubeconfig|real-node

See localcluster/README.md. Standard library only: this runs before Berth's
virtualenv exists.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import string
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make `localcluster` importable from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from localcluster import (
    build,
    kubeconfig,
    layout,
    network,
    probes,
    processes,
    realnode,
    registry_images,
    simulation,
)
from localcluster.components import PROCESSES, REAL_NODE, Process, Setup
from localcluster.errors import ClusterError
from localcluster.layout import State
from localcluster.pki import CLUSTER_CA, Pki

# The first start of the API server creates its bootstrap objects in etcd.
START_TIMEOUT = {"kube-apiserver": 180}
DEFAULT_START_TIMEOUT = 90
NODES_READY_TIMEOUT = 120
METRICS_API_TIMEOUT = 120
REAL_NODE_READY_TIMEOUT = 90
KUBECONFIG_IDENTITIES = (
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
    "metrics-server",
    "kubelet-client",
    "kube-proxy",
    "traefik",
)
METRICS_API_SERVICE = "v1beta1.metrics.k8s.io"
REGISTRY_CONFIG = """\
# Written by localcluster/cluster.py on every `up`.
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: {address}
  # Signs upload state only; the registry is reachable from this machine alone.
  secret: berth-local-registry
"""


def wanted_processes(real_node_off: str | None) -> tuple[Process, ...]:
    """Every process, less the real node's where it cannot run."""
    return tuple(p for p in PROCESSES if not (real_node_off and p.group == REAL_NODE))


def up() -> None:
    started = time.monotonic()
    setup = Setup(build.ensure_built(), layout.state())
    real_node_off = realnode.unavailable_reason()
    with layout.exclusive(setup.state.lock_file):
        wanted = wanted_processes(real_node_off)
        if all_healthy(setup, wanted) and (real_node_off or real_node_problem(setup) is None):
            print("cluster: already running")
        else:
            real_node_off = start_cluster(setup, wanted, real_node_off)
            print(f"cluster: ready in {build.format_duration(time.monotonic() - started)}")
    print_real_node(real_node_off)
    print_access(setup)


def start_cluster(
    setup: Setup, wanted: tuple[Process, ...], real_node_off: str | None
) -> str | None:
    """Starts what is missing; returns why the real node is off, if it is."""
    check_ports_free(setup, wanted)
    prepare_state(setup, real_node_off)
    waiting = {}
    for process in wanted:
        if process.group == REAL_NODE:
            continue
        waiting[process.name] = ensure_started(setup, process)
        if process.name in ("etcd", "kube-apiserver", "registry"):
            # What follows these needs them, so wait before going on.
            wait_healthy(setup, process, waiting.pop(process.name))
        if process.name == "kube-apiserver":
            apply_manifests(setup)
        if process.name == "registry":
            registry_images.push_all(setup.bin_dir / "images")
    for process in wanted:
        if process.name in waiting:
            wait_healthy(setup, process, waiting[process.name])
    wait_for_nodes(setup.state)
    wait_for_metrics_api(setup.state)
    if real_node_off is None:
        try:
            start_real_node(setup)
        except ClusterError as error:
            # The simulated cluster is still useful: report and carry on.
            print(f"  {error}")
            return str(error).splitlines()[0]
    return real_node_off


def start_real_node(setup: Setup) -> None:
    """containerd, then the kubelet and kube-proxy; waits for the node to be Ready."""
    # A Ready condition older than this is left from before a `down`.
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    for process in PROCESSES:
        if process.group == REAL_NODE:
            wait_healthy(setup, process, ensure_started(setup, process))
    deadline = time.monotonic() + REAL_NODE_READY_TIMEOUT
    while (problem := real_node_problem(setup, since)) is not None:
        if time.monotonic() > deadline:
            fail(setup.state, "kubelet", f"did not make {network.REAL_NODE_NAME} Ready: {problem}")
        time.sleep(0.5)
    print(f"  node {network.REAL_NODE_NAME}: Ready")


def real_node_problem(setup: Setup, since: datetime | None = None) -> str | None:
    """Why the real node is not Ready, or None when it is (and, given `since`,
    has said so since then)."""
    for process in PROCESSES:
        if process.group == REAL_NODE and not component_status(setup, process)[0]:
            return f"{process.name} is not running"
    api = probes.ApiClient(Pki(setup.state.pki))
    node = api.get(f"/api/v1/nodes/{network.REAL_NODE_NAME}")
    if node is None:
        return f"node {network.REAL_NODE_NAME} is not registered"
    for condition in node.get("status", {}).get("conditions", []):
        if condition.get("type") == "Ready" and condition.get("status") != "True":
            return f"node is NotReady: {condition.get('message', '')}"
    if not condition_is_true(node.get("status", {}), "Ready"):
        return "node has not reported Ready yet"
    if since is not None and last_heartbeat(node) < since:
        return "node has not reported since the kubelet started"
    return None


def last_heartbeat(node: dict) -> datetime:
    for condition in node.get("status", {}).get("conditions", []):
        if condition.get("type") == "Ready" and condition.get("lastHeartbeatTime"):
            return datetime.fromisoformat(condition["lastHeartbeatTime"].replace("Z", "+00:00"))
    return datetime.min.replace(tzinfo=UTC)


def print_real_node(real_node_off: str | None) -> None:
    if real_node_off:
        print(f"real node: OFF, {real_node_off}")
    else:
        print(f"real node: {network.REAL_NODE_NAME} Ready (containers run here)")


def prepare_state(setup: Setup, real_node_off: str | None) -> None:
    """Certificates, kubeconfigs and configuration files, made where missing."""
    state = setup.state
    state.create()
    setup.pki.ensure()
    kubeconfig.write(state.admin_kubeconfig, setup.pki, "admin")
    for identity in KUBECONFIG_IDENTITIES:
        kubeconfig.write(state.kubeconfig_for(identity), setup.pki, identity)
    simulation.write_config(state)
    (state.root / "registry.yaml").write_text(
        REGISTRY_CONFIG.format(root=state.root / "registry", address=network.REGISTRY)
    )
    if real_node_off is None:
        realnode.write_configs(state, setup.bin_dir)
        realnode.prepare_host_network()


def check_ports_free(setup: Setup, wanted: tuple[Process, ...]) -> None:
    """Fails before starting anything if another program holds a port we need."""
    state = setup.state
    for process in wanted:
        if process.port is None:
            continue
        if processes.running_pid(state, process.name) is None and probes.port_in_use(process.port):
            raise ClusterError(
                f"{process.name}: port {network.LOOPBACK}:{process.port} is taken by a "
                "process this cluster did not start; stop it, then run `up` again"
            )


def ensure_started(setup: Setup, process: Process) -> subprocess.Popen | None:
    """Starts `process` unless it already runs; returns the new child, if any."""
    pid = processes.running_pid(setup.state, process.name)
    if pid is not None:
        print(f"  {process.name}: running (pid {pid})")
        return None
    return start(setup, process)


def start(setup: Setup, process: Process) -> subprocess.Popen:
    print(f"  {process.name}: starting, log {setup.state.log_file(process.name)}")
    command = process.command(setup)
    return processes.start(setup.state, process.name, command, process.extra_env(setup))


def wait_healthy(setup: Setup, process: Process, child: subprocess.Popen | None) -> None:
    """Waits for `process` to answer its health check; `child` if we started it."""
    state = setup.state
    timeout = START_TIMEOUT.get(process.name, DEFAULT_START_TIMEOUT)
    deadline = time.monotonic() + timeout
    while not is_healthy(setup, process):
        if child is None and processes.running_pid(state, process.name) is None:
            # It was still shutting down when `up` looked, after a kill or `down`.
            child = start(setup, process)
        elif child is not None and child.poll() is not None:
            fail(state, process.name, f"exited with code {child.returncode}")
        if time.monotonic() > deadline:
            fail(state, process.name, f"not healthy after {timeout}s at {process.health_url}")
        time.sleep(0.5)


def fail(state: State, component: str, problem: str) -> None:
    log = state.log_file(component)
    tail = processes.log_tail(state, component)
    raise ClusterError(f"{component} {problem}; see its log {log}:\n{tail}")


def is_healthy(setup: Setup, process: Process) -> bool:
    if process.health_socket is not None:
        return probes.socket_answers(process.health_socket(setup))
    return probes.is_healthy(process.health_url)


def apply_manifests(setup: Setup) -> None:
    """metrics-server's and Traefik's RBAC, the IngressClass, the simulated nodes."""
    kubectl_apply(setup, metrics_server_manifest(setup.pki))
    kubectl_apply(setup, (layout.MANIFESTS_DIR / "ingress.yaml").read_text())
    kubelet_version = build.KUBERNETES.version()
    kubectl_apply(setup, simulation.nodes_manifest(kubelet_version))


def metrics_server_manifest(pki: Pki) -> str:
    template = string.Template((layout.MANIFESTS_DIR / "metrics-server.yaml").read_text())
    ca_bundle = base64.b64encode(pki.cert(CLUSTER_CA).read_bytes()).decode()
    return template.substitute(
        address=network.LOOPBACK, port=network.METRICS_SERVER_PORT, ca_bundle=ca_bundle
    )


def kubectl_apply(setup: Setup, manifest: str) -> None:
    command = [
        setup.binary("kubectl"),
        f"--kubeconfig={setup.state.admin_kubeconfig}",
        "apply",
        "-f",
        "-",
    ]
    result = subprocess.run(
        command, input=manifest, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    if result.returncode != 0:
        raise ClusterError(f"kubectl apply failed:\n{result.stdout}")


def wait_for_nodes(state: State) -> None:
    api = probes.ApiClient(Pki(state.pki))
    expected = len(simulation.node_zones())
    deadline = time.monotonic() + NODES_READY_TIMEOUT
    while (ready := count_ready_nodes(api)) < expected:
        if time.monotonic() > deadline:
            fail(state, "kwok", f"made {ready} of {expected} nodes Ready in {NODES_READY_TIMEOUT}s")
        time.sleep(0.5)
    print(f"  nodes: {expected} Ready")


def count_ready_nodes(api: probes.ApiClient) -> int:
    nodes = api.get("/api/v1/nodes?labelSelector=type%3Dkwok") or {"items": []}
    return sum(1 for node in nodes["items"] if condition_is_true(node.get("status", {}), "Ready"))


def wait_for_metrics_api(state: State) -> None:
    api = probes.ApiClient(Pki(state.pki))
    path = f"/apis/apiregistration.k8s.io/v1/apiservices/{METRICS_API_SERVICE}"
    deadline = time.monotonic() + METRICS_API_TIMEOUT
    while not condition_is_true((api.get(path) or {}).get("status", {}), "Available"):
        if time.monotonic() > deadline:
            fail(
                state,
                "metrics-server",
                f"is not Available as {METRICS_API_SERVICE} after {METRICS_API_TIMEOUT}s",
            )
        time.sleep(0.5)
    print("  metrics API: available (usage shows up within about a minute)")


def condition_is_true(status: dict, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True" for c in status.get("conditions", [])
    )


def all_healthy(setup: Setup, wanted: tuple[Process, ...]) -> bool:
    return all(component_status(setup, process)[0] for process in wanted)


def component_status(setup: Setup, process: Process) -> tuple[bool, str]:
    pid = processes.running_pid(setup.state, process.name)
    if pid is None:
        return False, "down"
    if not is_healthy(setup, process):
        return False, f"unhealthy (pid {pid}, {process.health_url})"
    return True, f"up (pid {pid})"


def print_access(setup: Setup) -> None:
    path = setup.state.admin_kubeconfig
    print(f"kubeconfig: {path}")
    print(f"kubectl:    {setup.binary('kubectl')}")
    print(f"export KUBECONFIG={path}")


def down(purge: bool) -> None:
    setup = Setup(build.bin_dir(), layout.state())
    state = setup.state
    with layout.exclusive(state.lock_file):
        for process in reversed(PROCESSES):
            if process.name == "containerd" and processes.running_pid(state, "containerd"):
                # The kubelet is stopped by now, so nothing restarts them.
                realnode.remove_containers(setup)
            stopped = processes.stop(state, process.name)
            print(f"  {process.name}: {'stopped' if stopped else 'was not running'}")
        if realnode.folder(state).exists() and os.geteuid() == 0:
            clean_up_real_node(setup)
        if purge:
            for data in (state.etcd_data, state.root / "registry"):
                shutil.rmtree(data, ignore_errors=True)
                print(f"  data: removed {data}")


def clean_up_real_node(setup: Setup) -> None:
    """Whatever the real node left on this machine: processes, mounts, cgroups,
    kube-proxy's iptables rules, the bridge and our own rules and routes."""
    state = setup.state
    realnode.kill_leftover_processes(state)
    left = realnode.unmount_all(state)
    realnode.remove_pod_cgroups()
    if Path(setup.binary("kube-proxy")).exists():
        realnode.run([setup.binary("kube-proxy"), "--cleanup"], check=False)
    realnode.remove_host_network()
    realnode.clear_runtime_state(state)
    if left:
        print(f"  real node: could not unmount {', '.join(left)}")
    else:
        print("  real node: containers, mounts, bridge and iptables rules removed")


def status() -> int:
    setup = Setup(build.bin_dir(), layout.state())
    real_node_off = realnode.unavailable_reason()
    healthy = True
    for process in PROCESSES:
        if real_node_off and process.group == REAL_NODE:
            print(f"{process.name:<24} off ({real_node_off})")
            continue
        up_, text = component_status(setup, process)
        healthy = healthy and up_
        print(f"{process.name:<24} {text}")
    return 0 if healthy else 1


def real_node() -> int:
    """Exit status 0 when the real node is Ready, else 1 with the reason."""
    setup = Setup(build.bin_dir(), layout.state())
    problem = realnode.unavailable_reason() or real_node_problem(setup)
    if problem:
        print(f"real node: OFF, {problem}")
        return 1
    print(f"real node: {network.REAL_NODE_NAME} Ready")
    return 0


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cluster.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build the binaries into the cache")
    commands.add_parser("up", help="build if needed, then start the cluster")
    down_parser = commands.add_parser("down", help="stop the processes `up` started")
    down_parser.add_argument(
        "--purge", action="store_true", help="also delete etcd's and the registry's data"
    )
    commands.add_parser("status", help="show each component; exit 0 if all are up")
    commands.add_parser("kubeconfig", help="print the admin kubeconfig's path")
    commands.add_parser("real-node", help="exit 0 if the real node is Ready, else say why")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    try:
        if arguments.command == "build":
            build.ensure_built()
        elif arguments.command == "up":
            up()
        elif arguments.command == "down":
            down(arguments.purge)
        elif arguments.command == "status":
            return status()
        elif arguments.command == "kubeconfig":
            print(layout.state().admin_kubeconfig)
        elif arguments.command == "real-node":
            return real_node()
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
