"""Built proof of the cure on small real projects (tests/cure_builds/<name>/): each folder is a
project whose Dockerfile is written the way many are (a full base, ``COPY . .``, build tools in
the shipped stage, root, shell-form CMD) and a ``smoke.json`` saying how to tell that its
entrypoint still works:

- ``{"url": "/health", "expect": "ok"}``: start the image's entrypoint with ``PORT`` set to a
  free port and fetch the path from it; the body must hold ``expect``;
- ``{"cmd": ["python", "x.py"], "expect": "..."}``: run the command (in place of the image's
  CMD, after its ENTRYPOINT); without ``cmd`` the image's own entrypoint and command run; the
  output must hold ``expect`` and the exit code be 0.

The folder name's prefix is its shape (``py-``, ``node-``, ``go-``, ``java-``); :data:`BASES`
says which stand-in base images (recipes of tests/support/debian.py) a shape's builds need.
A new shape is a recipe per base image in ``debian.RECIPES``, an entry here, and folders.

:func:`cure_and_build` builds the project as it is, runs ``dockwise check --fix --unsafe-fixes``
on a copy (no human edit), builds the result, and measures both images.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.incident import CA_VOLUME
from tests.support.runimage import RunningImage, image_config
from tests.support.sizes import uncompressed_size

FIXTURES = Path(__file__).resolve().parent.parent / "cure_builds"
SHAPES = {"py": "python", "node": "node", "go": "go", "java": "java"}
BASES = {
    "python": ("python-full", "python-slim"),
    "node": ("node-full", "node-slim"),
    "go": ("golang-full",),
    "java": ("java-jdk", "java-jre"),
}
BUILD_ARGS = ("--pull=never", "--volume", CA_VOLUME)
SMOKE_TIMEOUT = 60.0


@dataclass
class Fixture:
    name: str
    path: Path
    shape: str
    smoke: dict

    @classmethod
    def load(cls, path: Path) -> "Fixture":
        prefix = path.name.split("-", 1)[0]
        return cls(path.name, path, SHAPES[prefix], json.loads((path / "smoke.json").read_text()))


def fixtures() -> list[Fixture]:
    return [Fixture.load(p) for p in sorted(FIXTURES.iterdir()) if (p / "smoke.json").is_file()]


@dataclass
class Side:
    """One build of the project: as written (``before``) or as the cure left it (``after``)."""

    image: str | None = None
    failure: str = ""  # the end of the build log when it did not build
    size: int | None = None  # uncompressed bytes
    user: str = ""
    smoke_ok: bool = False
    smoke_detail: str = ""
    seconds: float = 0.0  # the build's wall time


@dataclass
class Outcome:
    fixture: Fixture
    dockerfile: str  # as the cure left it
    cure_output: str
    cure_user: str | None  # the numeric USER the cure's diff adds, None when it adds none
    before: Side = field(default_factory=Side)
    after: Side = field(default_factory=Side)
    verify_seconds: float | None = None


def copy_project(fixture: Fixture, dest: Path) -> Path:
    shutil.copytree(fixture.path, dest, ignore=shutil.ignore_patterns("smoke.json"))
    return dest


def _build(buildah, context: Path, tag: str, side: Side) -> None:
    started = time.monotonic()
    try:
        side.image = buildah.build(context, tag, extra_args=BUILD_ARGS)
    except subprocess.CalledProcessError as exc:
        side.failure = ((exc.stdout or "") + (exc.stderr or ""))[-4000:]
    side.seconds = time.monotonic() - started


def _dockwise(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", "check", *args], capture_output=True,
                          text=True, cwd=cwd)


def _cure_user(diff: str) -> str | None:
    added = re.findall(r"^\+USER\s+(\S+)\s*$", diff, re.MULTILINE)
    return added[-1] if added and re.fullmatch(r"\d+(:\d+)?", added[-1]) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smoke(buildah, image: str, spec: dict) -> tuple[bool, str]:
    """(passed, what was seen) for the smoke check ``spec`` of smoke.json, in ``image``."""
    expect = spec["expect"]
    try:
        if "url" in spec:
            port = _free_port()
            with RunningImage(buildah, image, env={"PORT": str(port)}) as app:
                status, body = app.get(f"http://127.0.0.1:{port}{spec['url']}", timeout=SMOKE_TIMEOUT)
                app.terminate(wait=5)
            return status == 200 and expect in body, f"HTTP {status}: {body[:200]!r}"
        with RunningImage(buildah, image, command=spec.get("cmd")) as app:
            code = app.wait(SMOKE_TIMEOUT)
            output = app.output()
        return code == 0 and expect in output, f"exit {code}: {output[-300:]!r}"
    except AssertionError as exc:
        return False, str(exc)[-600:]


def _measure(buildah, side: Side, spec: dict, work: Path) -> None:
    if side.image is None:
        return
    side.size = uncompressed_size(buildah, side.image, work)
    side.user = image_config(buildah, side.image).get("User", "")
    side.smoke_ok, side.smoke_detail = smoke(buildah, side.image, spec)


def verify_args(fixture: Fixture, store: Path) -> list[str]:
    """``--verify`` options proving ``fixture``'s fix with dockwise's own rebuild, in the test store."""
    args = ["--verify", "--builder", "buildah", "--build-store", str(store), "--build-volume", CA_VOLUME]
    if "url" in fixture.smoke:
        return [*args, "--smoke-url", f"http://127.0.0.1:{fixture.smoke['port']}{fixture.smoke['url']}"]
    if "cmd" in fixture.smoke:
        return [*args, "--smoke-cmd", " ".join(fixture.smoke["cmd"])]
    return args


def cure_and_build(buildah, fixture: Fixture, work: Path, *, verify: bool = False) -> Outcome:
    """Build ``fixture`` as written, cure a copy with ``dockwise check --fix --unsafe-fixes``
    (proved by ``--verify`` in the same store first when ``verify``), build the cure, and
    measure both images; the images are removed after measuring."""
    original = copy_project(fixture, work / "original")
    cured = copy_project(fixture, work / "cured")
    outcome = Outcome(fixture, "", "", None)
    _build(buildah, original, f"cure-build-{fixture.name}-before", outcome.before)
    diff = _dockwise("--fix", "--unsafe-fixes", "--diff", "Dockerfile", cwd=cured)
    outcome.cure_user = _cure_user(diff.stdout)
    fix_args = ["--fix", "--unsafe-fixes"]
    if verify:
        fix_args += verify_args(fixture, buildah.root)
    started = time.monotonic()
    fixed = _dockwise(*fix_args, "Dockerfile", cwd=cured)
    if verify:
        outcome.verify_seconds = time.monotonic() - started
    outcome.cure_output = (diff.stdout + diff.stderr)[-6000:] + "\n" + (fixed.stdout + fixed.stderr)[-3000:]
    outcome.dockerfile = (cured / "Dockerfile").read_text()
    if fixed.returncode not in (0, 1):
        outcome.after.failure = f"dockwise check --fix exited {fixed.returncode}:\n{fixed.stderr[-3000:]}"
    else:
        _build(buildah, cured, f"cure-build-{fixture.name}-after", outcome.after)
    for name, side in (("before", outcome.before), ("after", outcome.after)):
        _measure(buildah, side, fixture.smoke, work / f"{name}-size")
    for side in (outcome.before, outcome.after):
        if side.image:
            buildah.run("rmi", "-f", side.image)
    return outcome


def markdown_table(outcomes: list[Outcome]) -> str:
    rows = ["| fixture | shape | before (bytes) | after (bytes) | ratio | user after | smoke after |",
            "|---|---|---:|---:|---:|---|---|"]
    for o in outcomes:
        before, after = o.before.size, o.after.size
        ratio = f"{before / after:.2f}x" if before and after else "-"
        smoke_cell = ("passes" if o.after.smoke_ok else "FAILS") if o.after.image else "no image"
        rows.append(f"| {o.fixture.name} | {o.fixture.shape} | {before or 0:,} | "
                    f"{after or 0:,} | {ratio} | {o.after.user or 'root'} | {smoke_cell} |")
    return "\n".join(rows) + "\n"
