"""The live-status channel layer on the real Redis: an idle page stays connected."""

import asyncio

import pytest
from channels.layers import get_channel_layer


@pytest.mark.timeout(30)
async def test_idle_receive_outlasts_the_blocking_read():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    # channels-redis blocks 5 s per read; a shorter client timeout would raise here.
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(channel), timeout=7)
    await layer.send(channel, {"type": "application.changed"})
    assert await asyncio.wait_for(layer.receive(channel), timeout=7) == {
        "type": "application.changed"
    }
