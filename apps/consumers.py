"""Live app status: a page joins its app's group and is told when to fetch again."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from tenants import access

from .reconcile import application_group


class ApplicationStatusConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        application_id = await self._visible_application_id(kwargs["organization"], kwargs["name"])
        if application_id is None:
            await self.close(code=4404)
            return
        self.group = application_group(application_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def application_changed(self, event):
        await self.send_json({"event": "changed"})

    @database_sync_to_async
    def _visible_application_id(self, organization: str, name: str) -> int | None:
        try:
            return access.get_application(self.scope["user"], organization, name).pk
        except Http404:
            return None
