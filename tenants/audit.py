"""Writing the audit trail. Called by action functions inside their transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import Model
    from django.http import HttpRequest

SECRET_MARK = "********"


@dataclass(frozen=True)
class Actor:
    """Who is making a change, and through which door (console, api, cli, admin, task)."""

    user: AbstractBaseUser | None
    via: str
    source_address: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    access_key: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest, via: str = "console") -> Actor:
        return cls(
            user=request.user if request.user.is_authenticated else None,
            via=via,
            source_address=request.META.get("REMOTE_ADDR"),
            request_id=request.headers.get("X-Request-Id") or uuid.uuid4().hex,
        )

    @classmethod
    def system(cls, user: AbstractBaseUser | None = None) -> Actor:
        """A background task acting on behalf of `user` (or of Berth itself)."""
        return cls(user=user, via="task")

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else "berth"


def record(
    actor: Actor,
    action: str,
    target: Model,
    *,
    organization=None,
    department=None,
    changes: dict[str, Any] | None = None,
    succeeded: bool = True,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event for `action` on `target`."""
    return AuditEvent.objects.create(
        actor=actor.user,
        actor_name=actor.name,
        access_key=actor.access_key,
        via=actor.via,
        organization=organization,
        department=department,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk or ""),
        target_name=str(target),
        changes=changes or {},
        source_address=actor.source_address,
        request_id=actor.request_id,
        result=AuditEvent.Result.SUCCESS if succeeded else AuditEvent.Result.FAILURE,
        reason=reason,
    )
