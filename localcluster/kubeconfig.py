"""Kubeconfig files for the cluster's own components and for the admin.

Certificates are embedded, so the admin kubeconfig can be copied elsewhere and
still works while the state folder stays where it is.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from localcluster import network
from localcluster.pki import CLUSTER_CA, Pki

CLUSTER_NAME = "berth-local"

TEMPLATE = """\
apiVersion: v1
kind: Config
clusters:
- name: {cluster}
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: {user}
  user:
    client-certificate-data: {cert}
    client-key-data: {key}
contexts:
- name: {cluster}
  context:
    cluster: {cluster}
    user: {user}
current-context: {cluster}
"""


def write(path: Path, pki: Pki, identity: str) -> None:
    """Writes a kubeconfig that signs in to the API server as `identity`."""
    text = TEMPLATE.format(
        cluster=CLUSTER_NAME,
        server=network.url(network.API_SERVER_PORT),
        ca=encoded(pki.cert(CLUSTER_CA)),
        user=identity,
        cert=encoded(pki.cert(identity)),
        key=encoded(pki.key(identity)),
    )
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.chmod(0o600)
    os.replace(partial, path)


def encoded(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()
