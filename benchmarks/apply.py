"""Time from submitting apps to Berth until every object is applied, for 1 and 100
apps, beside `kubectl apply --server-side` of the same rendered manifests."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml
from django.conf import settings

from apps.kube.client import ClusterAddress, NotFound, request
from apps.kube.manifests import render_release
from apps.models import Application
from tenants.models import Role
from tests import factories
from tests.processes import celery_worker, wait_until

from .harness import report, stopwatch

SIZES = (1, 100)


def kubectl() -> str:
    found = shutil.which("kubectl") or next(
        iter(sorted(glob.glob(os.path.expanduser("~/.cache/berth/cluster/*/bin/kubectl")))), None
    )
    if not found:
        raise SystemExit("kubectl not found: run `make cluster-up` first")
    return found


def submit_through_berth(owner, organization, cluster, count: int) -> float:
    with stopwatch() as timing:
        ids = [
            factories.application(owner, organization, cluster, name=f"bench-{n}", instances=1).pk
            for n in range(count)
        ]
        wait_until(
            lambda: Application.objects.filter(pk__in=ids, sync_state="synced").count() == count,
            timeout=600,
            interval=0.05,
            message=f"{count} apps applied",
        )
    return timing["seconds"]


def kubectl_apply_same(owner, organization, cluster, count: int) -> float:
    """Render the same apps for another organization and apply them with kubectl."""
    manifests = []
    for n in range(count):
        application = Application(
            pk=10_000 + n,
            organization=organization,
            department=organization.departments.get(),
            cluster=cluster,
            name=f"bench-{n}",
        )
        template = Application.objects.filter(name=f"bench-{n}").first()
        release = template.desired_release
        manifests.extend(render_release(application, release))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as file:
        yaml.safe_dump_all(manifests, file)
    env = {**os.environ, "KUBECONFIG": cluster.kubeconfig_path}
    with stopwatch() as timing:
        subprocess.run(
            [kubectl(), "apply", "--server-side", "--field-manager=bench", "-f", file.name],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    Path(file.name).unlink()
    return timing["seconds"]


def delete_namespace(cluster, name: str) -> None:
    try:
        request(ClusterAddress.of(cluster), "DELETE", f"/api/v1/namespaces/{name}")
    except NotFound:
        pass


def warm_up(cluster) -> None:
    """One unmeasured app, so the worker's start-up is not counted against Berth."""
    organization = factories.organization()
    owner = factories.user(organization=organization, role=Role.OWNER)
    try:
        submit_through_berth(owner, organization, cluster, 1)
    finally:
        delete_namespace(cluster, f"{organization.slug}--web")


def run() -> None:
    cluster = factories.cluster(kubeconfig_path=settings.LOCAL_KUBECONFIG, name="local")
    rows = []
    log = Path(tempfile.mkdtemp()) / "bench-worker.log"
    with celery_worker(log):
        warm_up(cluster)
        for count in SIZES:
            berth_org, kubectl_org = factories.organization(), factories.organization()
            owner = factories.user(organization=berth_org, role=Role.OWNER)
            try:
                berth = submit_through_berth(owner, berth_org, cluster, count)
                baseline = kubectl_apply_same(owner, kubectl_org, cluster, count)
            finally:
                delete_namespace(cluster, f"{berth_org.slug}--web")
                delete_namespace(cluster, f"{kubectl_org.slug}--web")
            rows.append(
                (
                    f"{count} app(s)",
                    f"Berth {berth:.2f} s, kubectl apply {baseline:.2f} s, "
                    f"ratio {berth / baseline:.2f}",
                )
            )
    report("Submit to applied (namespace, service, deployment, ingress), Berth vs kubectl", rows)
