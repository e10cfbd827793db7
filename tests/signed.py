"""Signing test requests with botocore, a maintained SigV4 client that knows nothing
of Berth, and sending them through Django's test client."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings

HOST = "testserver"


def sign(key_id, secret, method, path, body=b"", content_type="application/json", when=None):
    """The headers botocore adds to sign `method path` with `body`."""
    request = AWSRequest(
        method=method,
        url=f"http://{HOST}{path}",
        data=body,
        headers={"Content-Type": content_type} if body else {},
    )
    signer = SigV4Auth(
        Credentials(key_id, secret), settings.BERTH_SIGNING_SERVICE, settings.BERTH_SIGNING_REGION
    )
    if when is None:
        signer.add_auth(request)
    else:
        _add_auth_at(signer, request, when)
    return dict(request.headers)


def _add_auth_at(signer, request, when: datetime) -> None:
    from unittest import mock

    naive_utc = when.astimezone(UTC).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=naive_utc):
        signer.add_auth(request)


def send(client, method, path, headers, body=b"", content_type="application/json"):
    extra = {name: value for name, value in headers.items() if name.lower() != "content-type"}
    return client.generic(
        method, path, data=body, content_type=content_type, headers={"host": HOST, **extra}
    )


def call(client, key_id, secret, method, path, payload=None, when=None):
    """Sign and send in one step; `payload` is sent as JSON."""
    body = json.dumps(payload).encode() if payload is not None else b""
    headers = sign(key_id, secret, method, path, body, when=when)
    return send(client, method, path, headers, body)
