"""The real node `real-1`: containerd, the kubelet and kube-proxy on this machine.

Pods on it are real containers (runc, cgroup v1 limits, overlayfs), plugged by
the CNI bridge plugin into the bridge `berth0`, with addresses from
REAL_POD_CIDR. Everything stays inside this machine:

- pods reach each other and Services' ClusterIPs, but nothing else: traffic
  between the bridge and any other interface is dropped, and pods get no DNS
  server and no route out (the CNI plugin does no masquerading);
- the host reaches pods directly on the bridge, which is how the ingress
  controller routes to them;
- the simulated pods' addresses (POD_CIDR) lead nowhere (a blackhole route),
  and unknown ClusterIPs go to the bridge, where nobody answers.

The node is tainted so that only pods that ask for it land here; kwok leaves
it alone because it lacks kwok's annotation.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

from localcluster import network, pki, registry_images
from localcluster.errors import ClusterError
from localcluster.layout import State

LABELS = {
    "berth.io/node-kind": "real",
    "type": "real",
    "topology.kubernetes.io/zone": "zone-real",
    "topology.kubernetes.io/region": "local",
}
TAINT = {"key": "berth.io/real-node", "value": "true", "effect": "NoSchedule"}
RUNC = Path("/usr/sbin/runc")
CNI_BIN_DIR = Path("/usr/lib/cni")
CNI_PLUGINS = ("bridge", "host-local", "loopback")
NEEDED_COMMANDS = ("iptables", "ip", "mount")
# Sysctls the kubelet (and we, for forwarding between pods) change on the
# host; their old values are kept and put back by `down`.
TOUCHED_SYSCTLS = (
    "net/ipv4/ip_forward",
    "vm/overcommit_memory",
    "vm/panic_on_oom",
    "kernel/panic",
    "kernel/panic_on_oops",
)
FORWARD_CHAIN = "BERTH-FORWARD"
INPUT_CHAIN = "BERTH-INPUT"
KUBELET_DNAT_CHAIN = "BERTH-KUBELET"
CONTAINER_LOG_MAX_SIZE = "10Mi"
CONTAINER_LOG_MAX_FILES = 3


def folder(state: State) -> Path:
    return state.root / "real-node"


def containerd_socket(state: State) -> Path:
    return folder(state) / "containerd" / "containerd.sock"


def unavailable_reason() -> str | None:
    """Why the real node does not run here, or None when it can."""
    if os.environ.get("BERTH_REAL_NODE") == "off":
        return "switched off by BERTH_REAL_NODE=off"
    if os.geteuid() != 0:
        return "it needs root (containers, a bridge and iptables rules)"
    if not RUNC.exists():
        return f"{RUNC} is missing (Debian: apt-get install runc)"
    missing = [name for name in CNI_PLUGINS if not (CNI_BIN_DIR / name).exists()]
    if missing:
        return (
            f"CNI plugins {', '.join(missing)} are missing from {CNI_BIN_DIR} "
            "(Debian: apt-get install containernetworking-plugins)"
        )
    if missing := [name for name in NEEDED_COMMANDS if shutil.which(name) is None]:
        return f"commands {', '.join(missing)} are missing (Debian: iptables, iproute2)"
    if (
        not Path("/sys/fs/cgroup/memory").is_dir()
        and not Path("/sys/fs/cgroup/cgroup.controllers").exists()
    ):
        return "no memory cgroup controller is mounted under /sys/fs/cgroup"
    if "overlay" not in Path("/proc/filesystems").read_text():
        return "the kernel has no overlay filesystem"
    if problem := registry_images.busybox_missing():
        return problem
    return None


# Host network: bridge, routes, iptables rules.


def prepare_host_network() -> None:
    save_sysctls_once()
    bridge = network.BRIDGE
    if run(["ip", "link", "show", bridge], check=False).returncode != 0:
        run(["ip", "link", "add", bridge, "type", "bridge"])
    prefix = network.REAL_POD_CIDR.split("/")[1]
    run(["ip", "addr", "replace", f"{network.BRIDGE_GATEWAY}/{prefix}", "dev", bridge])
    run(["ip", "link", "set", bridge, "up"])
    # A ClusterIP that kube-proxy has no rule for must not follow the default
    # route off this machine; nor may a simulated pod's made-up address.
    run(["ip", "route", "replace", network.SERVICE_CIDR, "dev", bridge])
    run(["ip", "route", "replace", "blackhole", network.POD_CIDR])
    ensure_chain(
        "filter",
        FORWARD_CHAIN,
        "FORWARD",
        [
            ["-i", bridge, "-o", bridge, "-j", "ACCEPT"],
            ["-i", bridge, "-j", "DROP"],
            ["-o", bridge, "-j", "DROP"],
        ],
    )
    # Pods may answer the host, but not open connections to its services.
    ensure_chain(
        "filter",
        INPUT_CHAIN,
        "INPUT",
        [
            ["-i", bridge, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"],
            ["-i", bridge, "-j", "DROP"],
        ],
    )
    # The API server and metrics-server dial the node address; the kubelet
    # listens on loopback only.
    ensure_chain(
        "nat",
        KUBELET_DNAT_CHAIN,
        "OUTPUT",
        [
            [
                "-d",
                f"{network.BRIDGE_GATEWAY}/32",
                "-p",
                "tcp",
                "--dport",
                str(network.KUBELET_PORT),
                "-j",
                "DNAT",
                "--to-destination",
                f"{network.LOOPBACK}:{network.KUBELET_PORT}",
            ]
        ],
    )
    write_sysctl("net/ipv4/ip_forward", "1")


def ensure_chain(table: str, chain: str, parent: str, rules: list[list[str]]) -> None:
    """Makes `chain` hold exactly `rules`, jumped to first from `parent`."""
    iptables(table, "-N", chain, check=False)
    iptables(table, "-F", chain)
    for rule in rules:
        iptables(table, "-A", chain, *rule)
    if iptables(table, "-C", parent, "-j", chain, check=False).returncode != 0:
        iptables(table, "-I", parent, "1", "-j", chain)


def remove_host_network() -> None:
    for table, chain, parent in (
        ("filter", FORWARD_CHAIN, "FORWARD"),
        ("filter", INPUT_CHAIN, "INPUT"),
        ("nat", KUBELET_DNAT_CHAIN, "OUTPUT"),
    ):
        while iptables(table, "-D", parent, "-j", chain, check=False).returncode == 0:
            pass
        iptables(table, "-F", chain, check=False)
        iptables(table, "-X", chain, check=False)
    run(["ip", "route", "del", network.SERVICE_CIDR, "dev", network.BRIDGE], check=False)
    run(["ip", "route", "del", "blackhole", network.POD_CIDR], check=False)
    run(["ip", "link", "del", network.BRIDGE], check=False)
    remove_kubernetes_chains()
    restore_sysctls()


def remove_kubernetes_chains() -> None:
    """Removes the KUBE-* chains that the kubelet and kube-proxy leave behind
    (canaries, hints, a firewall chain), in IPv4 and IPv6, every table.

    Nothing else on this machine makes chains with that prefix.
    """
    for command in ("iptables", "ip6tables"):
        if shutil.which(command) is not None:
            for table in ("filter", "nat", "mangle"):
                remove_chains([command, "-w", "5", "-t", table], "KUBE-")


def remove_chains(iptables_command: list[str], prefix: str) -> None:
    rules = run([*iptables_command, "-S"], check=False).stdout.splitlines()
    chains = {line.split()[1] for line in rules if line.startswith(f"-N {prefix}")}
    for rule in rules:
        words = shlex.split(rule)
        jumps_to_ours = "-j" in words and words[words.index("-j") + 1] in chains
        if words[0] == "-A" and words[1] not in chains and jumps_to_ours:
            run([*iptables_command, "-D", *words[1:]], check=False)
    for action in ("-F", "-X"):
        for chain in chains:
            run([*iptables_command, action, chain], check=False)


def iptables(table: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(["iptables", "-w", "5", "-t", table, *args], check=check)


def run(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and result.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed:\n{result.stdout}")
    return result


def saved_sysctls_file() -> Path:
    # Outside the state folder: what the host had before must survive a purge.
    return Path("/run/berth-localcluster-sysctls.json")


def save_sysctls_once() -> None:
    path = saved_sysctls_file()
    if not path.exists():
        values = {name: read_sysctl(name) for name in TOUCHED_SYSCTLS}
        path.write_text(json.dumps(values))


def restore_sysctls() -> None:
    path = saved_sysctls_file()
    if path.exists():
        for name, value in json.loads(path.read_text()).items():
            write_sysctl(name, value)
        path.unlink()


def read_sysctl(name: str) -> str:
    return Path("/proc/sys", name).read_text().strip()


def write_sysctl(name: str, value: str) -> None:
    Path("/proc/sys", name).write_text(f"{value}\n")


# Configuration files.


def write_configs(state: State, bin_dir: Path) -> None:
    root = folder(state)
    for sub in ("containerd", "cni/net.d", "cni/ipam", "certs.d", "kubelet", "pod-logs"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "containerd.toml").write_text(containerd_config(state, bin_dir))
    (root / "cni" / "net.d" / "10-berth.conflist").write_text(cni_config(state))
    write_registry_hosts(root / "certs.d")
    # An empty resolv.conf: pods get no DNS server, so no query leaves the host.
    (root / "resolv.conf").write_text("")
    (root / "kubelet.yaml").write_text(json.dumps(kubelet_config(state), indent=1))
    (root / "kube-proxy.yaml").write_text(json.dumps(kube_proxy_config(state), indent=1))


def containerd_config(state: State, bin_dir: Path) -> str:
    root = folder(state)
    socket = containerd_socket(state)
    certs = root / "certs.d"
    return f"""\
