"""Request signing, the AWS Signature Version 4 way, as pure functions.

A client signs: the canonical request (method, path, sorted query, the headers it
names, SHA-256 of the body) is hashed into a string to sign, and HMAC-SHA256'd with
a key derived from its secret, the date, the region and the service. Berth redoes
the same steps with the stored secret and compares. Because the scheme is AWS's,
any maintained SigV4 client signs Berth requests with no Berth code.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
TERMINATOR = "aws4_request"
_SPACES = re.compile(r"\s+")
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed_headers>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-f]{64})\s*$"
)


class MalformedAuthorization(ValueError):
    pass


@dataclass(frozen=True)
class Authorization:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header."""

    key_id: str
    date: str  # YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{TERMINATOR}"

    @classmethod
    def parse(cls, header: str) -> Authorization:
        match = _AUTHORIZATION.match(header.strip())
        if match is None:
            raise MalformedAuthorization(header)
        parts = match["credential"].split("/")
        if len(parts) != 5 or parts[4] != TERMINATOR:
            raise MalformedAuthorization(header)
        signed = tuple(match["signed_headers"].split(";"))
        if list(signed) != sorted(signed) or any(name != name.lower() for name in signed):
            raise MalformedAuthorization(header)
        return cls(parts[0], parts[1], parts[2], parts[3], signed, match["signature"])


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_uri(path: str) -> str:
    """The path as the client sent it (percent-encoded), encoded once more, as
    SigV4 does for every service but S3."""
    return quote(path or "/", safe="/~")


def canonical_query(query_string: str) -> str:
    """Every name=value pair decoded, re-encoded the one SigV4 way, then sorted."""
    pairs = []
    for pair in query_string.split("&"):
        if not pair:
            continue
        name, _sep, value = pair.partition("=")
        pairs.append((_encode(unquote(name)), _encode(unquote(value))))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def canonical_headers(headers: dict[str, str], signed: tuple[str, ...]) -> str:
    """`name:value` lines for the signed headers, values trimmed and spaces squeezed."""
    return "".join(f"{name}:{_SPACES.sub(' ', headers[name].strip())}\n" for name in signed)


def canonical_request(
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    signed: tuple[str, ...],
    payload_hash: str,
) -> str:
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query_string),
            canonical_headers(headers, signed),
            ";".join(signed),
            payload_hash,
        ]
    )


def payload_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(timestamp: str, scope: str, request: str) -> str:
    digest = hashlib.sha256(request.encode()).hexdigest()
    return "\n".join([ALGORITHM, timestamp, scope, digest])


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(f"AWS4{secret}".encode(), date)
    for part in (region, service, TERMINATOR):
        key = _hmac(key, part)
    return key


def signature(secret: str, authorization: Authorization, timestamp: str, request: str) -> str:
    key = signing_key(secret, authorization.date, authorization.region, authorization.service)
    to_sign = string_to_sign(timestamp, authorization.scope, request)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
