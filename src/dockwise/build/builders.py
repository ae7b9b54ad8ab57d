"""One small interface over the image builders a machine may have: a Docker (BuildKit) daemon,
buildah, podman. Each adapter builds a Dockerfile, writes the image as an OCI layout (for
``dockwise image`` to read), returns the image's config, and runs a command or the image's own
entrypoint in a container of it. Every failure is a :class:`BuildOutcome` or
:class:`RunOutcome` the caller reports, or a :class:`BuilderUnavailable` (one clear line).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from dockwise.errors import DockwiseError

BUILDERS = ("docker", "buildah", "podman")
PULL_POLICIES = ("missing", "always", "never")
_STOP_GRACE = 10.0  # seconds a stopped service gets before SIGKILL, as `docker stop` gives


class BuilderUnavailable(DockwiseError):
    """No builder can run here, or the one asked for cannot."""


@dataclass
class BuildOutcome:
    ok: bool
    image: str | None  # the local image name, when ok
    log: str  # what the builder printed (stdout and stderr together)
    seconds: float


@dataclass
class RunOutcome:
    ok: bool
    detail: str  # what happened, in a few words (or the command's last output lines)
    seconds: float = 0.0


@dataclass
class Service:
    """The image's entrypoint running in the background."""

    process: subprocess.Popen
    container: str | None = None
    output: list[str] = field(default_factory=list)

    def exited(self) -> int | None:
        return self.process.poll()


