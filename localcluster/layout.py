"""Where the local cluster keeps its sources, its binaries and its state."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
MODULES_DIR = PACKAGE_DIR / "modules"
MANIFESTS_DIR = PACKAGE_DIR / "manifests"
KWOK_CONFIG_DIR = PACKAGE_DIR / "kwok"
IMAGES_DIR = PACKAGE_DIR / "images"


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Holds a lock on `lock_file`, so that parallel callers such as test workers
    take turns instead of starting or building the same thing twice."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another command holding {lock_file} ...", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def cache_root() -> Path:
    """Binaries live outside the repository so a fresh clone reuses them."""
    base = os.environ.get("BERTH_CACHE") or Path.home() / ".cache" / "berth"
    return Path(base) / "cluster"


@dataclass(frozen=True)
class State:
    """The running cluster's files: certificates, kubeconfigs, data, logs, pids."""

    root: Path

    @property
    def lock_file(self) -> Path:
        return self.root / "lock"

    @property
    def pki(self) -> Path:
        return self.root / "pki"

    @property
    def kubeconfigs(self) -> Path:
        return self.root / "kubeconfigs"

    @property
    def admin_kubeconfig(self) -> Path:
        return self.root / "kubeconfig"

    @property
    def etcd_data(self) -> Path:
        return self.root / "etcd"

    @property
    def kwok(self) -> Path:
        return self.root / "kwok"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pids(self) -> Path:
        return self.root / "pids"

    def log_file(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    def pid_file(self, component: str) -> Path:
        return self.pids / f"{component}.pid"

    def kubeconfig_for(self, user: str) -> Path:
        return self.kubeconfigs / f"{user}.kubeconfig"

    def create(self) -> None:
        for folder in (self.pki, self.kubeconfigs, self.kwok, self.logs, self.pids):
            folder.mkdir(parents=True, exist_ok=True)
        # Private keys and the admin kubeconfig live here.
        self.root.chmod(0o700)


def state() -> State:
    default = Path.home() / ".local" / "state" / "berth" / "cluster"
    return State(Path(os.environ.get("BERTH_CLUSTER_STATE") or default))
