"""Reading the audit trail: filters, keyset pages and streamed exports.

Pages are keyed on (occurred_at, id), not numbered: each page is one index range
scan from where the last one ended, as fast at the millionth event as at the first.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import AuditEvent

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
EXPORT_FIELDS = [
    "id",
    "occurred_at",
    "actor_name",
    "access_key",
    "via",
    "organization_id",
    "department_id",
    "action",
    "target_type",
    "target_id",
    "target_name",
    "result",
    "reason",
    "source_address",
    "request_id",
    "changes",
]


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    result: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(
            actor=query.get("actor", "").strip(),
            action=query.get("action", "").strip(),
            target_type=query.get("target_type", "").strip(),
            target_id=query.get("target_id", "").strip(),
            result=query.get("result", "").strip(),
            since=_moment(query.get("since", ""), time.min),
            until=_moment(query.get("until", ""), time.max),
        )

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.actor:
            events = events.filter(_actor_filter(self.actor))
        for field in ("action", "target_type", "target_id", "result"):
            if value := getattr(self, field):
                events = events.filter(**{field: value})
        if self.since:
            events = events.filter(occurred_at__gte=self.since)
        if self.until:
            events = events.filter(occurred_at__lte=self.until)
        return events


def _actor_filter(username: str) -> Q:
    # By id when the user exists, so the (actor, time) index serves it; by the kept
    # name for people deleted since.
    user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True)
    return Q(actor_id__in=list(user_id)) if user_id else Q(actor_name=username)


def _moment(text: str, default_time: time) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)):
            moment = datetime.combine(day, default_time)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def encode_cursor(event: AuditEvent) -> str:
    raw = f"{event.occurred_at.isoformat()}|{event.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        moment, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(moment), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def page(
    events: QuerySet[AuditEvent], cursor: str = "", size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], str]:
    """One page of events older than `cursor`, newest first, and the next cursor
    ("" on the last page)."""
    events = events.order_by("-occurred_at", "-id")
    if cursor and (position := _decode_cursor(cursor)):
        moment, pk = position
        events = events.filter(occurred_at__lte=moment).filter(
            Q(occurred_at__lt=moment) | Q(id__lt=pk)
        )
    rows = list(events[: size + 1])
    if len(rows) <= size:
        return rows, ""
    return rows[:size], encode_cursor(rows[size - 1])


def _exported(events: QuerySet[AuditEvent]) -> Iterator[dict]:
    values = events.order_by("-occurred_at", "-id").values(*EXPORT_FIELDS)
    for row in values.iterator(chunk_size=EXPORT_CHUNK):
        row["occurred_at"] = row["occurred_at"].isoformat()
        yield row


class _Line:
    """A file-like object whose `write` hands back what it was given, for csv."""

    def write(self, text: str) -> str:
        return text


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_FIELDS)
    for row in _exported(events):
        row["changes"] = json.dumps(row["changes"], sort_keys=True)
        yield writer.writerow([row[field] for field in EXPORT_FIELDS])


def json_chunks(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """A JSON array, written one event at a time."""
    yield "["
    separator = "\n"
    for row in _exported(events):
        yield separator + json.dumps(row, sort_keys=True, default=str)
        separator = ",\n"
    yield "\n]\n"
