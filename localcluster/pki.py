"""Certificates and keys for the local cluster, made once with `openssl`.

Two authorities, as in kubeadm clusters: the cluster CA signs serving and client
certificates; a separate front-proxy CA signs the one identity the API server
uses when it forwards requests to aggregated APIs (metrics-server), so that no
ordinary client certificate can pose as the proxy.

Keys are ECDSA P-256: quick to make, and accepted by every component here.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from localcluster import network
from localcluster.errors import ClusterError

VALID_DAYS = 3650
CLUSTER_CA = "ca"
FRONT_PROXY_CA = "front-proxy-ca"
SERVICE_ACCOUNT_KEY = "service-account"

LOOPBACK_NAMES = (f"IP:{network.LOOPBACK}", "DNS:localhost")
API_SERVER_NAMES = (
    *LOOPBACK_NAMES,
    f"IP:{network.KUBERNETES_SERVICE_IP}",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
)


@dataclass(frozen=True)
class Identity:
    """One certificate: who it names, what it may do, who signs it."""

    name: str
    common_name: str
    organization: str = ""
    server_names: tuple[str, ...] = ()
    client: bool = True
    signer: str = CLUSTER_CA

    def subject(self) -> str:
        org = f"/O={self.organization}" if self.organization else ""
        return f"{org}/CN={self.common_name}"

    def extended_usages(self) -> str:
        usages = (["serverAuth"] if self.server_names else []) + (
            ["clientAuth"] if self.client else []
        )
        return ",".join(usages)


IDENTITIES = (
    Identity("kube-apiserver", "kube-apiserver", server_names=API_SERVER_NAMES, client=False),
    # The API server's identity towards kwok's kubelet endpoint (logs, exec).
    Identity(
        "apiserver-kubelet-client", "kube-apiserver-kubelet-client", organization="system:masters"
    ),
    Identity("admin", "berth-admin", organization="system:masters"),
    # Names that Kubernetes' bootstrap RBAC roles are bound to.
    Identity("kube-controller-manager", "system:kube-controller-manager"),
    Identity("kube-scheduler", "system:kube-scheduler"),
    # kwok writes node and pod status for every simulated node.
    Identity("kwok", "berth:kwok", organization="system:masters", server_names=LOOPBACK_NAMES),
    # The aggregator checks this name when it calls metrics-server.
    Identity(
        "metrics-server",
        "berth:metrics-server",
        server_names=(*LOOPBACK_NAMES, "DNS:metrics-server.kube-system.svc"),
    ),
    Identity("front-proxy-client", "front-proxy-client", signer=FRONT_PROXY_CA),
    # The real node: the Node authorizer knows a kubelet by this name and group.
    Identity(
        "kubelet-client",
        f"system:node:{network.REAL_NODE_NAME}",
        organization="system:nodes",
    ),
    # Its serving certificate, at the node address the API server dials.
    Identity(
        "kubelet-serving",
        f"system:node:{network.REAL_NODE_NAME}",
        server_names=(
            *LOOPBACK_NAMES,
            f"IP:{network.BRIDGE_GATEWAY}",
            f"DNS:{network.REAL_NODE_NAME}",
        ),
        client=False,
    ),
    # Bound to the built-in role system:node-proxier.
    Identity("kube-proxy", "system:kube-proxy"),
    # The ingress controller: read access to Ingresses, Services and Secrets.
    Identity("traefik", "berth:traefik"),
)


class Pki:
    """File names in the state's pki folder, and making what is missing."""

    def __init__(self, folder: Path):
        self.folder = folder

    def cert(self, name: str) -> Path:
        return self.folder / f"{name}.crt"

    def key(self, name: str) -> Path:
        return self.folder / f"{name}.key"

    def public_key(self, name: str) -> Path:
        return self.folder / f"{name}.pub"

    def ensure(self) -> None:
        for authority in (CLUSTER_CA, FRONT_PROXY_CA):
            if not self.cert(authority).exists():
                self.make_authority(authority)
        for identity in IDENTITIES:
            if not self.cert(identity.name).exists():
                self.issue(identity)
        if not self.public_key(SERVICE_ACCOUNT_KEY).exists():
            self.make_service_account_keys()

    def make_key(self, name: str) -> Path:
        key = self.key(name)
        openssl(
            "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key)
        )
        key.chmod(0o600)
        return key

    def make_authority(self, name: str) -> None:
        key = self.make_key(name)
        openssl(
            "req",
            "-x509",
            "-new",
            "-key",
            str(key),
            "-days",
            str(VALID_DAYS),
            "-subj",
            f"/CN=berth-local-{name}",
            "-out",
            str(self.cert(name)),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
        )

    def issue(self, identity: Identity) -> None:
        key = self.make_key(identity.name)
        with tempfile.TemporaryDirectory() as scratch:
            request = Path(scratch) / "request.csr"
            extensions = Path(scratch) / "extensions.cnf"
            extensions.write_text(extension_config(identity))
            openssl(
                "req", "-new", "-key", str(key), "-subj", identity.subject(), "-out", str(request)
            )
            # The certificate is written last: its presence means "done".
            openssl(
                "x509",
                "-req",
                "-in",
                str(request),
                "-days",
                str(VALID_DAYS),
                "-CA",
                str(self.cert(identity.signer)),
                "-CAkey",
                str(self.key(identity.signer)),
                "-CAcreateserial",
                "-extfile",
                str(extensions),
                "-out",
                str(self.cert(identity.name)),
            )

    def make_service_account_keys(self) -> None:
        key = self.make_key(SERVICE_ACCOUNT_KEY)
        openssl(
            "pkey", "-in", str(key), "-pubout", "-out", str(self.public_key(SERVICE_ACCOUNT_KEY))
        )


def extension_config(identity: Identity) -> str:
    lines = [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        f"extendedKeyUsage={identity.extended_usages()}",
    ]
    if identity.server_names:
        lines.append(f"subjectAltName={','.join(identity.server_names)}")
    return "\n".join(lines) + "\n"


def openssl(*args: str) -> None:
    if shutil.which("openssl") is None:
        raise ClusterError("the openssl command is not on PATH (Debian: apt-get install openssl)")
    result = subprocess.run(
        ["openssl", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if result.returncode != 0:
        raise ClusterError(f"openssl {args[0]} failed:\n{result.stdout}")
