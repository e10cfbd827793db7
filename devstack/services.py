"""Start, stop and check Berth's local Redis and PostgreSQL.

    python3 devstack/services.py up redis postgres
    python3 devstack/services.py down
    python3 devstack/services.py env      # prints the BERTH_* URLs for the shell

Standard library only: it runs before Berth's virtualenv exists. Missing server
packages are installed from Debian's repositories when running as root.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

STATE = Path(os.environ.get("BERTH_SERVICES_STATE", Path.home() / ".local/state/berth"))
REDIS_PORT = int(os.environ.get("BERTH_REDIS_PORT", "16379"))
POSTGRES_PORT = int(os.environ.get("BERTH_POSTGRES_PORT", "15432"))
POSTGRES_USER = "berth"
# As root, PostgreSQL runs as Debian's `postgres` user, who cannot enter /root.
POSTGRES_STATE = Path(
    os.environ.get(
        "BERTH_POSTGRES_STATE",
        "/var/lib/berth/postgres" if os.geteuid() == 0 else STATE / "postgres",
    )
)
HOST = "127.0.0.1"


def log(message: str) -> None:
    print(f"[services] {message}", flush=True)


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def wait_for_port(port: int, name: str, logfile: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.2)
    sys.exit(f"{name} did not start on {HOST}:{port}; see {logfile}")


def apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        sys.exit(f"Install {' '.join(packages)} (Debian packages) and run this again.")
    log(f"installing {' '.join(packages)} from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-q", "-y", "-o", "Dpkg::Use-Pty=0"]
    if subprocess.run([*apt, "install", "--no-install-recommends", *packages], env=env).returncode:
        subprocess.run(["apt-get", "-q", "update"], env=env, check=True)
        subprocess.run([*apt, "install", "--no-install-recommends", *packages], env=env, check=True)


# Redis ---------------------------------------------------------------------------


def redis_up() -> None:
    if port_open(REDIS_PORT):
        log(f"redis already listening on {HOST}:{REDIS_PORT}")
        return
    if not shutil.which("redis-server"):
        apt_install("redis-server")
    directory = STATE / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    logfile = directory / "redis.log"
    subprocess.run(
        [
            "redis-server",
            "--bind", HOST,
            "--port", str(REDIS_PORT),
            "--dir", str(directory),
            "--daemonize", "yes",
            "--pidfile", str(directory / "redis.pid"),
            "--logfile", str(logfile),
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "yes",
        ],
        check=True,
    )  # fmt: skip
    wait_for_port(REDIS_PORT, "redis", logfile)
    log(f"redis started on {HOST}:{REDIS_PORT}")


# PostgreSQL ----------------------------------------------------------------------


def postgres_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        apt_install("postgresql")
        candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1]


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as Debian's postgres user."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def postgres_up() -> None:
    if port_open(POSTGRES_PORT):
        log(f"postgresql already listening on {HOST}:{POSTGRES_PORT}")
        return
    initdb = postgres_bin("initdb")
    directory = POSTGRES_STATE
    data = directory / "data"
    logfile = directory / "postgres.log"
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    if not (data / "PG_VERSION").exists():
        log("initialising a PostgreSQL data directory (loopback only, trust auth)")
        subprocess.run(
            as_postgres(
                [initdb, "-D", str(data), "-U", POSTGRES_USER, "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    options = (
        f"-h {HOST} -p {POSTGRES_PORT} -k {directory} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        as_postgres(
            [
                postgres_bin("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(logfile),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(POSTGRES_PORT, "postgresql", logfile)
    createdb = postgres_bin("createdb")
    subprocess.run(
        [createdb, "-h", HOST, "-p", str(POSTGRES_PORT), "-U", POSTGRES_USER, "berth"],
        stderr=subprocess.DEVNULL,
    )
    log(f"postgresql started on {HOST}:{POSTGRES_PORT}")


def postgres_down() -> None:
    data = POSTGRES_STATE / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            as_postgres([postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            stdout=subprocess.DEVNULL,
        )
        log("postgresql stopped")


def redis_down() -> None:
    pidfile = STATE / "redis" / "redis.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), 15)
            log("redis stopped")
        except (ProcessLookupError, ValueError):
            pass
        pidfile.unlink(missing_ok=True)


def urls() -> dict[str, str]:
    return {
        "BERTH_REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
        "BERTH_POSTGRES_URL": f"postgres://{POSTGRES_USER}@{HOST}:{POSTGRES_PORT}/berth",
    }


SERVICES = {"redis": (redis_up, redis_down), "postgres": (postgres_up, postgres_down)}
PORTS = {"redis": REDIS_PORT, "postgres": POSTGRES_PORT}


def install_browser() -> None:
    """Debian's Chromium, which Playwright drives in the browser tests."""
    if not Path("/usr/bin/chromium").exists():
        apt_install("chromium")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "check", "env", "install-browser"])
    parser.add_argument("services", nargs="*", default=list(SERVICES))
    args = parser.parse_args()
    if args.command == "env":
        for key, value in urls().items():
            print(f"export {key}={value}")
        return
    if args.command == "install-browser":
        install_browser()
        return
    if args.command == "check":
        sys.exit(0 if all(port_open(PORTS[name]) for name in args.services) else 1)
    for name in args.services:
        up, down = SERVICES[name]
        up() if args.command == "up" else down()


if __name__ == "__main__":
    main()
