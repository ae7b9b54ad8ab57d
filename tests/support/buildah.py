"""Real image builds for tests: buildah with chroot isolation and a private store in a temp
folder, on overlay storage where the kernel allows it (checked once per process), else vfs,
which copies the whole image for every layer (minutes for each build on a large base).
``DOCKWISE_TEST_STORAGE_DRIVER`` names the driver instead.

No registry is reachable, so the base image is made locally from Debian's static busybox.
Everything here is test-side ground truth: it never uses dockwise code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
BASE_IMAGE = "localhost/dockwise-busybox:latest"
BASE_APPLETS = ("sh", "ls", "cat", "rm", "mkdir", "echo", "cp", "mv", "ln", "touch", "dd",
                "chmod", "true", "false", "wget", "tar", "gzip", "head", "find", "sleep")


class BuildahUnavailable(RuntimeError):
    pass


_DRIVER: list[str] = []  # the driver found to work in this process


def storage_driver(scratch: Path) -> str:
    """overlay when buildah can make and mount a container on it here (tried in ``scratch``,
    removed after), else vfs; ``DOCKWISE_TEST_STORAGE_DRIVER`` wins."""
    if os.environ.get("DOCKWISE_TEST_STORAGE_DRIVER"):
        return os.environ["DOCKWISE_TEST_STORAGE_DRIVER"]
    if not _DRIVER:
        base = ["buildah", "--root", str(scratch / "storage"), "--runroot", str(scratch / "run"),
                "--storage-driver", "overlay"]
        try:
            made = subprocess.run([*base, "from", "scratch"], capture_output=True, text=True, timeout=60)
            container = made.stdout.strip().splitlines()[-1] if made.returncode == 0 and made.stdout.strip() else ""
            mounted = container and subprocess.run([*base, "mount", container], capture_output=True,
                                                   timeout=60).returncode == 0
            if container:
                subprocess.run([*base, "umount", container], capture_output=True, timeout=60)
                subprocess.run([*base, "rm", container], capture_output=True, timeout=60)
            _DRIVER.append("overlay" if mounted else "vfs")
        except (OSError, subprocess.TimeoutExpired):
            _DRIVER.append("vfs")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return _DRIVER[0]


def _static_busybox() -> str:
    for path in BUSYBOX_CANDIDATES:
        if os.path.exists(path):
            out = subprocess.run(["file", "-L", path], capture_output=True, text=True).stdout \
                if shutil.which("file") else "statically linked"
            if "dynamically" not in out:
                return path
    raise BuildahUnavailable("no static busybox (apt-get install busybox-static)")


class Buildah:
    """A private buildah store under ``root``. Methods raise CalledProcessError with output."""

    def __init__(self, root: Path) -> None:
        if shutil.which("buildah") is None:
            raise BuildahUnavailable("buildah is not installed (apt-get install buildah)")
        if os.geteuid() != 0:
            raise BuildahUnavailable("buildah with vfs storage and chroot isolation needs root here")
        self.root = Path(root)
        self.driver = storage_driver(self.root / "driver-probe")
        self.base = [
            "buildah", "--root", str(self.root / "storage"), "--runroot", str(self.root / "run"),
            "--storage-driver", self.driver,
        ]
        self._base_built = False

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([*self.base, *args], capture_output=True, text=True, cwd=cwd,
                              env={**os.environ, "BUILDAH_ISOLATION": "chroot"})
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
        return proc

    def close(self) -> None:
        """Remove every container and unmount what the store still has mounted (overlay mounts
        its own folder and each container's tree; left mounted, the temp folder cannot be
        deleted)."""
        subprocess.run([*self.base, "rm", "--all"], capture_output=True, timeout=300)
        root = str(self.root.resolve()) + "/"
        with open("/proc/mounts") as mounts:
            points = [line.split()[1] for line in mounts if line.split()[1].startswith(root)]
        for point in sorted(points, key=len, reverse=True):  # the deepest first
            subprocess.run(["umount", "-l", point], capture_output=True, timeout=60)

    def base_image(self) -> str:
        """``localhost/dockwise-busybox:latest``: scratch + static busybox with a few applets."""
        if self._base_built:
            return BASE_IMAGE
        rootfs = self.root / "busybox-rootfs"
        (rootfs / "bin").mkdir(parents=True, exist_ok=True)
        shutil.copy2(_static_busybox(), rootfs / "bin" / "busybox")
        for applet in BASE_APPLETS:
            link = rootfs / "bin" / applet
            if not link.is_symlink():
                link.symlink_to("busybox")
        (rootfs / "tmp").mkdir(exist_ok=True)
        container = self.run("from", "scratch").stdout.strip().splitlines()[-1]
        try:
            self.run("add", container, str(rootfs), "/")
            self.run("config", "--cmd", '["/bin/sh"]', "--env", "PATH=/bin", container)
            self.run("commit", container, BASE_IMAGE)
        finally:
            self.run("rm", container)
        self._base_built = True
        return BASE_IMAGE

    def build(self, context: Path, tag: str, dockerfile: Path | None = None, *, layers: bool = True,
              fmt: str = "docker", extra_args: tuple[str, ...] = ()) -> str:
        """Build ``context`` and return the image name (``localhost/<tag>``)."""
        self.base_image()
        args = ["bud", "--isolation", "chroot", "--format", fmt, "-t", tag]
        if layers:
            args.append("--layers")
        if dockerfile is not None:
            args += ["-f", str(dockerfile)]
        self.run(*args, *extra_args, str(context))
        return tag if "/" in tag else f"localhost/{tag}"

    def export(self, image: str, kind: str, dest: Path) -> Path:
        """Write ``image`` as ``docker-archive`` (tar), ``oci-archive`` (tar) or ``oci-dir``."""
        dest = Path(dest)
        name = image.split("/")[-1]
        repo_tag = name if ":" in name else f"{name}:latest"
        if kind == "docker-archive":
            target = f"docker-archive:{dest}:{repo_tag}"
        elif kind == "oci-archive":
            target = f"oci-archive:{dest}:{repo_tag.split(':')[1]}"
        elif kind == "oci-dir":
            target = f"oci:{dest}:{repo_tag.split(':')[1]}"
        else:
            raise ValueError(f"unknown export kind {kind!r}")
        self.run("push", image, target)
        return dest

    def files(self, image: str) -> list[str]:
        """Every path (files, directories, symlinks) in the image's merged filesystem,
        relative to ``/``, sorted. Read from buildah's own mount: ground truth."""
        container = self.run("from", image).stdout.strip().splitlines()[-1]
        try:
            mount = Path(self.run("mount", container).stdout.strip())
            found = []
            for dirpath, dirnames, filenames in os.walk(mount):
                rel = Path(dirpath).relative_to(mount)
                for entry in (*dirnames, *filenames):
                    found.append(str(rel / entry) if str(rel) != "." else entry)
            return sorted(found)
        finally:
            self.run("umount", container)
            self.run("rm", container)
