"""A developer deploys the demo HTTP image onto real containers and opens its URL."""

import pytest
from playwright.sync_api import expect

from tenants.models import Role

from .. import factories
from ..integration.test_real_node import HELLO_IMAGE, answering_instances
from ..processes import asgi_server, celery_worker, free_port, wait_until
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.cluster, pytest.mark.celery, pytest.mark.realnode]


@pytest.mark.django_db(transaction=True)
def test_real_hello_answers_at_its_address(
    browser_page,
    real_node,
    local_cluster,
    local_kubeconfig,
    organization,
    tenant_namespace,
    tmp_path,
):
    from apps.management.commands.bootstrap_local import NODE_POOLS

    factories.cluster(
        kubeconfig_path=local_kubeconfig,
        name="local-real",
        description="real containers on one node",
        **NODE_POOLS["real"],
    )
    owner = factories.user(organization=organization, role=Role.OWNER)
    port, page = free_port(), browser_page
    with celery_worker(tmp_path / "worker.log"), asgi_server(port, tmp_path / "server.log"):
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_label("Username").fill(owner.username)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="New app").first.click()
        page.get_by_label("Name").fill("hello")
        page.get_by_label("Runs on").select_option(label="local-real (real containers on one node)")
        page.get_by_label("Image").fill(HELLO_IMAGE)
        page.get_by_label("Instances").fill("2")
        page.get_by_label("Port").fill("8080")
        page.get_by_role("button", name="Create and deploy").click()

        expect(page.get_by_test_id("ready-instances")).to_have_text("2", timeout=60_000)
        nodes = page.locator("[data-testid=instances] tbody tr td:nth-child(3)").all_inner_texts()
        assert nodes == ["real-1", "real-1"]
        pods = set(
            page.locator("[data-testid=instances] tbody tr td:first-child").all_inner_texts()
        )
        url = page.get_by_test_id("app-url").inner_text()
        assert url == f"http://hello.{organization.slug}.apps.localhost:18080/"
        wait_until(
            lambda: answering_instances(f"hello.{organization.slug}.apps.localhost") == pods,
            timeout=30,
            message="both instances answer at the app's address",
        )
        page.screenshot(path=ARTIFACTS / "hello-real-running.png", full_page=True)
        # Chromium resolves *.localhost to loopback, so the address opens as shown.
        page.goto(url)
        expect(page.locator("body")).to_contain_text("hello from hello-")
