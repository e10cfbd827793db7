"""A thin, JSON-in JSON-out connection to one cluster's API server.

Berth speaks plain REST paths rather than the typed client: server-side apply takes
the manifests as they are rendered, and nothing is converted back and forth.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import urllib3
from kubernetes import client as k8s
from kubernetes import config as k8s_config

# Short timeouts: a task that cannot reach the cluster says so quickly and retries.
CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 20


class ClusterError(Exception):
    """Base for what a cluster answered or failed to answer."""


class ClusterUnreachable(ClusterError):
    """No answer, or the API server said it cannot serve now: worth retrying.

    `status` is the HTTP status when the server did answer. A 500 is ambiguous: etcd
    hiccups answer with it, and so do some refusals ("request is too large"), so
    callers retry it a few times before taking it as a refusal.
    """

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class ClusterRejected(ClusterError):
    """The API server refused the request; retrying the same request will not help."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class NotFound(ClusterError):
    pass


@dataclass(frozen=True)
class ClusterAddress:
    kubeconfig_path: str
    context: str = ""

    @classmethod
    def of(cls, cluster) -> ClusterAddress:
        return cls(cluster.kubeconfig_path, cluster.context)


_clients: dict[tuple, k8s.ApiClient] = {}
_clients_lock = threading.Lock()


def api_client(address: ClusterAddress) -> k8s.ApiClient:
    """A pooled client per kubeconfig file, rebuilt when the file changes."""
    try:
        modified = os.stat(address.kubeconfig_path).st_mtime_ns
    except OSError as error:
        raise ClusterUnreachable(
            f"kubeconfig {address.kubeconfig_path} cannot be read: {error.strerror}"
        ) from error
    key = (address, modified)
    with _clients_lock:
        if key not in _clients:
            configuration = k8s.Configuration()
            k8s_config.load_kube_config(
                config_file=address.kubeconfig_path,
                context=address.context or None,
                client_configuration=configuration,
            )
            configuration.retries = False
            _clients[key] = k8s.ApiClient(configuration)
        return _clients[key]


def request(
    address: ClusterAddress,
    method: str,
    path: str,
    *,
    query: dict | None = None,
    body: dict | None = None,
    content_type: str = "application/json",
) -> dict:
    """Send one request; return the decoded JSON answer or raise a ClusterError."""
    client = api_client(address)
    url = client.configuration.host + path
    headers = {"Accept": "application/json", "Content-Type": content_type}
    client.update_params_for_auth(headers, None, ["BearerToken"], path, method, body)
    try:
        response = client.rest_client.request(
            method,
            url + _query_string(query),
            headers=headers,
            body=body,
            _request_timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
        )
        response.read()
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise ClusterUnreachable(_connection_message(client.configuration.host, error)) from error
    return _decode(response)


def _query_string(query: dict | None) -> str:
    if not query:
        return ""
    return "?" + urlencode(query)


def _decode(response) -> dict:
    payload = _json(response.data)
    if 200 <= response.status < 300:
        return payload
    message = payload.get("message") or response.reason or f"HTTP {response.status}"
    if response.status == 404:
        raise NotFound(message)
    if response.status in (429, 500, 502, 503, 504):
        raise ClusterUnreachable(message, status=response.status)
    raise ClusterRejected(response.status, message)


def _json(data: bytes) -> dict:
    try:
        return json.loads(data or b"{}")
    except ValueError:
        return {"message": data[:500].decode(errors="replace")}


def _connection_message(host: str, error: Exception) -> str:
    """The cause in words, without urllib3's nested reprs."""
    cause = getattr(error, "reason", None) or error
    while isinstance(cause, Exception) and cause.args and isinstance(cause.args[-1], Exception):
        cause = cause.args[-1]
    text = str(cause).split(": ", 1)[-1] if isinstance(cause, Exception) else str(cause)
    return f"The cluster's API server at {host} cannot be reached: {text or type(cause).__name__}"
