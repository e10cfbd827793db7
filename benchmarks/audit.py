"""How fast the audit review stays at a million events.

Fills a scratch database (never the one tests or `make run` use) with 1,000,000
events spread over 50 organizations, 200 actors and a year, by COPY, then times the
review page's queries. Prints timings; the target is under 100 ms per page.

    .venv/bin/python benchmarks/audit.py            # BERTH_BENCH_DATABASE_URL to change
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

EVENTS = int(os.environ.get("BERTH_BENCH_EVENTS", "1000000"))
SCRATCH = os.environ.get(
    "BERTH_BENCH_DATABASE_URL", "postgres://berth@127.0.0.1:15432/berth_audit_bench"
)
ACTIONS = ["application.scale", "application.update", "member.invite", "department.create"]


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["BERTH_DATABASE_URL"] = SCRATCH
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    _create_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _create_database() -> None:
    import psycopg

    name = SCRATCH.rsplit("/", 1)[1]
    admin_url = SCRATCH.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def fill() -> dict:
    """Organizations, users and EVENTS audit rows; returns ids to filter by."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from tenants.models import AuditEvent, Organization

    if AuditEvent.objects.count() >= EVENTS:
        print(f"reusing {EVENTS:,} events already in the scratch database")
        return _ids()
    organizations = [
        Organization.objects.get_or_create(slug=f"bench{n}", defaults={"name": f"Bench {n}"})[0]
        for n in range(50)
    ]
    User = get_user_model()
    users = [User.objects.get_or_create(username=f"bench-user-{n}")[0] for n in range(200)]
    started = time.perf_counter()
    rng = random.Random(7)
    end = datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {AuditEvent._meta.db_table}")
        columns = (
            "occurred_at, actor_id, actor_name, access_key, via, organization_id, action, "
            "target_type, target_id, target_name, changes, request_id, result, reason"
        )
        sql = f"COPY {AuditEvent._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for n in range(EVENTS):
                user = users[rng.randrange(len(users))]
                target = rng.randrange(5000)
                copy.write_row(
                    (
                        end - timedelta(seconds=rng.randrange(365 * 86400)),
                        user.pk,
                        user.username,
                        "",
                        "api",
                        organizations[rng.randrange(50)].pk,
                        ACTIONS[n % len(ACTIONS)],
                        "apps.application",
                        str(target),
                        f"app-{target}",
                        "{}",
                        "",
                        "failure" if n % 50 == 0 else "success",
                        "",
                    )
                )
        cursor.execute(f"ANALYZE {AuditEvent._meta.db_table}")
    print(f"inserted {EVENTS:,} events in {time.perf_counter() - started:.1f} s")
    return _ids()


def _ids() -> dict:
    from django.contrib.auth import get_user_model

    from tenants.models import Organization

    return {
        "organization": Organization.objects.get(slug="bench7"),
        "actor": get_user_model().objects.get(username="bench-user-3").username,
    }


def median_ms(run, repeats: int) -> tuple[float, float]:
    run()  # warm the cache, as a reviewer clicking around would
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def without_indexes(run):
    """The same query with PostgreSQL told not to use indexes: the baseline that
    shows what the review's indexes are worth, measured in the same run."""
    from django.db import connection, transaction

    def baseline():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            return run()

    return baseline


def timed(label: str, run, repeats: int = 15) -> None:
    median, worst = median_ms(run, repeats)
    unindexed, _ = median_ms(without_indexes(run), 3)
    print(
        f"{label:<40} median {median:7.2f} ms  max {worst:7.2f} ms  (target < 100)"
        f"   no-index baseline {unindexed:8.1f} ms  ratio {median / unindexed:.3f}"
    )


def review_queries(ids: dict) -> None:
    from django.http import QueryDict

    from tenants import audit_review
    from tenants.models import AuditEvent

    def review(query: str, organization=None, cursor_pages: int = 0):
        def run():
            events = AuditEvent.objects.all()
            if organization is not None:
                events = events.filter(organization=organization)
            events = audit_review.Filters.from_query(QueryDict(query)).apply(events)
            rows, cursor = audit_review.page(events)
            for _ in range(cursor_pages):
                rows, cursor = audit_review.page(events, cursor)
            return rows

        return run

    org = ids["organization"]
    timed("organization, newest page", review("", org))
    timed("organization, 5 pages deep by cursor", review("", org, cursor_pages=5))
    timed("organization + action", review("action=application.scale", org))
    timed("organization + result=failure", review("result=failure", org))
    timed("organization + one month", review("since=2026-06-01&until=2026-06-30", org))
    timed("operator: actor", review(f"actor={ids['actor']}"))
    timed("operator: one target", review("target_type=apps.application&target_id=42"))
    timed("operator: everything, newest page", review(""))


if __name__ == "__main__":
    setup_django()
    review_queries(fill())
