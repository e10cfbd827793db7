"""The live-status websocket: only people who may see the app can listen."""

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import override_settings

from apps.reconcile import notify
from console.routing import websocket_urlpatterns
from tenants import actions
from tenants.audit import Actor
from tenants.models import Membership

from .. import factories

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def connect(user, organization, name="hello"):
    """Connect; a refused listener is accepted and at once closed with code 4404."""
    communicator = WebsocketCommunicator(
        URLRouter(websocket_urlpatterns), f"/ws/orgs/{organization.slug}/apps/{name}/"
    )
    communicator.scope["user"] = user
    await communicator.connect()
    if await communicator.receive_nothing(timeout=0.3):
        return communicator, True, None
    message = await communicator.receive_output()
    assert message["type"] == "websocket.close"
    return communicator, False, message["code"]


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS=IN_MEMORY)
async def test_member_hears_changes_and_outsider_is_refused(
    owner, outsider, organization, offline_cluster
):
    application = await database_sync_to_async(factories.application)(
        owner, organization, offline_cluster
    )
    listener, connected, _code = await connect(owner, organization)
    assert connected
    await database_sync_to_async(notify)(application.pk)
    assert await listener.receive_json_from(timeout=2) == {"event": "changed"}
    await listener.disconnect()

    _stranger, connected, code = await connect(outsider, organization)
    assert not connected and code == 4404
    _nobody, connected, code = await connect(owner, organization, name="missing")
    assert not connected and code == 4404
    # Close the worker thread's connection so the test database can be dropped.
    await database_sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS=IN_MEMORY)
async def test_removed_member_is_disconnected(
    owner, developer, viewer, organization, offline_cluster
):
    await database_sync_to_async(factories.application)(owner, organization, offline_cluster)
    removed, connected, _code = await connect(developer, organization)
    assert connected
    staying, connected, _code = await connect(viewer, organization)
    assert connected

    def remove():
        membership = Membership.objects.get(user=developer)
        actions.remove_member(Actor(user=owner, via="test"), membership)

    await database_sync_to_async(remove)()
    assert await removed.receive_output(timeout=2) == {"type": "websocket.close", "code": 4404}
    assert await staying.receive_nothing(timeout=0.2)
    await staying.disconnect()
    await database_sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
@override_settings(CHANNEL_LAYERS=IN_MEMORY)
async def test_revoked_grant_disconnects(owner, member, organization, offline_cluster):
    application = await database_sync_to_async(factories.application)(
        owner, organization, offline_cluster
    )
    actor = Actor(user=owner, via="test")
    await database_sync_to_async(actions.grant_app_permission)(actor, application, member, "view")
    listener, connected, _code = await connect(member, organization)
    assert connected
    await database_sync_to_async(actions.revoke_app_permission)(actor, application, member)
    assert await listener.receive_output(timeout=2) == {"type": "websocket.close", "code": 4404}
    await database_sync_to_async(connections.close_all)()