# Written by localcluster/realnode.py on every `up`.
version = 4
root = "{root / "containerd" / "root"}"
state = "{root / "containerd" / "state"}"
# No drop-in files from /etc: this containerd is configured here only.
imports = []

[plugins."io.containerd.server.v1.grpc"]
  address = "{socket}"

[plugins."io.containerd.server.v1.ttrpc"]
  address = "{socket}.ttrpc"

# No TCP, debug or metrics listeners.
[plugins."io.containerd.server.v1.grpc-tcp"]
  address = ""

[plugins."io.containerd.server.v1.debug"]
  address = ""

[plugins."io.containerd.server.v1.metrics"]
  address = ""

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "{registry_images.PAUSE_IMAGE}"
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = "{certs}"

[plugins."io.containerd.cri.v1.runtime"]
  # Root here lacks CAP_SYS_RESOURCE, so negative OOM scores are refused.
  restrict_oom_score_adj = true
  # Pod network namespaces are mounted under `state`, which `down` clears.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "{RUNC}"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["{CNI_BIN_DIR}"]
    conf_dir = "{root / "cni" / "net.d"}"
    max_conf_num = 1

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "{network.LOOPBACK}"
  stream_server_port = "0"

[plugins."io.containerd.transfer.v1.local"]
  config_path = "{certs}"

