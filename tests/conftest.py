"""Shared fixtures: the standard cast of users, and the real local cluster."""

from __future__ import annotations

import email
import os
import socket

import pytest
from django.conf import settings

from tenants.models import DepartmentRole, Role

from . import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a third of a second per user; tests make hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    from apps.kube.client import ClusterAddress, ClusterError, request

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
    return factories.cluster(kubeconfig_path=local_kubeconfig, name="local")


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
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
