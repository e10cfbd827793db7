"""Writing the audit trail. Called by action functions inside their transaction."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

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
        # An API request signed with an access key carries the key as `request.auth`.
        key = getattr(request, "auth", None)
        return cls(
            user=request.user if request.user.is_authenticated else None,
            via=via,
            source_address=request.META.get("REMOTE_ADDR"),
            request_id=request.headers.get("X-Request-Id") or uuid.uuid4().hex,
            access_key=getattr(key, "key_id", ""),
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
    target: Model | None,
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
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk or "") if target is not None else "",
        target_name=str(target) if target is not None else "",
        changes=changes or {},
        source_address=actor.source_address,
        request_id=actor.request_id,
        result=AuditEvent.Result.SUCCESS if succeeded else AuditEvent.Result.FAILURE,
        reason=reason,
    )


REFUSALS = (ValidationError, PermissionDenied, Http404)


def audited(action: str):
    """Make an action function audit its own failures.

    The wrapped function takes the actor first and its target second (an
    organization, a department, or an object in one). When it refuses, by a
    validation error, a permission error or a not-found, one failed event is
    written with the reason, after the function's own transaction has rolled back,
    and the error goes on to the caller.
    """

    def decorate(function):
        @functools.wraps(function)
        def wrapper(actor: Actor, target, *args, **kwargs):
            try:
                return function(actor, target, *args, **kwargs)
            except REFUSALS as error:
                record_failure(actor, action, target, error)
                raise

        return wrapper

    return decorate


def require_audited(actor: Actor, action, audit_action: str, target) -> None:
    """`access.require`, for the check a view or endpoint makes before reading input:
    a refusal is audited as a failed `audit_action`, as the action function would."""
    from . import access

    try:
        access.require(actor.user, action, target)
    except REFUSALS as error:
        record_failure(actor, audit_action, target, error)
        raise


def record_failure(actor: Actor, action: str, target, error: Exception) -> AuditEvent:
    from .models import Department, Organization

    is_model = hasattr(target, "_meta")
    organization = getattr(target, "organization", None)
    department = getattr(target, "department", None)
    return record(
        actor,
        action,
        target if is_model else None,
        organization=target if isinstance(target, Organization) else organization,
        department=target if isinstance(target, Department) else department,
        succeeded=False,
        reason=refusal_reason(error),
    )


def refusal_reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, PermissionDenied):
        return "permission denied"
    return "not found"
