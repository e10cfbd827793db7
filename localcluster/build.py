"""Builds the cluster's binaries from Go modules, once, into a shared cache.

Each wrapper module under modules/ pins one component with `go.mod` and `go.sum`,
so the same sources are fetched from the Go module proxy every time. The cache
folder's name carries the versions and a digest of those files: changing a pin
builds into a new folder and leaves the old one usable.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from localcluster import layout
from localcluster.errors import ClusterError

COMPLETE_MARKER = ".complete"
# Smaller binaries, no local paths in them; CGO off gives static binaries with
# Go's own DNS resolver, as the upstream releases are built.
GO_BUILD_FLAGS = ("-trimpath",)
GO_LINK_FLAGS = ("-s", "-w")
GO_ENV = {"CGO_ENABLED": "0"}


@dataclass(frozen=True)
class Component:
    """A pinned Go module whose version names part of the cache key."""

    key: str
    folder: str
    module_path: str

    def version(self) -> str:
        return required_version(layout.MODULES_DIR / self.folder / "go.mod", self.module_path)


KUBERNETES = Component("k8s", "kubernetes", "k8s.io/kubernetes")
ETCD = Component("etcd", "etcd", "go.etcd.io/etcd/server/v3")
KWOK = Component("kwok", "kwok", "sigs.k8s.io/kwok")
METRICS_SERVER = Component("ms", "metrics-server", "sigs.k8s.io/metrics-server")
CONTAINERD = Component("containerd", "containerd", "github.com/containerd/containerd/v2")
REGISTRY = Component("registry", "registry", "github.com/distribution/distribution/v3")
TRAEFIK = Component("traefik", "traefik", "github.com/traefik/traefik/v3")
COMPONENTS = (KUBERNETES, ETCD, KWOK, METRICS_SERVER, CONTAINERD, REGISTRY, TRAEFIK)


@dataclass(frozen=True)
class Binary:
    name: str
    # None for the programs in Berth's test images (localcluster/images/), whose
    # sources rather than a version go into the cache key.
    component: Component | None
    package: str
    # Where the binary goes inside bin/: image programs go to bin/images/.
    folder: str = ""

    def link_flags(self) -> list[str]:
        stamp = version_stamp(self.component) if self.component else []
        return [*GO_LINK_FLAGS, *stamp]

    def module_dir(self) -> Path:
        if self.component is None:
            return layout.IMAGES_DIR
        return layout.MODULES_DIR / self.component.folder

    def version(self) -> str:
        return self.component.version() if self.component else "local"


def image_program(name: str) -> Binary:
    return Binary(name, None, f"berth.local/localcluster/images/{name}", folder="images")


BINARIES = (
    Binary("etcd", ETCD, "go.etcd.io/etcd/server/v3"),
    Binary("kube-apiserver", KUBERNETES, "k8s.io/kubernetes/cmd/kube-apiserver"),
    Binary("kube-controller-manager", KUBERNETES, "k8s.io/kubernetes/cmd/kube-controller-manager"),
    Binary("kube-scheduler", KUBERNETES, "k8s.io/kubernetes/cmd/kube-scheduler"),
    Binary("kubectl", KUBERNETES, "k8s.io/kubernetes/cmd/kubectl"),
    Binary("kwok", KWOK, "sigs.k8s.io/kwok/cmd/kwok"),
    Binary("metrics-server", METRICS_SERVER, "sigs.k8s.io/metrics-server/cmd/metrics-server"),
    # The real node, the image registry and the ingress controller.
    Binary("kubelet", KUBERNETES, "k8s.io/kubernetes/cmd/kubelet"),
    Binary("kube-proxy", KUBERNETES, "k8s.io/kubernetes/cmd/kube-proxy"),
    Binary("containerd", CONTAINERD, "github.com/containerd/containerd/v2/cmd/containerd"),
    Binary(
        "containerd-shim-runc-v2",
        CONTAINERD,
        "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2",
    ),
    Binary("ctr", CONTAINERD, "github.com/containerd/containerd/v2/cmd/ctr"),
    Binary("registry", REGISTRY, "github.com/distribution/distribution/v3/cmd/registry"),
    Binary("traefik", TRAEFIK, "github.com/traefik/traefik/v3/cmd/traefik"),
    *(
        image_program(name)
        for name in ("pause", "hello-http", "tcp-echo", "udp-echo", "cron-clock", "memory-hog")
    ),
)


class BuildError(ClusterError):
    pass


def required_version(go_mod: Path, module_path: str) -> str:
    pattern = re.compile(rf"^\s*(?:require\s+)?{re.escape(module_path)}\s+(v\S+)", re.M)
    match = pattern.search(go_mod.read_text())
    if not match:
        raise BuildError(f"{go_mod} does not require {module_path}")
    return match.group(1)


def version_stamp(component: Component) -> list[str]:
    """Version variables that upstream release builds set with -X.

    Without them Kubernetes reports v0.0.0-master, which clients and the
    metrics-server use for feature checks.
    """
    version = component.version()
    if component is KUBERNETES:
        major, minor = version.lstrip("v").split(".")[:2]
        values = {
            "gitVersion": version,
            "gitMajor": major,
            "gitMinor": minor,
            "gitTreeState": "clean",
        }
        return [
            f"-X {package}/version.{name}={value}"
            for package in ("k8s.io/component-base", "k8s.io/client-go/pkg")
            for name, value in values.items()
        ]
    if component is METRICS_SERVER:
        return [f"-X k8s.io/client-go/pkg/version.gitVersion={version}"]
    if component is CONTAINERD:
        return [f"-X github.com/containerd/containerd/v2/version.Version={version}"]
    if component is REGISTRY:
        return [f"-X github.com/distribution/distribution/v3/version.version={version}"]
    if component is TRAEFIK:
        return [f"-X github.com/traefik/traefik/v3/pkg/version.Version={version}"]
    return []


def cache_key() -> str:
    # Only the control plane's versions name the folder, to keep it readable;
    # the digest covers every wrapper module and the image programs.
    versions = "_".join(f"{c.key}-{c.version()}" for c in COMPONENTS[:4])
    return f"{versions}_{inputs_digest()}"


def inputs_digest() -> str:
    digest = hashlib.sha256()
    for component in COMPONENTS:
        for name in ("go.mod", "go.sum"):
            digest.update((layout.MODULES_DIR / component.folder / name).read_bytes())
    for source in sorted(layout.IMAGES_DIR.rglob("*")):
        if source.suffix in (".go", ".mod"):
            digest.update(str(source.relative_to(layout.IMAGES_DIR)).encode())
            digest.update(source.read_bytes())
    digest.update(repr((GO_BUILD_FLAGS, GO_LINK_FLAGS, GO_ENV)).encode())
    return digest.hexdigest()[:8]


def bin_dir() -> Path:
    return layout.cache_root() / cache_key() / "bin"


def is_built() -> bool:
    return (bin_dir().parent / COMPLETE_MARKER).exists()


def ensure_built() -> Path:
    """Returns the folder of binaries, building whatever is missing first."""
    target = bin_dir()
    if is_built():
        print(f"binaries: reusing {target}")
        return target
    with layout.exclusive(target.parent / "lock"):
        if not is_built():  # Another command may have built it meanwhile.
            build_all(target)
    return target


def build_all(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    print(f"binaries: building into {target}")
    started = time.monotonic()
    for binary in BINARIES:
        build_binary(binary, target)
    (target.parent / COMPLETE_MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
    print(f"binaries: all built in {format_duration(time.monotonic() - started)}")


def build_binary(binary: Binary, target: Path) -> None:
    output = target / binary.folder / binary.name
    output.parent.mkdir(exist_ok=True)
    if output.exists():
        # Left by an interrupted build: outputs are renamed into place whole.
        print(f"  {binary.name}: already built")
        return
    print(f"  {binary.name} {binary.version()}: building ...", flush=True)
    started = time.monotonic()
    partial = output.with_name(output.name + ".partial")
    run_go_build(binary, partial)
    partial.replace(output)
    print(f"  {binary.name}: built in {format_duration(time.monotonic() - started)}", flush=True)


def run_go_build(binary: Binary, output: Path) -> None:
    command = [
        "go",
        "build",
        *GO_BUILD_FLAGS,
        f"-ldflags={' '.join(binary.link_flags())}",
        "-o",
        str(output),
        binary.package,
    ]
    folder = binary.module_dir()
    if shutil.which("go") is None:
        raise BuildError("the go command is not on PATH; install Go 1.26 or newer")
    result = subprocess.run(
        command,
        cwd=folder,
        env={**os.environ, **GO_ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if result.returncode != 0:
        raise BuildError(f"building {binary.name} failed (in {folder}):\n{result.stdout}")


def format_duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"
