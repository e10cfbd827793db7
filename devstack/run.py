"""`make run`: Berth and everything it needs, in one terminal, until Ctrl-C.

Starts (or reuses) the local cluster and Redis, migrates, registers the local cluster
and a demo organization, then runs a Celery worker with beat and the ASGI server on
http://127.0.0.1:8000. Ctrl-C stops what this command started and nothing else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST_PORT = os.environ.get("BERTH_LISTEN", "127.0.0.1:8000")
SYSTEM_PYTHON = os.environ.get("BERTH_SYSTEM_PYTHON", "python3")


def log(message: str) -> None:
    print(f"[berth] {message}", flush=True)


def cluster_components_up() -> int:
    """How many of the local cluster's processes run now (someone else's included)."""
    status = [SYSTEM_PYTHON, str(ROOT / "localcluster/cluster.py"), "status"]
    lines = subprocess.run(status, capture_output=True, text=True).stdout.splitlines()
    return sum(" up " in f"{line} " for line in lines)


def node_pool() -> str:
    """The real node when this machine can run containers, else kwok's simulated nodes."""
    check = [SYSTEM_PYTHON, str(ROOT / "localcluster/cluster.py"), "real-node"]
    result = subprocess.run(check, capture_output=True, text=True)
    if result.returncode == 0:
        log(
            "real containers: choose 'Runs on: local-real' and an image of the local "
            "registry, e.g. 127.0.0.1:5000/berth/hello-http:1 on port 8080; its address "
            "(http://<app>.demo.apps.localhost:18080/) is on the app's page"
        )
        return "real"
    reason = (result.stdout + result.stderr).strip() or "the real node is not ready"
    log(f"no real containers on this machine, apps run on simulated nodes: {reason}")
    return "simulated"


def manage(*args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # a SIGTERM stops Berth the same way Ctrl-C does


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    # Only a cluster this command starts from nothing is stopped again at the end;
    # one that was partly running belongs to someone else.
    started_cluster = cluster_components_up() == 0
    services = [SYSTEM_PYTHON, str(ROOT / "devstack/services.py")]
    redis_was_up = subprocess.run([*services, "check", "redis"]).returncode == 0
    subprocess.run([SYSTEM_PYTHON, str(ROOT / "localcluster/cluster.py"), "up"], check=True)
    subprocess.run([*services, "up", "redis"], check=True)
    (ROOT / "var").mkdir(exist_ok=True)
    manage("migrate", "--noinput", "-v", "0")
    password = os.environ.get("BERTH_DEMO_PASSWORD")
    manage(
        "bootstrap_local",
        "--node-pool",
        node_pool(),
        *(["--password", password] if password else []),
    )

    children = [
        subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "console", "worker", "--beat",
             "--concurrency", "4", "--loglevel", "INFO",
             "--schedule", str(ROOT / "var/celerybeat-schedule")],
            cwd=ROOT,
        ),
        subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "runserver", HOST_PORT, "--noreload"], cwd=ROOT
        ),
    ]  # fmt: skip
    log(f"Berth is starting on http://{HOST_PORT}/ (Ctrl-C stops it)")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        log("a Berth process exited; stopping the rest")
    except KeyboardInterrupt:
        log("stopping")
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if not redis_was_up:
            subprocess.run([*services, "down", "redis"])
        if started_cluster:
            subprocess.run([SYSTEM_PYTHON, str(ROOT / "localcluster/cluster.py"), "down"])


if __name__ == "__main__":
    main()
