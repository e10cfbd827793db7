"""Berth's own processes (Celery worker, ASGI server) started for a test, on the
test database, the way `make run` starts them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_env() -> dict[str, str]:
    """Environment that points a child process at the database this test uses."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("child processes share the test database only on PostgreSQL (make test)")
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {**os.environ, "BERTH_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


@contextlib.contextmanager
def berth_process(args: list[str], log_path: Path, ready_port: int | None = None):
    connection.close()  # children must not share this process's connection
    with open(log_path, "w") as log:
        child = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=test_database_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        if ready_port is not None:
            _wait_for_port(ready_port, child, log_path)
        yield child
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        _wait_for_group_exit(child.pid)


def _wait_for_group_exit(group: int, timeout: float = 20) -> None:
    """Worker pool processes outlive their parent briefly; their database sessions
    must be gone before the test database is dropped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def _wait_for_port(port: int, child: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"process exited early; see {log_path}:\n{log_path.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listened on {port}; see {log_path}")


def celery_worker(log_path: Path):
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "console", "purge", "-f"],
        cwd=ROOT,
        env=test_database_env(),
        capture_output=True,
    )
    return berth_process(
        ["-m", "celery", "-A", "console", "worker", "--beat", "--concurrency", "2",
         "--loglevel", "INFO", "--schedule", str(log_path.with_suffix(".schedule"))],
        log_path,
    )  # fmt: skip


def asgi_server(port: int, log_path: Path):
    return berth_process(
        ["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], log_path, ready_port=port
    )


def wait_until(predicate, timeout: float, interval: float = 0.5, message: str = ""):
    """Poll `predicate` until it returns something truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s: {message}")
        time.sleep(interval)
