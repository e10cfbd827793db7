"""API authentication by a request signed with an access key (SigV4, see
`tenants.signing`). Each refusal has its own code and message, so a client can
tell a wrong secret from a wrong clock from a replay."""

from __future__ import annotations

import hmac
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from . import signing
from .access_keys import secret_of
from .models import AccessKey, SeenSignature

logger = logging.getLogger(__name__)

# Signatures are remembered a little longer than any timestamp could stay acceptable
# (skew either way), so a replay is caught for as long as it could otherwise pass.
REMEMBER_EXTRA = timedelta(seconds=60)


class SignatureRefused(AuthenticationFailed):
    def __init__(self, code: str, message: str):
        super().__init__({"detail": message, "code": code}, code=code)


class SignatureAuthentication(BaseAuthentication):
    """`Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`"""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(signing.ALGORITHM):
            return None
        key = verify(request._request, header)
        return key.user, key

    def authenticate_header(self, request):
        return signing.ALGORITHM


def verify(request, header: str) -> AccessKey:
    """The access key that signed `request`, or SignatureRefused saying why not."""
    authorization = _parse(header)
    key = _usable_key(authorization.key_id)
    timestamp = _check_time(request, authorization)
    _check_scope(authorization)
    expected = signing.signature(
        secret_of(key), authorization, timestamp, _canonical_request(request, authorization)
    )
    if not hmac.compare_digest(expected, authorization.signature):
        raise SignatureRefused(
            "signature_mismatch",
            _(
                "The signature does not match this request. Check the secret, and that "
                "the method, path, query, signed headers and body are sent as signed."
            ),
        )
    _refuse_replay(authorization.signature)
    _note_use(key, request)
    return key


def _parse(header: str) -> signing.Authorization:
    try:
        return signing.Authorization.parse(header)
    except signing.MalformedAuthorization as error:
        raise SignatureRefused(
            "malformed_authorization",
            _(
                "The Authorization header is not a valid AWS4-HMAC-SHA256 header "
                "(Credential=<key>/<date>/<region>/<service>/aws4_request, "
                "SignedHeaders=..., Signature=...)."
            ),
        ) from error


def _usable_key(key_id: str) -> AccessKey:
    key = AccessKey.objects.select_related("user").filter(key_id=key_id).first()
    if key is None:
        raise SignatureRefused("unknown_key", _("No access key has this ID."))
    if not key.is_active or not key.user.is_active:
        raise SignatureRefused("disabled_key", _("This access key is disabled."))
    if key.expires_at is not None and key.expires_at <= timezone.now():
        raise SignatureRefused("expired_key", _("This access key has expired."))
    return key


def _check_time(request, authorization: signing.Authorization) -> str:
    timestamp = request.headers.get("X-Amz-Date", "")
    if (
        "x-amz-date" not in authorization.signed_headers
        or "host" not in authorization.signed_headers
    ):
        raise SignatureRefused(
            "unsigned_required_header", _("The host and x-amz-date headers must be signed.")
        )
    try:
        sent_at = datetime.strptime(timestamp, signing.DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError as error:
        raise SignatureRefused(
            "bad_date", _("X-Amz-Date must look like 20250101T120000Z.")
        ) from error
    if timestamp[:8] != authorization.date:
        raise SignatureRefused(
            "bad_date", _("The credential's date is not the date in X-Amz-Date.")
        )
    skew = abs((timezone.now() - sent_at).total_seconds())
    allowed = settings.BERTH_SIGNING_MAX_SKEW_SECONDS
    if skew > allowed:
        raise SignatureRefused(
            "clock_skew",
            _(
                "Clock skew: the request is dated %(skew)d seconds away from Berth's clock; "
                "at most %(allowed)d seconds are allowed. Check the client's clock."
            )
            % {"skew": skew, "allowed": allowed},
        )
    return timestamp


def _check_scope(authorization: signing.Authorization) -> None:
    if authorization.service != settings.BERTH_SIGNING_SERVICE:
        raise SignatureRefused(
            "wrong_service",
            _("Sign for the service %(service)s.") % {"service": settings.BERTH_SIGNING_SERVICE},
        )
    if authorization.region != settings.BERTH_SIGNING_REGION:
        raise SignatureRefused(
            "wrong_region",
            _("Sign for the region %(region)s.") % {"region": settings.BERTH_SIGNING_REGION},
        )


def _canonical_request(request, authorization: signing.Authorization) -> str:
    headers = {name: _header(request, name) for name in authorization.signed_headers}
    missing = [name for name, value in headers.items() if value is None]
    if missing:
        raise SignatureRefused(
            "missing_signed_header",
            _("Signed headers missing from the request: %(names)s.")
            % {"names": ", ".join(missing)},
        )
    return signing.canonical_request(
        request.method,
        _sent_path(request),
        request.META.get("QUERY_STRING", ""),
        headers,
        authorization.signed_headers,
        signing.payload_hash(request.body),
    )


def _header(request, name: str) -> str | None:
    if name == "host":
        return request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")
    if name in ("content-type", "content-length"):
        return request.META.get(name.upper().replace("-", "_"))
    return request.META.get("HTTP_" + name.upper().replace("-", "_"))


def _sent_path(request) -> str:
    """The path percent-encoded as a client sends it; Django hands it over decoded."""
    return quote(request.path, safe="/-_.~!$&'()*+,;=:@")


def _refuse_replay(signature: str) -> None:
    now = timezone.now()
    window = timedelta(seconds=2 * settings.BERTH_SIGNING_MAX_SKEW_SECONDS) + REMEMBER_EXTRA
    try:
        with transaction.atomic():
            SeenSignature.objects.create(signature=signature)
    except IntegrityError as error:
        raise SignatureRefused(
            "replayed_request",
            _("This signed request was already used; sign each request anew."),
        ) from error
    SeenSignature.objects.filter(seen_at__lt=now - window).delete()


def _note_use(key: AccessKey, request) -> None:
    AccessKey.objects.filter(pk=key.pk).update(
        last_used_at=timezone.now(), last_used_from=request.META.get("REMOTE_ADDR")
    )
