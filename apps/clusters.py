"""Registering and changing the clusters Berth deploys to (operators, from the admin
panel). Action functions like any other: checked, one transaction, audited."""

from __future__ import annotations

from django.db import transaction

from tenants import access
from tenants.access import Action
from tenants.audit import Actor, audited, record

from .models import Cluster


@audited("cluster.save")
def save_cluster(actor: Actor, cluster: Cluster, changed: list[str]) -> Cluster:
    """Create `cluster` (unsaved) or store the `changed` fields of an existing one."""
    access.require_operator(actor.user, Action.MANAGE_CLUSTERS)
    creating = cluster.pk is None
    with transaction.atomic():
        if cluster.is_default:
            # One default at a time: new apps go to exactly one cluster.
            Cluster.objects.exclude(pk=cluster.pk).update(is_default=False)
        cluster.save()
        record(
            actor,
            "cluster.save",
            cluster,
            changes={
                "created": creating,
                **{field: str(getattr(cluster, field)) for field in changed},
            },
        )
    return cluster


@audited("cluster.delete")
def delete_cluster(actor: Actor, cluster: Cluster) -> None:
    access.require_operator(actor.user, Action.MANAGE_CLUSTERS)
    with transaction.atomic():
        record(actor, "cluster.delete", cluster, changes={"name": cluster.name})
        cluster.delete()
