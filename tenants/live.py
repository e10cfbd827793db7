"""Telling a user's open websockets that their access changed.

Every consumer joins its user's group; an action that takes access away sends one
event there after commit, and each consumer checks its own object again.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def access_changed_on_commit(user_id: int) -> None:
    transaction.on_commit(lambda: _send(user_id))


def _send(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "access.changed"})
    except Exception:
        # The change is committed whatever happens here; an open page that misses
        # this event is still refused on its next request.
        logger.warning("could not tell open websockets of an access change", exc_info=True)
