"""A developer deploys, scales and deletes `hello` in the browser, on the real cluster."""

import pytest
from playwright.sync_api import expect

from apps.models import Application
from tenants.models import Role

from .. import factories
from ..processes import asgi_server, celery_worker, free_port, wait_until
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.cluster, pytest.mark.celery]

ROLLOUT_TIMEOUT_MS = 60_000


@pytest.mark.django_db(transaction=True)
def test_deploy_scale_delete_hello(
    browser_page, local_cluster, organization, tenant_namespace, kube, tmp_path
):
    owner = factories.user(organization=organization, role=Role.OWNER)
    port = free_port()
    page = browser_page
    with celery_worker(tmp_path / "worker.log"), asgi_server(port, tmp_path / "server.log"):
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_label("Username").fill(owner.username)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.get_by_role("link", name="Deploy your first app").click()
        page.get_by_label("Name").fill("hello")
        page.get_by_label("Image").fill("nginx:1.27")
        page.get_by_label("Instances").fill("2")
        page.get_by_label("Port").fill("80")
        page.get_by_role("button", name="Create and deploy").click()

        ready = page.get_by_test_id("ready-instances")
        expect(ready).to_have_text("2", timeout=ROLLOUT_TIMEOUT_MS)
        expect(page.locator("[data-testid=instances] tbody tr[data-ready=true]")).to_have_count(2)
        zones = page.locator("[data-testid=instances] tbody tr td:nth-child(4)").all_inner_texts()
        assert len(set(zones)) == 2, zones
        page.screenshot(path=ARTIFACTS / "hello-running.png", full_page=True)

        page.get_by_label("Scale to").fill("3")
        page.get_by_role("button", name="Scale", exact=True).click()
        expect(ready).to_have_text("3", timeout=ROLLOUT_TIMEOUT_MS)
        expect(page.get_by_text("instances: 2 → 3")).to_be_visible()

        page.get_by_role("link", name="Delete").click()
        page.get_by_label("Type hello to confirm").fill("hello")
        page.get_by_role("button", name="Delete app").click()
        expect(page.get_by_text("hello is being deleted.")).to_be_visible()
        wait_until(
            lambda: not Application.objects.filter(name="hello").exists(),
            timeout=90,
            message="the app's row goes once the cluster confirms",
        )
    assert kube["core"].list_namespaced_pod(tenant_namespace).items == []
