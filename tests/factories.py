"""Small builders for test data: organizations, members in each role, apps."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model

from apps.models import Application, Cluster
from apps.spec import AppSpec
from tenants.audit import Actor
from tenants.models import (
    Department,
    DepartmentMembership,
    DepartmentRole,
    Membership,
    Organization,
    Role,
)

PASSWORD = "correct-horse-battery"


def unique_slug(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def organization(slug: str | None = None) -> Organization:
    slug = slug or unique_slug("org")
    org = Organization.objects.create(name=slug.title(), slug=slug)
    Department.objects.create(organization=org, name="Web", slug="web")
    return org


def user(
    username: str | None = None,
    organization=None,
    role: Role = Role.MEMBER,
    department_role: DepartmentRole | None = None,
    **fields,
):
    """A user; a member of `organization` with `role` if given, and with
    `department_role` in its first department."""
    username = username or unique_slug("user")
    account = get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.test", **fields
    )
    if organization is not None:
        Membership.objects.create(user=account, organization=organization, role=role)
    if department_role is not None:
        department = organization.departments.order_by("pk").first()
        DepartmentMembership.objects.create(
            user=account, department=department, role=department_role
        )
    return account


def cluster(
    kubeconfig_path: str = "/nonexistent/kubeconfig", name: str | None = None, **fields
) -> Cluster:
    return Cluster.objects.create(
        name=name or unique_slug("cluster"),
        region="test",
        kubeconfig_path=kubeconfig_path,
        is_default=not Cluster.objects.filter(is_default=True).exists(),
        **fields,
    )


def application(owner, organization, target_cluster, name="hello", **spec) -> Application:
    from apps import actions

    return actions.create_application(
        Actor(user=owner, via="test"),
        organization.departments.order_by("pk").first(),
        name,
        AppSpec(**{"image": "nginx:1.27", "instances": 2, "port": 80, **spec}),
        cluster=target_cluster,
    )
