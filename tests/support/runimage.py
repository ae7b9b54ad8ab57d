"""Run a built image the way a container runtime would, to test what a user of the image sees:
its entrypoint and command as its configured user, with its environment and working folder,
as PID 1 of a new PID namespace (so SIGTERM reaches it only if it handles it, as in ``docker
stop``). The image's filesystem is buildah's mount of a working container; ``unshare`` makes
the PID and mount namespaces, mounts /proc, changes root and sets the user. Host network.

Test-side ground truth: nothing here uses dockwise code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path


def image_config(buildah, image: str) -> dict:
    data = json.loads(buildah.run("inspect", "--type", "image", image).stdout)
    return (data.get("Docker") or {}).get("config") or (data.get("OCIv1") or {}).get("config") or {}


def _lookup(table: Path, name: str, field: int) -> int:
    """The numeric ID of ``name`` in the image's /etc/passwd or /etc/group (a number stays one)."""
    if name.isdigit():
        return int(name)
    for line in table.read_text().splitlines():
        parts = line.split(":")
        if parts[0] == name:
            return int(parts[field])
    raise LookupError(f"{name} is not in the image's {table.name}")


def resolve_user(rootfs: Path, user: str) -> tuple[int, int]:
    """(uid, gid) of an image's ``User`` (``name``, ``uid``, ``name:group``, ``uid:gid``; empty: root)."""
    if not user:
        return 0, 0
    name, _, group = user.partition(":")
    uid = _lookup(rootfs / "etc/passwd", name, 2)
    if group:
        return uid, _lookup(rootfs / "etc/group", group, 2)
    if name.isdigit():
        for line in (rootfs / "etc/passwd").read_text().splitlines():
            parts = line.split(":")
            if len(parts) > 3 and parts[2] == name:
                return uid, int(parts[3])
        return uid, 0
    return uid, _lookup(rootfs / "etc/passwd", name, 3)


class RunningImage:
    """``with RunningImage(buildah, image, env={"PORT": "8123"}) as app:`` starts the image's
    entrypoint; ``app.get(url)``, ``app.terminate()`` (SIGTERM to PID 1, returns (exit code,
    seconds)), ``app.uid``. ``command`` replaces the image's CMD, as arguments after the image
    name of ``docker run`` do; ``app.wait()`` waits for a command that ends."""

    def __init__(self, buildah, image: str, env: dict[str, str] | None = None,
                 command: list[str] | None = None) -> None:
        self.buildah = buildah
        self.image = image
        self.extra_env = env or {}
        self.command = command
        self.config = image_config(buildah, image)
        self.container = ""
        self.rootfs: Path | None = None
        self.process: subprocess.Popen | None = None
        self.uid = self.gid = 0

    def __enter__(self) -> "RunningImage":
        self.container = self.buildah.run("from", "--pull-never", self.image).stdout.strip().splitlines()[-1]
        self.rootfs = Path(self.buildah.run("mount", self.container).stdout.strip())
        for mountpoint in ("dev", "proc"):  # a runtime makes them in a `scratch` image too
            (self.rootfs / mountpoint).mkdir(exist_ok=True)
        subprocess.run(["mount", "--bind", "/dev", str(self.rootfs / "dev")], check=True)
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        cmd = self.command if self.command is not None else self.config.get("Cmd") or []
        argv = [*(self.config.get("Entrypoint") or []), *cmd]
        assert argv, "the image has no entrypoint or command"
        self.uid, self.gid = resolve_user(self.rootfs, self.config.get("User") or "")
        env = dict(item.partition("=")[::2] for item in self.config.get("Env") or [])
        env.update(self.extra_env)
        env.setdefault("HOME", "/root" if self.uid == 0 else "/")
        workdir = self.config.get("WorkingDir") or "/"
        self.log = open(self.rootfs.parent / f"{self.container}.log", "w+b")  # noqa: SIM115
        self.process = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", f"--root={self.rootfs}",
             f"--wd={workdir}", f"--setgid={self.gid}", f"--setuid={self.uid}", "--", *argv],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def pid1(self) -> int:
        """The host PID of the namespace's PID 1 (the forked child of ``unshare``)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
            except FileNotFoundError:
                children = []
            if children:
                return int(children[0])
            time.sleep(0.05)
        raise AssertionError(f"no PID 1 under unshare; output: {self.output()}")

    def process_uid(self) -> int:
        for line in Path(f"/proc/{self.pid1()}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
        raise AssertionError("no Uid line")

    def get(self, url: str, timeout: float = 60) -> tuple[int, str]:
        """Poll ``url`` until it answers (status, body), or fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the entrypoint exited ({self.process.returncode}): {self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return response.status, response.read().decode()
            except OSError as exc:
                last = exc
                time.sleep(0.2)
        raise AssertionError(f"{url} did not answer in {timeout} s ({last}); output: {self.output()}")

    def wait(self, timeout: float = 60) -> int:
        """The exit code of the entrypoint, once it has ended (fails after ``timeout`` seconds)."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout} s; output: {self.output()}") from None

    def terminate(self, wait: float = 10) -> tuple[int | None, float]:
        """SIGTERM to PID 1, as ``docker stop`` sends it; (exit code or None if still running
        after ``wait`` seconds, seconds it took)."""
        os.kill(self.pid1(), signal.SIGTERM)
        started = time.monotonic()
        try:
            code = self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None, time.monotonic() - started
        return code, time.monotonic() - started

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            # --kill-child alone does not reach PID 1 of an image with a non-root user: the
            # kernel clears the parent-death signal when --setuid changes credentials. Killing
            # the namespace's PID 1 takes every process in it along.
            try:
                os.kill(self.pid1(), signal.SIGKILL)
            except (AssertionError, ProcessLookupError):
                pass
            self.process.kill()
            self.process.wait()
        if self.rootfs is not None:
            subprocess.run(["umount", "-l", str(self.rootfs / "dev")], capture_output=True)
        if getattr(self, "log", None) is not None:
            self.log.close()
        if self.container:
            self.buildah.run("umount", self.container)
            self.buildah.run("rm", self.container)
