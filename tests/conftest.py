"""Shared fixtures: the standard cast of users, and the real local cluster."""

from __future__ import annotations

import email
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from kubernetes import client, config

from apps.kube.client import ClusterAddress, ClusterError, NotFound, request
from tenants.models import DepartmentRole, Role

from . import factories
from .processes import ROOT, free_port


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Real hashing costs a third of a second per user; tests make hundreds. Browser
    tests sign in to a separate server process, which knows only the real hashers."""
    if request.node.get_closest_marker("browser") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english():
    """Messages in English unless a test asks otherwise: a request in another
    language leaves that language active in the thread."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session", autouse=True)
def end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Close sessions that would keep the test database from being dropped.

    Playwright's sync API runs test code beside its own event loop, and Django then
    keeps that code's queries on a connection of their own, which pytest-django does
    not know to close. Ending them here, just before the database is dropped, keeps
    the teardown clean.
    """
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def organization(db):
    return factories.organization()


@pytest.fixture
def other_organization(db):
    return factories.organization()


@pytest.fixture
def owner(organization):
    return factories.user(organization=organization, role=Role.OWNER)


@pytest.fixture
def admin(organization):
    return factories.user(organization=organization, role=Role.ADMIN)


@pytest.fixture
def member(organization):
    """A member of the organization with no role in any department."""
    return factories.user(organization=organization, role=Role.MEMBER)


@pytest.fixture
def developer(organization):
    """A member who develops in the organization's first department ("web")."""
    return factories.user(
        organization=organization, role=Role.MEMBER, department_role=DepartmentRole.DEVELOPER
    )


@pytest.fixture
def viewer(organization):
    """A member who may only look at the first department's apps."""
    return factories.user(
        organization=organization, role=Role.MEMBER, department_role=DepartmentRole.VIEWER
    )


@pytest.fixture
def operator(db):
    """Staff of the company running Berth: the admin panel and every audit trail."""
    return factories.user(is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(other_organization):
    """A member of another organization: everything of `organization` is 404 to them."""
    return factories.user(organization=other_organization, role=Role.OWNER)


@pytest.fixture
def offline_cluster(db):
    """A cluster row whose kubeconfig does not exist: for tests that touch no cluster."""
    return factories.cluster()


def _cluster_problem(kubeconfig: str) -> str | None:
    if not os.path.exists(kubeconfig):
        return f"no kubeconfig at {kubeconfig}"
    try:
        request(ClusterAddress(kubeconfig), "GET", "/api/v1/nodes", query={"limit": "1"})
    except ClusterError as error:
        return str(error)
    return None


@pytest.fixture(scope="session")
def local_kubeconfig() -> str:
    """The real local cluster's kubeconfig. `make test` starts the cluster and requires
    it; a bare `pytest` without it skips the cluster tests and says why."""
    kubeconfig = settings.LOCAL_KUBECONFIG
    problem = _cluster_problem(kubeconfig)
    if problem:
        message = f"local cluster not reachable ({problem}); run `make cluster-up`"
        if os.environ.get("BERTH_REQUIRE_CLUSTER"):
            pytest.fail(message)
        pytest.skip(message)
    return kubeconfig


@pytest.fixture
def local_cluster(db, local_kubeconfig):
    """The local cluster's simulated nodes (kwok), where any image "runs"."""
    return factories.cluster(
        kubeconfig_path=local_kubeconfig, name="local", node_selector={"type": "kwok"}
    )


@pytest.fixture(scope="session")
def kube(local_kubeconfig):
    """The official client, used to check what Berth did on the real cluster."""
    api = config.new_client_from_config(config_file=local_kubeconfig)
    return {
        "core": client.CoreV1Api(api),
        "apps": client.AppsV1Api(api),
        "networking": client.NetworkingV1Api(api),
    }


@pytest.fixture
def tenant_namespace(local_kubeconfig, organization):
    """The test organization's namespace, removed afterwards whatever the test left."""
    namespace = f"{organization.slug}--web"
    yield namespace
    try:
        request(ClusterAddress(local_kubeconfig), "DELETE", f"/api/v1/namespaces/{namespace}")
    except NotFound:
        pass


class _Mailbox:
    """What the loopback SMTP server received, as parsed email messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted"


@pytest.fixture
def smtp_mailbox(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def real_node(local_kubeconfig):
    """The local cluster's real node, which runs containers; skipped where it is off."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "localcluster/cluster.py"), "real-node"],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        pytest.skip(f"no real node on this machine: {(check.stdout + check.stderr).strip()}")
