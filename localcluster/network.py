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

# Ranges the API server hands out as data only: no process here listens on
# them and nothing is sent to them. Pods get fake IPs from the pod range.
SERVICE_CIDR = "10.96.0.0/16"
KUBERNETES_SERVICE_IP = "10.96.0.1"
POD_CIDR = "10.244.0.0/16"


def url(port: int, scheme: str = "https") -> str:
    return f"{scheme}://{LOOPBACK}:{port}"
