from django.urls import path

from apps.consumers import ApplicationStatusConsumer

websocket_urlpatterns = [
    path(
        "ws/orgs/<slug:organization>/apps/<slug:name>/",
        ApplicationStatusConsumer.as_asgi(),
        name="ws-application-status",
    ),
]