[plugins."io.containerd.nri.v1.nri"]
  disable = true
"""


def cni_config(state: State) -> str:
    config = {
        "cniVersion": "1.0.0",
        "name": "berth",
        "plugins": [
            {
                "type": "bridge",
                "bridge": network.BRIDGE,
                "isGateway": True,
                # No masquerading: pod traffic never leaves this machine.
                "ipMasq": False,
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [
                        [{"subnet": network.REAL_POD_CIDR, "gateway": network.BRIDGE_GATEWAY}]
                    ],
                    "routes": [{"dst": "0.0.0.0/0"}],
                    "dataDir": str(folder(state) / "cni" / "ipam"),
                },
            },
        ],
    }
    return json.dumps(config, indent=1)


def write_registry_hosts(certs: Path) -> None:
    """Every image comes from the local registry over plain HTTP; a name of any
    other registry (docker.io/...) is looked up there too and simply not found,
    so no pull ever leaves this machine."""
    local = f"http://{network.REGISTRY}"
    hosts = f"""\
server = "{local}"

[host."{local}"]
  capabilities = ["pull", "resolve", "push"]
  skip_verify = true
"""
    for name in (network.REGISTRY, "_default"):
        (certs / name).mkdir(parents=True, exist_ok=True)
        (certs / name / "hosts.toml").write_text(hosts)


def kubelet_config(state: State) -> dict:
    root = folder(state)
    keys = pki.Pki(state.pki)
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "address": network.LOOPBACK,
        "port": network.KUBELET_PORT,
        "readOnlyPort": 0,
        "healthzBindAddress": network.LOOPBACK,
        "healthzPort": network.KUBELET_HEALTHZ_PORT,
        "tlsCertFile": str(keys.cert("kubelet-serving")),
        "tlsPrivateKeyFile": str(keys.key("kubelet-serving")),
        "authentication": {
            "anonymous": {"enabled": False},
            "webhook": {"enabled": True},
            "x509": {"clientCAFile": str(keys.cert(pki.CLUSTER_CA))},
        },
        "authorization": {"mode": "Webhook"},
        "containerRuntimeEndpoint": f"unix://{containerd_socket(state)}",
        "cgroupDriver": "cgroupfs",
        # This machine has cgroup v1 only; kubelets since 1.35 refuse it otherwise.
        "failCgroupV1": False,
        "failSwapOn": False,
        "resolvConf": str(root / "resolv.conf"),
        "clusterDomain": "cluster.local",
        "podLogsDir": str(root / "pod-logs"),
        "containerLogMaxSize": CONTAINER_LOG_MAX_SIZE,
        "containerLogMaxFiles": CONTAINER_LOG_MAX_FILES,
        "registerWithTaints": [TAINT],
        "maxPods": 60,
        "podPidsLimit": 4096,
        "serializeImagePulls": False,
        # A small test node on a shared disk: evict only when really short.
        "evictionHard": {
            "memory.available": "200Mi",
            "nodefs.available": "2%",
            "imagefs.available": "2%",
        },
        "imageGCHighThresholdPercent": 98,
        "imageGCLowThresholdPercent": 95,
        "nodeStatusReportFrequency": "10s",
        "shutdownGracePeriod": "0s",
    }


def kube_proxy_config(state: State) -> dict:
    return {
        "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
        "kind": "KubeProxyConfiguration",
        "mode": "iptables",
        "clientConnection": {"kubeconfig": str(state.kubeconfig_for("kube-proxy"))},
        "hostnameOverride": network.REAL_NODE_NAME,
        "bindAddress": network.LOOPBACK,
        "healthzBindAddress": f"{network.LOOPBACK}:{network.KUBE_PROXY_HEALTHZ_PORT}",
        "metricsBindAddress": f"{network.LOOPBACK}:{network.KUBE_PROXY_METRICS_PORT}",
        "clusterCIDR": network.REAL_POD_CIDR,
        # NodePorts only on the bridge address, never on this machine's
        # other interfaces.
        "nodePortAddresses": [f"{network.BRIDGE_GATEWAY}/32"],
        # Replies from a Service's pod go back through the host, which undoes
        # the address translation.
        "iptables": {"masqueradeAll": True, "localhostNodePorts": False},
        # Leave the host's conntrack sysctls as they are.
        "conntrack": {
            "maxPerCore": 0,
            "min": 0,
            "tcpEstablishedTimeout": "0s",
            "tcpCloseWaitTimeout": "0s",
        },
    }


# Command lines.


def containerd_command(setup) -> list[str]:
    return [setup.binary("containerd"), f"--config={folder(setup.state) / 'containerd.toml'}"]


def containerd_env(setup) -> dict[str, str]:
    # containerd finds its shim on PATH; the shim finds runc by BinaryName.
    return {"PATH": f"{setup.bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}"}


def kubelet_command(setup) -> list[str]:
    state = setup.state
    root = folder(state)
    labels = ",".join(f"{key}={value}" for key, value in LABELS.items())
    return [
        setup.binary("kubelet"),
        f"--config={root / 'kubelet.yaml'}",
        f"--kubeconfig={state.kubeconfig_for('kubelet-client')}",
        f"--root-dir={root / 'kubelet'}",
        f"--cert-dir={root / 'kubelet' / 'pki'}",
        f"--hostname-override={network.REAL_NODE_NAME}",
        f"--node-ip={network.BRIDGE_GATEWAY}",
        f"--node-labels={labels}",
        "--v=1",
    ]


def kube_proxy_command(setup) -> list[str]:
    return [setup.binary("kube-proxy"), f"--config={folder(setup.state) / 'kube-proxy.yaml'}"]


# Tearing down what the node left behind.


def remove_containers(setup) -> None:
    """Kills and deletes every container while containerd still runs.

    The kubelet is stopped first, so nothing starts them again.
    """
    ctr = [setup.binary("ctr"), f"--address={containerd_socket(setup.state)}", "-n", "k8s.io"]
    tasks = run([*ctr, "tasks", "ls", "-q"], check=False).stdout.split()
    for task in tasks:
        run([*ctr, "tasks", "kill", "-a", "-s", "SIGKILL", task], check=False)
    deadline = time.monotonic() + 10
    for task in tasks:
        while run([*ctr, "tasks", "rm", "-f", task], check=False).returncode != 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    for container in run([*ctr, "containers", "ls", "-q"], check=False).stdout.split():
        run([*ctr, "containers", "rm", container], check=False)


def kill_leftover_processes(state: State) -> None:
    """Shims and container processes still alive after containerd stopped.

    Shims name our containerd socket on their command line; container
    processes live in the kubelet's cgroup `kubepods`.
    """
    socket = str(containerd_socket(state))
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="replace")
            cgroups = (proc / "cgroup").read_text()
        except OSError:
            continue
        if socket in command or "/kubepods" in cgroups:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except ProcessLookupError:
                pass


def unmount_all(state: State) -> list[str]:
    """Unmounts everything under the real node's folder, deepest first."""
    root = str(folder(state))
    left = []
    for _ in range(3):
        mounts = [m for m in mount_points() if m == root or m.startswith(root + os.sep)]
        if not mounts:
            return []
        for mount in sorted(mounts, key=len, reverse=True):
            if run(["umount", mount], check=False).returncode != 0:
                run(["umount", "-l", mount], check=False)
        left = mounts
    return left


def mount_points() -> list[str]:
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4]
        points.append(point.replace("\\040", " "))
    return points


def remove_pod_cgroups() -> None:
    """Removes the kubelet's empty `kubepods` cgroups, leaves first."""
    for hierarchy in Path("/sys/fs/cgroup").iterdir():
        top = hierarchy / "kubepods"
        if not top.is_dir():
            continue
        for cgroup in sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if cgroup.is_dir():
                try:
                    cgroup.rmdir()
                except OSError:
                    pass
        try:
            top.rmdir()
        except OSError:
            pass


def clear_runtime_state(state: State) -> None:
    """Forgets pod addresses and sandboxes: every pod is gone after `down`."""
    shutil.rmtree(folder(state) / "cni" / "ipam", ignore_errors=True)
