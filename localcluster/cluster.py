"""Builds and runs Berth's local Kubernetes cluster.

    python3 localcluster/cluster.py build|up|down [--purge]|status|kubeconfig

See localcluster/README.md. Standard library only: this runs before Berth's
virtualenv exists.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make `localcluster` importable from the repository root.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from localcluster import build, kubeconfig, layout, network, probes, processes, simulation
from localcluster.components import PROCESSES, Process, Setup
from localcluster.errors import ClusterError
from localcluster.layout import State
from localcluster.pki import CLUSTER_CA, Pki

# The first start of the API server creates its bootstrap objects in etcd.
START_TIMEOUT = {"kube-apiserver": 180}
DEFAULT_START_TIMEOUT = 90
NODES_READY_TIMEOUT = 120
METRICS_API_TIMEOUT = 120
KUBECONFIG_IDENTITIES = ("kube-controller-manager", "kube-scheduler", "kwok", "metrics-server")
METRICS_API_SERVICE = "v1beta1.metrics.k8s.io"


def up() -> None:
    started = time.monotonic()
    setup = Setup(build.ensure_built(), layout.state())
    with layout.exclusive(setup.state.lock_file):
        if all_healthy(setup.state):
            print("cluster: already running")
        else:
            start_cluster(setup)
            print(f"cluster: ready in {build.format_duration(time.monotonic() - started)}")
    print_access(setup)


def start_cluster(setup: Setup) -> None:
    check_ports_free(setup.state)
    prepare_state(setup)
    waiting = {}
    for process in PROCESSES:
        waiting[process.name] = ensure_started(setup, process)
        if process.name in ("etcd", "kube-apiserver"):
            # Everything after these two needs them, so wait before going on.
            wait_healthy(setup, process, waiting.pop(process.name))
        if process.name == "kube-apiserver":
            apply_manifests(setup)
    for process in PROCESSES:
        if process.name in waiting:
            wait_healthy(setup, process, waiting[process.name])
    wait_for_nodes(setup.state)
    wait_for_metrics_api(setup.state)


def prepare_state(setup: Setup) -> None:
    """Certificates, kubeconfigs and kwok's configuration, made where missing."""
    state = setup.state
    state.create()
    setup.pki.ensure()
    kubeconfig.write(state.admin_kubeconfig, setup.pki, "admin")
    for identity in KUBECONFIG_IDENTITIES:
        kubeconfig.write(state.kubeconfig_for(identity), setup.pki, identity)
    simulation.write_config(state)


def check_ports_free(state: State) -> None:
    """Fails before starting anything if another program holds a port we need."""
    for process in PROCESSES:
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
    while not probes.is_healthy(process.health_url):
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


def apply_manifests(setup: Setup) -> None:
    """metrics-server's RBAC and APIService, and the simulated nodes."""
    kubectl_apply(setup, metrics_server_manifest(setup.pki))
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


def all_healthy(state: State) -> bool:
    return all(component_status(state, process)[0] for process in PROCESSES)


def component_status(state: State, process: Process) -> tuple[bool, str]:
    pid = processes.running_pid(state, process.name)
    if pid is None:
        return False, "down"
    if not probes.is_healthy(process.health_url):
        return False, f"unhealthy (pid {pid}, {process.health_url})"
    return True, f"up (pid {pid})"


def print_access(setup: Setup) -> None:
    path = setup.state.admin_kubeconfig
    print(f"kubeconfig: {path}")
    print(f"kubectl:    {setup.binary('kubectl')}")
    print(f"export KUBECONFIG={path}")


def down(purge: bool) -> None:
    state = layout.state()
    with layout.exclusive(state.lock_file):
        for process in reversed(PROCESSES):
            stopped = processes.stop(state, process.name)
            print(f"  {process.name}: {'stopped' if stopped else 'was not running'}")
        if purge:
            shutil.rmtree(state.etcd_data, ignore_errors=True)
            print(f"  etcd data: removed {state.etcd_data}")


def status() -> int:
    state = layout.state()
    healthy = True
    for process in PROCESSES:
        up_, text = component_status(state, process)
        healthy = healthy and up_
        print(f"{process.name:<24} {text}")
    return 0 if healthy else 1


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cluster.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build the binaries into the cache")
    commands.add_parser("up", help="build if needed, then start the cluster")
    down_parser = commands.add_parser("down", help="stop the processes `up` started")
    down_parser.add_argument("--purge", action="store_true", help="also delete etcd's data")
    commands.add_parser("status", help="show each component; exit 0 if all are up")
    commands.add_parser("kubeconfig", help="print the admin kubeconfig's path")
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
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
