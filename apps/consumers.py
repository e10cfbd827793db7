"""Live app status: a page joins its app's group and is told when to fetch again."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from tenants import access
from tenants.live import user_group

from .reconcile import application_group

# Close codes: like HTTP's 404, the app is not there for this user (any more).
NOT_VISIBLE = 4404


class ApplicationStatusConsumer(AsyncJsonWebsocketConsumer):
    """Also listens on its user's group: when their access changes, it asks
    `tenants.access` again and closes if the app is no longer theirs to see."""

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        application_id = await self._visible_application_id(kwargs["organization"], kwargs["name"])
        if application_id is None:
            # Accept, then close: a refused handshake reaches the browser as a bare
            # HTTP 403, while a close code says "not found" like the pages do.
            await self.accept()
            await self.close(code=NOT_VISIBLE)
            return
        self.groups_joined = [application_group(application_id), user_group(self.scope["user"].pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def application_changed(self, event):
        await self.send_json({"event": "changed"})

    async def access_changed(self, event):
        kwargs = self.scope["url_route"]["kwargs"]
        if await self._visible_application_id(kwargs["organization"], kwargs["name"]) is None:
            await self.close(code=NOT_VISIBLE)

    @database_sync_to_async
    def _visible_application_id(self, organization: str, name: str) -> int | None:
        try:
            return access.get_application(self.scope["user"], organization, name).pk
        except Http404:
            return None
