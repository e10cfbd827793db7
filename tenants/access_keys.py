"""Creating, disabling and deleting a user's access keys (action functions).

A key acts with its user's permissions; there is nothing to grant to a key itself.
The secret is returned once, by `create_access_key`, and never again.
"""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, crypto
from .audit import Actor, audited, record
from .models import AccessKey

KEY_ID_PREFIX = "BK"
_KEY_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_key_id() -> str:
    return KEY_ID_PREFIX + "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(18))


@audited("access_key.create")
def create_access_key(
    actor: Actor, name: str, expires_in_days: int | None = None
) -> tuple[AccessKey, str]:
    """A new key pair for the acting user: (key, secret). Show the secret once."""
    if actor.user is None:
        raise Http404
    if not name.strip():
        raise ValidationError({"name": _("Give the key a name, saying what uses it.")})
    if access.access_keys_for(actor.user).count() >= settings.BERTH_MAX_ACCESS_KEYS:
        raise ValidationError(
            _("You have %(count)d keys, the most allowed; delete one first.")
            % {"count": settings.BERTH_MAX_ACCESS_KEYS}
        )
    secret = secrets.token_urlsafe(30)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        key = AccessKey.objects.create(
            user=actor.user,
            name=name.strip(),
            key_id=new_key_id(),
            encrypted_secret=crypto.encrypt(secret),
            expires_at=expires_at,
        )
        record(
            actor,
            "access_key.create",
            key,
            changes={"name": key.name, "expires_at": expires_at and expires_at.isoformat()},
        )
    return key, secret


@audited("access_key.set_enabled")
def set_access_key_enabled(actor: Actor, key: AccessKey, enabled: bool) -> AccessKey:
    _require_own(actor, key)
    with transaction.atomic():
        key.is_active = enabled
        key.save(update_fields=["is_active"])
        record(actor, "access_key.set_enabled", key, changes={"enabled": enabled})
    return key


@audited("access_key.delete")
def delete_access_key(actor: Actor, key: AccessKey) -> None:
    _require_own(actor, key)
    with transaction.atomic():
        record(actor, "access_key.delete", key, changes={"name": key.name})
        key.delete()


def _require_own(actor: Actor, key: AccessKey) -> None:
    if not access.access_keys_for(actor.user).filter(pk=key.pk).exists():
        raise Http404


def secret_of(key: AccessKey) -> str:
    """The plaintext secret, for checking a signature. Never log it."""
    return crypto.decrypt(key.encrypted_secret)
