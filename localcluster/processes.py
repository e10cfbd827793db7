"""Starting the cluster's processes detached, and stopping only those.

A pid file alone is not proof: after a reboot the number may belong to some
other program. A process counts as ours only while its command line mentions
this cluster's state folder, which every component's flags do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from localcluster.layout import State

STOP_GRACE_SECONDS = 10


def running_pid(state: State, name: str) -> int | None:
    """The pid of component `name` if it is alive and started by us."""
    try:
        pid = int(state.pid_file(name).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if is_ours(pid, state) else None


def is_ours(pid: int, state: State) -> bool:
    proc = Path(f"/proc/{pid}")
    try:
        # A zombie has an empty command line, so it is not counted as running.
        command_line = (proc / "cmdline").read_bytes().decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    # Every component's flags name files under the state folder.
    return f"{state.root}{os.sep}" in command_line


def start(state: State, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Starts `argv` in a session of its own, so it outlives this command."""
    log_path = state.log_file(name)
    with log_path.open("ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting {name}\n".encode())
        log.flush()
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=state.root,
            env={**os.environ, **env},
            start_new_session=True,
        )
    state.pid_file(name).write_text(f"{process.pid}\n")
    return process


def stop(state: State, name: str, grace: float = STOP_GRACE_SECONDS) -> bool:
    """Stops component `name` if it runs: SIGTERM, then SIGKILL after `grace`."""
    pid = running_pid(state, name)
    state.pid_file(name).unlink(missing_ok=True)
    if pid is None:
        return False
    send(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not is_ours(pid, state):
            return True
        time.sleep(0.1)
    send(pid, signal.SIGKILL)
    return True


def send(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def log_tail(state: State, name: str, lines: int = 15) -> str:
    try:
        text = state.log_file(name).read_text(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
