"""Berth's test images, made here and pushed to the local registry.

No image comes from a public registry. Each image is one layer: a static Go
program from localcluster/images/ plus Debian's static busybox (so that
`kubectl exec ... -- sh` works), written as an OCI image by this module and
pushed over the registry's HTTP API. Layers are made reproducibly (fixed
times and owners), so pushing the same build twice is a no-op.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from localcluster import network
from localcluster.errors import ClusterError

BUSYBOX = Path("/bin/busybox")
# Commands linked to busybox in every image: enough to look around in `exec`.
# Not wget: Debian's static busybox crashes in it (glibc's service lookup);
# `nc` speaks to a port instead.
BUSYBOX_COMMANDS = (
    "sh", "ls", "cat", "env", "hostname", "ps", "sleep", "nc", "echo", "id", "df", "top",
)  # fmt: skip
PATH = "/bin"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Image:
    """An image: `program` from bin/images/ is its entrypoint."""

    repository: str
    program: str
    ports: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    tag: str = "1"

    @property
    def reference(self) -> str:
        return f"{network.REGISTRY}/{self.repository}:{self.tag}"


IMAGES = (
    Image("berth/pause", "pause"),
    Image("berth/hello-http", "hello-http", ports=("8080/tcp",), env={"PORT": "8080"}),
    Image("berth/tcp-echo", "tcp-echo", ports=("9000/tcp",), env={"PORT": "9000"}),
    Image("berth/udp-echo", "udp-echo", ports=("9000/udp",), env={"PORT": "9000"}),
    Image("berth/cron-clock", "cron-clock"),
    Image("berth/memory-hog", "memory-hog"),
)
PAUSE_IMAGE = IMAGES[0].reference


def busybox_missing() -> str | None:
    """Why images cannot be made, or None when they can."""
    if not BUSYBOX.exists():
        return f"{BUSYBOX} is missing (Debian: apt-get install busybox-static)"
    return None


def push_all(program_dir: Path) -> None:
    """Pushes every image that the registry does not hold in this exact form."""
    if problem := busybox_missing():
        raise ClusterError(f"cannot make the test images: {problem}")
    pushed = []
    for image in IMAGES:
        if push(image, program_dir / image.program):
            pushed.append(image.repository)
    print(f"  images: {'pushed ' + ', '.join(pushed) if pushed else 'up to date'}")


def push(image: Image, program: Path) -> bool:
    """Pushes `image`; returns False when the registry already had it."""
    layer_tar = layer(program)
    layer_gz = gzip.compress(layer_tar, mtime=0)
    config = json.dumps(image_config(image, digest_of(layer_tar)), sort_keys=True).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": descriptor(CONFIG_TYPE, config),
            "layers": [descriptor(LAYER_TYPE, layer_gz)],
        },
        sort_keys=True,
    ).encode()
    if current_digest(image) == digest_of(manifest):
        return False
    for blob in (layer_gz, config):
        upload_blob(image.repository, blob)
    request(
        "PUT",
        f"/v2/{image.repository}/manifests/{image.tag}",
        manifest,
        {"Content-Type": MANIFEST_TYPE},
    )
    return True


def layer(program: Path) -> bytes:
    """The image's only layer as an uncompressed tar, the same bytes every time."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        add_directory(tar, "bin")
        add_directory(tar, "tmp", mode=0o1777)
        add_file(tar, f"bin/{program.name}", program.read_bytes())
        add_file(tar, "bin/busybox", BUSYBOX.read_bytes())
        for command in BUSYBOX_COMMANDS:
            link = tarfile.TarInfo(f"bin/{command}")
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            tar.addfile(link)
    return buffer.getvalue()


def add_directory(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    tar.addfile(info)


def add_file(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o755
    tar.addfile(info, io.BytesIO(content))


def image_config(image: Image, diff_id: str) -> dict:
    env = [f"PATH={PATH}", *(f"{name}={value}" for name, value in image.env.items())]
    return {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Entrypoint": [f"/bin/{image.program}"],
            "Env": env,
            "ExposedPorts": {port: {} for port in image.ports},
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "localcluster/registry_images.py"}],
    }


def descriptor(media_type: str, content: bytes) -> dict:
    return {"mediaType": media_type, "digest": digest_of(content), "size": len(content)}


def digest_of(content: bytes) -> str:
    return f"sha256:{hashlib.sha256(content).hexdigest()}"


def current_digest(image: Image) -> str | None:
    try:
        response = request(
            "HEAD", f"/v2/{image.repository}/manifests/{image.tag}", None, {"Accept": MANIFEST_TYPE}
        )
    except ClusterError:
        return None
    return response.headers.get("Docker-Content-Digest")


def upload_blob(repository: str, blob: bytes) -> None:
    digest = digest_of(blob)
    try:
        request("HEAD", f"/v2/{repository}/blobs/{digest}")
        return
    except ClusterError:
        pass
    started = request("POST", f"/v2/{repository}/blobs/uploads/", b"")
    location = started.headers["Location"]
    separator = "&" if "?" in location else "?"
    request(
        "PUT",
        f"{location}{separator}digest={digest}",
        blob,
        {"Content-Type": "application/octet-stream"},
    )


def request(method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """One call to the registry on loopback; `path` may be a full URL it gave us."""
    url = path if path.startswith("http") else f"http://{network.REGISTRY}{path}"
    if not url.startswith(f"http://{network.REGISTRY}/"):
        raise ClusterError(f"the registry sent us elsewhere: {url}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    call = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(call, timeout=TIMEOUT_SECONDS) as response:
            response.read()
            return response
    except urllib.error.HTTPError as error:
        raise ClusterError(f"registry: {method} {path} answered {error.code}") from error
    except OSError as error:
        raise ClusterError(f"registry: {method} {path} failed: {error}") from error
