"""SQL queries of the dashboard at 10 and at 1,000 apps: the count must not grow."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.models import Application, Release
from apps.spec import AppSpec
from tenants.models import Role
from tests import factories

from .harness import report, stopwatch


def _add_apps(organization, department, cluster, owner, start: int, stop: int) -> None:
    """Rows only: the dashboard reads the database, not the cluster."""
    spec = AppSpec(image="nginx:1.27", instances=2, port=80).to_dict()
    applications = Application.objects.bulk_create(
        Application(
            organization=organization,
            department=department,
            cluster=cluster,
            name=f"app-{number}",
            created_by=owner,
        )
        for number in range(start, stop)
    )
    releases = Release.objects.bulk_create(
        Release(
            application=application,
            number=1,
            spec=spec,
            cause=Release.Cause.CREATE,
            created_by=owner,
            created_by_name=owner.username,
        )
        for application in applications
    )
    for application, release in zip(applications, releases, strict=True):
        application.desired_release = release
    Application.objects.bulk_update(applications, ["desired_release"])


def _measure(client: Client, url: str) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries, stopwatch() as timing:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), timing["seconds"]


def run() -> None:
    organization = factories.organization()
    owner = factories.user(organization=organization, role=Role.OWNER)
    cluster = factories.cluster()
    department = organization.departments.get()
    client = Client()
    client.force_login(owner)
    url = f"/orgs/{organization.slug}/"

    _add_apps(organization, department, cluster, owner, 0, 10)
    few_queries, few_seconds = _measure(client, url)
    _add_apps(organization, department, cluster, owner, 10, 1000)
    many_queries, many_seconds = _measure(client, url)
    report(
        "Dashboard SQL queries",
        [
            ("10 apps", f"{few_queries} queries, {few_seconds * 1000:.0f} ms"),
            ("1,000 apps", f"{many_queries} queries, {many_seconds * 1000:.0f} ms"),
            ("ratio 1,000 / 10 (queries)", f"{many_queries / few_queries:.2f} (target 1.00)"),
        ],
    )
