"""The processes of the local cluster and the command line of each.

Listed in start order: each needs the ones before it. Every listener is bound to
loopback explicitly, since several of these programs default to all interfaces
or to well-known ports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from localcluster import ingress, network, pki, realnode, simulation
from localcluster.layout import State
from localcluster.network import LOOPBACK


@dataclass(frozen=True)
class Setup:
    """What every command line is made from: the binaries and the state."""

    bin_dir: Path
    state: State

    @property
    def pki(self) -> pki.Pki:
        return pki.Pki(self.state.pki)

    def binary(self, name: str) -> str:
        return str(self.bin_dir / name)

    def cert(self, name: str) -> str:
        return str(self.pki.cert(name))

    def key(self, name: str) -> str:
        return str(self.pki.key(name))

    def kubeconfig(self, identity: str) -> str:
        return str(self.state.kubeconfig_for(identity))


CONTROL_PLANE = "control plane"
ADD_ONS = "registry and ingress"
REAL_NODE = "real node"


@dataclass(frozen=True)
class Process:
    name: str
    port: int | None
    health_path: str
    command: Callable[[Setup], list[str]]
    scheme: str = "https"
    extra_env: Callable[[Setup], dict[str, str]] = lambda setup: {}
    # The real node's processes run only where containers can run.
    group: str = CONTROL_PLANE
    # containerd answers on a Unix socket instead of HTTP.
    health_socket: Callable[[Setup], Path] | None = None

    @property
    def health_url(self) -> str:
        if self.port is None:
            return "(socket)"
        return network.url(self.port, self.scheme) + self.health_path


def etcd(setup: Setup) -> list[str]:
    client = network.url(network.ETCD_CLIENT_PORT, "http")
    peer = network.url(network.ETCD_PEER_PORT, "http")
    return [
        setup.binary("etcd"),
        "--name=berth",
        f"--data-dir={setup.state.etcd_data}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=berth={peer}",
        # A throwaway test cluster: speed matters more than surviving power loss
        # (`down --purge` starts afresh if the data is ever damaged).
        "--unsafe-no-fsync",
        "--quota-backend-bytes=4294967296",
    ]


def kube_apiserver(setup: Setup) -> list[str]:
    return [
        setup.binary("kube-apiserver"),
        f"--etcd-servers={network.url(network.ETCD_CLIENT_PORT, 'http')}",
        f"--bind-address={LOOPBACK}",
        f"--secure-port={network.API_SERVER_PORT}",
        f"--advertise-address={LOOPBACK}",
        # The `kubernetes` Service cannot list a loopback endpoint (validation
        # refuses it), so the API server does not try to keep one.
        "--endpoint-reconciler-type=none",
        f"--tls-cert-file={setup.cert('kube-apiserver')}",
        f"--tls-private-key-file={setup.key('kube-apiserver')}",
        f"--client-ca-file={setup.cert(pki.CLUSTER_CA)}",
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,"
        "ResourceQuota,NodeRestriction",
        "--allow-privileged=true",
        f"--service-cluster-ip-range={network.SERVICE_CIDR}",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        f"--service-account-key-file={setup.pki.public_key(pki.SERVICE_ACCOUNT_KEY)}",
        f"--service-account-signing-key-file={setup.key(pki.SERVICE_ACCOUNT_KEY)}",
        # Logs and exec go to kwok's endpoint at each node's InternalIP, which is
        # loopback; the default would try the node's name in DNS first.
        "--kubelet-preferred-address-types=InternalIP",
        f"--kubelet-client-certificate={setup.cert('apiserver-kubelet-client')}",
        f"--kubelet-client-key={setup.key('apiserver-kubelet-client')}",
        *aggregation_flags(setup),
        # Ends open watches on SIGTERM instead of waiting up to a minute for them.
        "--shutdown-watch-termination-grace-period=5s",
    ]


def aggregation_flags(setup: Setup) -> list[str]:
    """The aggregation layer, through which metrics-server serves metrics.k8s.io."""
    return [
        f"--requestheader-client-ca-file={setup.cert(pki.FRONT_PROXY_CA)}",
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        f"--proxy-client-cert-file={setup.cert('front-proxy-client')}",
        f"--proxy-client-key-file={setup.key('front-proxy-client')}",
    ]


def delegated_auth_flags(setup: Setup, identity: str) -> list[str]:
    kubeconfig = setup.kubeconfig(identity)
    return [
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
    ]


def kube_controller_manager(setup: Setup) -> list[str]:
    return [
        setup.binary("kube-controller-manager"),
        *delegated_auth_flags(setup, "kube-controller-manager"),
        f"--bind-address={LOOPBACK}",
        f"--secure-port={network.CONTROLLER_MANAGER_PORT}",
        # One instance only: leader election would just slow every start.
        "--leader-elect=false",
        # Each controller acts as its own ServiceAccount, and tokens it mints
        # are signed with the key the API server verifies.
        "--use-service-account-credentials=true",
        f"--service-account-private-key-file={setup.key(pki.SERVICE_ACCOUNT_KEY)}",
        f"--root-ca-file={setup.cert(pki.CLUSTER_CA)}",
        f"--cluster-signing-cert-file={setup.cert(pki.CLUSTER_CA)}",
        f"--cluster-signing-key-file={setup.key(pki.CLUSTER_CA)}",
        f"--service-cluster-ip-range={network.SERVICE_CIDR}",
    ]


def kube_scheduler(setup: Setup) -> list[str]:
    return [
        setup.binary("kube-scheduler"),
        *delegated_auth_flags(setup, "kube-scheduler"),
        f"--bind-address={LOOPBACK}",
        f"--secure-port={network.SCHEDULER_PORT}",
        "--leader-elect=false",
    ]


def kwok(setup: Setup) -> list[str]:
    annotation, value = simulation.KWOK_ANNOTATION
    return [
        setup.binary("kwok"),
        f"--kubeconfig={setup.kubeconfig('kwok')}",
        f"--config={simulation.config_file(setup.state)}",
        "--manage-all-nodes=false",
        f"--manage-nodes-with-annotation-selector={annotation}={value}",
        f"--node-ip={LOOPBACK}",
        f"--node-port={network.KWOK_PORT}",
        # Without it kwok listens on every interface.
        f"--server-address={LOOPBACK}:{network.KWOK_PORT}",
        f"--tls-cert-file={setup.cert('kwok')}",
        f"--tls-private-key-file={setup.key('kwok')}",
        f"--cidr={network.POD_CIDR}",
        "--node-lease-duration-seconds=40",
        # At INFO it logs every lease renewal, megabytes an hour at rest.
        "--v=WARN",
    ]


def kwok_env(setup: Setup) -> dict[str, str]:
    # kwok also reads ~/.kwok/kwok.yaml when it exists; a HOME of its own keeps
    # a developer's kwok settings out of this cluster.
    return {"HOME": str(setup.state.kwok)}


def metrics_server(setup: Setup) -> list[str]:
    return [
        setup.binary("metrics-server"),
        *delegated_auth_flags(setup, "metrics-server"),
        f"--bind-address={LOOPBACK}",
        f"--secure-port={network.METRICS_SERVER_PORT}",
        f"--tls-cert-file={setup.cert('metrics-server')}",
        f"--tls-private-key-file={setup.key('metrics-server')}",
        # kwok's serving certificate is not signed for node names; everything
        # stays on loopback.
        "--kubelet-insecure-tls",
        "--kubelet-preferred-address-types=InternalIP",
        "--kubelet-use-node-status-port",
        "--metric-resolution=15s",
    ]


def registry(setup: Setup) -> list[str]:
    return [setup.binary("registry"), "serve", str(setup.state.root / "registry.yaml")]


def registry_env(setup: Setup) -> dict[str, str]:
    # No tracing exporter: it would try to send spans to a collector.
    return {"OTEL_TRACES_EXPORTER": "none", "OTEL_SDK_DISABLED": "true"}


PROCESSES = (
    Process("etcd", network.ETCD_CLIENT_PORT, "/health", etcd, scheme="http"),
    Process("kube-apiserver", network.API_SERVER_PORT, "/readyz", kube_apiserver),
    Process(
        "kube-controller-manager",
        network.CONTROLLER_MANAGER_PORT,
        "/healthz",
        kube_controller_manager,
    ),
    Process("kube-scheduler", network.SCHEDULER_PORT, "/healthz", kube_scheduler),
    Process("kwok", network.KWOK_PORT, "/healthz", kwok, extra_env=kwok_env),
    Process("metrics-server", network.METRICS_SERVER_PORT, "/livez", metrics_server),
    Process(
        "registry",
        network.REGISTRY_PORT,
        "/v2/",
        registry,
        scheme="http",
        extra_env=registry_env,
        group=ADD_ONS,
    ),
    Process(
        "traefik",
        network.INGRESS_PING_PORT,
        "/ping",
        ingress.traefik_command,
        scheme="http",
        extra_env=ingress.traefik_env,
        group=ADD_ONS,
    ),
    Process(
        "containerd",
        None,
        "",
        realnode.containerd_command,
        extra_env=realnode.containerd_env,
        group=REAL_NODE,
        health_socket=lambda setup: realnode.containerd_socket(setup.state),
    ),
    Process(
        "kubelet",
        network.KUBELET_HEALTHZ_PORT,
        "/healthz",
        realnode.kubelet_command,
        scheme="http",
        group=REAL_NODE,
    ),
    Process(
        "kube-proxy",
        network.KUBE_PROXY_HEALTHZ_PORT,
        "/livez",
        realnode.kube_proxy_command,
        scheme="http",
        group=REAL_NODE,
    ),
)
