"""Every address and port the local cluster uses, in one place.

All listeners bind to loopback. Ports are unusual on purpose, so a developer's
own cluster or etcd on the standard ports does not clash with this one.
"""

LOOPBACK = "127.0.0.1"

ETCD_CLIENT_PORT = 23790
ETCD_PEER_PORT = 23800
API_SERVER_PORT = 16443
CONTROLLER_MANAGER_PORT = 16257
SCHEDULER_PORT = 16259
# kwok's kubelet-like endpoint (logs, exec, metrics) for every simulated node.
KWOK_PORT = 16250
METRICS_SERVER_PORT = 16251

# The real node. The kubelet listens on loopback; its node address is the
# bridge's gateway (a kubelet refuses a loopback node IP), and an iptables rule
# sends the API server's and metrics-server's calls to that address on to
# loopback.
KUBELET_PORT = 16262
KUBELET_HEALTHZ_PORT = 16263
KUBE_PROXY_HEALTHZ_PORT = 16264
KUBE_PROXY_METRICS_PORT = 16265
REAL_NODE_NAME = "real-1"
# The Linux bridge the real node's pods are plugged into, and their addresses:
# outside the simulated pod range, so no simulated pod has the same IP.
BRIDGE = "berth0"
REAL_POD_CIDR = "10.245.0.0/24"
BRIDGE_GATEWAY = "10.245.0.1"

# Images for the real node, served over plain HTTP.
REGISTRY_PORT = 5000
REGISTRY = f"{LOOPBACK}:{REGISTRY_PORT}"

# The ingress controller (Traefik): HTTP, HTTPS, and its own ping endpoint.
INGRESS_HTTP_PORT = 18080
INGRESS_HTTPS_PORT = 18443
INGRESS_PING_PORT = 18081

# Ranges the API server hands out as data only: no process here listens on
# them and nothing is sent to them. Pods get fake IPs from the pod range.
SERVICE_CIDR = "10.96.0.0/16"
KUBERNETES_SERVICE_IP = "10.96.0.1"
POD_CIDR = "10.244.0.0/16"


def url(port: int, scheme: str = "https") -> str:
    return f"{scheme}://{LOOPBACK}:{port}"
