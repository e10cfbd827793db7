"""Prepare a local Berth: register the local cluster and a demo organization."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.models import Cluster
from tenants.models import Department, Membership, Organization, Role

DEMO_USER = "demo"
# Node pools of the local cluster (see localcluster/README.md): a real node that runs
# containers, tainted so only apps that ask land there, and kwok's simulated nodes.
NODE_POOLS = {
    "real": {
        "node_selector": {"berth.io/node-kind": "real"},
        "tolerations": [
            {"key": "berth.io/real-node", "operator": "Equal", "value": "true",
             "effect": "NoSchedule"}
        ],
    },
    "simulated": {"node_selector": {"type": "kwok"}, "tolerations": []},
}  # fmt: skip


class Command(BaseCommand):
    help = "Register the local cluster and create a demo organization with an owner."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Demo owner's password (default: random).")
        parser.add_argument(
            "--node-pool",
            choices=sorted(NODE_POOLS),
            default="simulated",
            help="Also offer the local cluster's real node when it runs containers.",
        )

    def _register(self, name: str, pool: str, description, default: bool = False) -> None:
        cluster, created = Cluster.objects.update_or_create(
            name=name,
            defaults={
                "kubeconfig_path": settings.LOCAL_KUBECONFIG,
                "description": str(description),
                **NODE_POOLS[pool],
            },
            create_defaults={
                "region": "local",
                "kubeconfig_path": settings.LOCAL_KUBECONFIG,
                "description": str(description),
                "is_default": default and not Cluster.objects.filter(is_default=True).exists(),
                **NODE_POOLS[pool],
            },
        )
        verb = "Registered" if created else "Using"
        self.stdout.write(f"{verb} cluster {cluster.name}: {cluster.description}.")

    @transaction.atomic
    def handle(self, *args, password=None, node_pool="simulated", **options):
        self._register("local", "simulated", _("simulated nodes in 3 zones"), default=True)
        if node_pool == "real":
            self._register("local-real", "real", _("real containers on one node"))
        organization, _created = Organization.objects.get_or_create(
            slug="demo", defaults={"name": "Demo Company"}
        )
        Department.objects.get_or_create(
            organization=organization, slug="web", defaults={"name": "Web team"}
        )
        user, user_created = get_user_model().objects.get_or_create(username=DEMO_USER)
        if user_created or password:
            password = password or secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": Role.OWNER}
        )
        if password:
            self.stdout.write(
                self.style.SUCCESS(f"Sign in as {DEMO_USER} with password {password}")
            )
        else:
            self.stdout.write(f"Demo owner {DEMO_USER} exists; pass --password to reset it.")
