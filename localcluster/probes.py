"""Asking the cluster's processes whether they are healthy, over loopback."""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request

from localcluster import network
from localcluster.pki import CLUSTER_CA, Pki

TIMEOUT_SECONDS = 3


def open_url(url: str, context: ssl.SSLContext):
    """Opens `url` directly: a proxy from the environment must not see loopback calls."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)
    )
    return opener.open(url, timeout=TIMEOUT_SECONDS)


def unverified_context() -> ssl.SSLContext:
    """For health checks only: the controller-manager and scheduler serve
    self-signed certificates they make at start-up."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def is_healthy(url: str) -> bool:
    try:
        with open_url(url, unverified_context()) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def socket_answers(path) -> bool:
    """Whether a server accepts connections on the Unix socket at `path`."""
    with socket.socket(socket.AF_UNIX) as probe:
        probe.settimeout(TIMEOUT_SECONDS)
        return probe.connect_ex(str(path)) == 0


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((network.LOOPBACK, port)) == 0


class ApiClient:
    """Reads from the API server as the admin."""

    def __init__(self, pki: Pki):
        self.context = ssl.create_default_context(cafile=str(pki.cert(CLUSTER_CA)))
        self.context.load_cert_chain(str(pki.cert("admin")), str(pki.key("admin")))
        self.base = network.url(network.API_SERVER_PORT)

    def get(self, path: str) -> dict | None:
        """The object at `path`, or None when it is missing or unreachable."""
        try:
            with open_url(self.base + path, self.context) as response:
                return json.load(response)
        except (OSError, urllib.error.URLError, ValueError):
            return None