class Builder:
    """The operations ``--verify`` needs; subclasses run one program."""

    name = ""

    def __init__(self, program: str) -> None:
        self.program = program

    # -- helpers -----------------------------------------------------------------------------

    def _command(self, *args: str) -> list[str]:
        return [self.program, *args]

    def _env(self) -> dict[str, str]:
        return dict(os.environ)

    def _call(self, *args: str, timeout: float | None = 600) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(self._command(*args), capture_output=True, text=True, errors="replace",
                                  env=self._env(), timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise DockwiseError(f"{self.name} {args[0]} did not finish in {timeout:.0f} s") from None
        except OSError as exc:
            raise BuilderUnavailable(f"cannot run {self.program}: {exc.strerror or exc}") from None

    def _checked(self, *args: str, timeout: float | None = 600) -> str:
        proc = self._call(*args, timeout=timeout)
        if proc.returncode != 0:
            last = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise DockwiseError(f"{self.name} {args[0]} failed: {last[0]}")
        return proc.stdout

    # -- the interface -----------------------------------------------------------------------

    def build(self, context: str, dockerfile: str, *, ignorefile: str | None = None,
              build_args: Sequence[tuple[str, str]] = (), target: str | None = None,
              volumes: Sequence[str] = (), pull: str = "missing") -> BuildOutcome:
        tag = f"localhost/dockwise-verify-{uuid.uuid4().hex[:12]}:latest"
        args = self._build_args(context, dockerfile, tag, ignorefile, build_args, target, volumes, pull)
        started = time.monotonic()
        try:
            proc = subprocess.run(self._command(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace", env=self._env(), stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise BuilderUnavailable(f"cannot run {self.program}: {exc.strerror or exc}") from None
        seconds = time.monotonic() - started
        return BuildOutcome(proc.returncode == 0, tag if proc.returncode == 0 else None, proc.stdout, seconds)

    def _build_args(self, context, dockerfile, tag, ignorefile, build_args, target, volumes, pull) -> list[str]:
        raise NotImplementedError

    def config(self, image: str) -> dict:
        """The image's config in Docker's spelling: User, Env, Entrypoint, Cmd, ExposedPorts,
        WorkingDir, Healthcheck."""
        raise NotImplementedError

    def save_oci(self, image: str, dest: str) -> str:
        """Write ``image`` as an OCI layout directory with gzip-compressed layers; its path."""
        raise NotImplementedError

    def run(self, image: str, argv: Sequence[str], *, timeout: float) -> RunOutcome:
        """Run ``argv`` (no shell) in a new container of ``image``, as the image's user."""
        raise NotImplementedError

    def start(self, image: str) -> Service:
        """Start the image's entrypoint and command in the background, on the host network."""
        raise NotImplementedError

    def exec(self, service: Service, argv: Sequence[str], *, timeout: float) -> RunOutcome:
        """Run ``argv`` beside the running ``service`` (a HEALTHCHECK command)."""
        raise NotImplementedError

    def stop(self, service: Service) -> None:
        raise NotImplementedError

    def remove(self, image: str) -> None:
        self._call("rmi", "-f", image, timeout=300)

    def close(self) -> None:
        """Give back what the builder made for this run (a private store)."""

    # -- shared by the adapters ------------------------------------------------------------------

    def _finish(self, proc: subprocess.Popen, timeout: float, started: float) -> RunOutcome:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, _ = proc.communicate()
            return RunOutcome(False, f"still running after {timeout:g} s (killed)", time.monotonic() - started)
        seconds = time.monotonic() - started
        if proc.returncode == 0:
            return RunOutcome(True, "exit 0", seconds)
        tail = " | ".join(line.strip() for line in (out or "").strip().splitlines()[-3:])
        return RunOutcome(False, f"exit {proc.returncode}" + (f": {tail}" if tail else ""), seconds)

    def _spawn(self, args: Sequence[str], *, capture: bool = True) -> subprocess.Popen:
        return subprocess.Popen(self._command(*args), stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                                errors="replace", env=self._env(), start_new_session=True)


def _kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL after the grace period, as `docker stop` does."""
    if proc.poll() is None:
        _kill_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def entry_command(config: dict) -> list[str]:
    """What a container of an image runs: Entrypoint followed by Cmd."""
    return [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]


class Buildah(Builder):
    """buildah with a private store (``store``/storage, ``store``/run) or, with no store,
    buildah's default one. A private store keeps the storage driver it was made with; a new one
    uses ``STORAGE_DRIVER`` (buildah's own variable: ``overlay`` is much faster where the kernel
    allows it), else vfs, which needs no kernel support. Builds and runs use chroot isolation
    unless BUILDAH_ISOLATION says otherwise: it works where namespaces cannot be made (inside
    another container)."""

    name = "buildah"

    def __init__(self, program: str, store: str | None = None) -> None:
        super().__init__(program)
        self.store = store
        self._temporary = False
        self._containers: list[str] = []

    @classmethod
    def private(cls, program: str, store: str | None) -> "Buildah":
        builder = cls(program, store or tempfile.mkdtemp(prefix="dockwise-buildah-"))
        builder._temporary = store is None
        return builder

    def _command(self, *args: str) -> list[str]:
        base = [self.program]
        if self.store:
            base += ["--root", os.path.join(self.store, "storage"), "--runroot", os.path.join(self.store, "run"),
                     "--storage-driver", store_driver(os.path.join(self.store, "storage"))]
        return [*base, *args]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "BUILDAH_ISOLATION": os.environ.get("BUILDAH_ISOLATION", "chroot")}

    def _build_args(self, context, dockerfile, tag, ignorefile, build_args, target, volumes, pull) -> list[str]:
        return _buildah_style_args("bud", ["--layers"], context, dockerfile, tag, ignorefile, build_args,
                                   target, volumes, pull)

    def config(self, image: str) -> dict:
        data = json.loads(self._checked("inspect", "--type", "image", image))
        docker = (data.get("Docker") or {}).get("config") or {}
        oci = (data.get("OCIv1") or {}).get("config") or {}
        return docker or {k: v for k, v in oci.items()}

    def save_oci(self, image: str, dest: str) -> str:
        self._checked("push", "--quiet", image, f"oci:{dest}:latest")
        return dest

    def _container(self, image: str) -> str:
        name = self._checked("from", "--pull-never", image).strip().splitlines()[-1]
        self._containers.append(name)
        return name

    def run(self, image: str, argv: Sequence[str], *, timeout: float) -> RunOutcome:
        container = self._container(image)
        started = time.monotonic()
        return self._finish(self._spawn(["run", container, "--", *argv]), timeout, started)

    def start(self, image: str) -> Service:
        argv = entry_command(self.config(image))
        if not argv:
            raise DockwiseError("the image has no ENTRYPOINT or CMD to start")
        container = self._container(image)
        return Service(self._spawn(["run", container, "--", *argv], capture=False), container)

    def exec(self, service: Service, argv: Sequence[str], *, timeout: float) -> RunOutcome:
        started = time.monotonic()
        return self._finish(self._spawn(["run", service.container or "", "--", *argv]), timeout, started)

    def stop(self, service: Service) -> None:
        _stop_group(service.process)

    def remove(self, image: str) -> None:
        for container in self._containers:
            self._call("rm", container, timeout=300)
        self._containers.clear()
        super().remove(image)

    def close(self) -> None:
        for container in self._containers:
            self._call("rm", container, timeout=300)
        self._containers.clear()
        if self._temporary and self.store:
            _unmount_under(self.store)  # overlay mounts the store's own folder
            # vfs layers are plain directories owned by the image's users: remove as root can
            shutil.rmtree(self.store, ignore_errors=True)


def _unmount_under(folder: str) -> None:
    """Unmount (lazily, deepest first) what is still mounted below ``folder``."""
    prefix = os.path.realpath(folder) + os.sep
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            points = [line.split()[1] for line in mounts if line.split()[1].startswith(prefix)]
    except OSError:
        return
    for point in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True, timeout=60)


def store_driver(root: str) -> str:
    """The storage driver of the containers-storage folder ``root``: the one it was made with
    (its ``<driver>-images`` folder), else ``STORAGE_DRIVER``, else vfs. (Opening a store with
    another driver than its own fails.)"""
    for driver in ("overlay", "vfs", "btrfs", "zfs"):
        if os.path.isdir(os.path.join(root, f"{driver}-images")):
            return driver
    return os.environ.get("STORAGE_DRIVER") or "vfs"


_BUILDAH_PULL = {"missing": "false", "always": "always", "never": "never"}


class Docker(Builder):
    """The docker CLI talking to a daemon (``podman`` takes the same words)."""

    name = "docker"

    def build(self, context: str, dockerfile: str, *, ignorefile: str | None = None, **options) -> BuildOutcome:
        if ignorefile:  # BuildKit reads <Dockerfile>.dockerignore next to the Dockerfile first
            shutil.copyfile(ignorefile, dockerfile + ".dockerignore")
        return super().build(context, dockerfile, **options)

    def _build_args(self, context, dockerfile, tag, ignorefile, build_args, target, volumes, pull) -> list[str]:
        if volumes:
            raise DockwiseError(f"{self.name} build takes no volumes: leave out --build-volume "
                                "or use buildah or podman (--builder)")
        args = ["build", "-f", dockerfile, "-t", tag]
        if pull == "always":
            args.append("--pull")
        for name, value in build_args:
            args += ["--build-arg", f"{name}={value}"]
        if target:
            args += ["--target", target]
        return [*args, context]

    def config(self, image: str) -> dict:
        data = json.loads(self._checked("image", "inspect", image))
        return (data[0] if isinstance(data, list) and data else {}).get("Config") or {}

    def save_oci(self, image: str, dest: str) -> str:
        # `docker save` writes uncompressed layers; the command reads their sizes from the
        # archive and weighs the compressed size itself
        archive = os.path.join(dest + ".tar")
        self._checked("save", "-o", archive, image)
        return archive

    def run(self, image: str, argv: Sequence[str], *, timeout: float) -> RunOutcome:
        started = time.monotonic()
        name = f"dockwise-verify-{uuid.uuid4().hex[:12]}"
        proc = self._spawn(["run", "--rm", "--name", name, "--network", "host", "--entrypoint", argv[0],
                            image, *argv[1:]])
        return self._finish(proc, timeout, started)

    def start(self, image: str) -> Service:
        name = f"dockwise-verify-{uuid.uuid4().hex[:12]}"
        return Service(self._spawn(["run", "--rm", "--name", name, "--network", "host", image],
                                   capture=False), name)

    def exec(self, service: Service, argv: Sequence[str], *, timeout: float) -> RunOutcome:
        started = time.monotonic()
        return self._finish(self._spawn(["exec", service.container or "", *argv]), timeout, started)

    def stop(self, service: Service) -> None:
        self._call("stop", "-t", str(int(_STOP_GRACE)), service.container or "", timeout=60)
        _stop_group(service.process)


class Podman(Docker):
    name = "podman"
    build = Builder.build  # podman takes --ignorefile

    def _build_args(self, context, dockerfile, tag, ignorefile, build_args, target, volumes, pull) -> list[str]:
        return _buildah_style_args("build", [], context, dockerfile, tag, ignorefile, build_args, target,
                                   volumes, pull)

    def save_oci(self, image: str, dest: str) -> str:
        self._checked("push", "--quiet", image, f"oci:{dest}:latest")
        return dest


def _docker_reachable(program: str) -> bool:
    try:
        return subprocess.run([program, "info"], capture_output=True, timeout=10,
                              stdin=subprocess.DEVNULL).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_builder(wanted: str = "auto", *, store: str | None = None) -> Builder:
    """The builder to use: ``wanted``, or the first that works of a reachable Docker daemon,
    buildah, podman. ``store``: buildah's private store folder (default: a temporary one)."""
    if wanted not in ("auto", *BUILDERS):
        raise BuilderUnavailable(f"unknown builder {wanted!r}: choose auto, {', '.join(BUILDERS)}")
    tried = []
    for name in BUILDERS if wanted == "auto" else (wanted,):
        program = shutil.which(name)
        if program is None:
            tried.append(f"{name}: not installed")
            continue
        if name == "docker":
            if not _docker_reachable(program):
                tried.append("docker: no daemon answers")
                continue
            return Docker(program)
        if name == "buildah":
            return Buildah.private(program, store)
        return Podman(program)
    raise BuilderUnavailable("no image builder can run here (" + "; ".join(tried) +
                             "): install buildah, podman or Docker")


def _buildah_style_args(command: str, extra: list[str], context, dockerfile, tag, ignorefile, build_args,
                        target, volumes, pull) -> list[str]:
    """buildah's and podman's build options (they share them). The docker format keeps
    HEALTHCHECK, which an OCI config cannot hold."""
    args = [command, "--format", "docker", *extra, f"--pull={_BUILDAH_PULL[pull]}", "-f", dockerfile, "-t", tag]
    if ignorefile:
        args += ["--ignorefile", ignorefile]
    for name, value in build_args:
        args += ["--build-arg", f"{name}={value}"]
    if target:
        args += ["--target", target]
    for volume in volumes:
        args += ["--volume", volume]
    return [*args, context]
