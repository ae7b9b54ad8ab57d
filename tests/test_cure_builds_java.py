"""The Java shape of the cure, proven by building: each Java project of tests/cure_builds is built
as its author wrote it (the build image shipped, root, shell-form ``CMD``...), then goes through
``dockwise check --fix --unsafe-fixes`` with no human edit, and the fixed file must split the
build from an ``eclipse-temurin`` JRE runtime, build, weigh no more than the original, and pass
the project's smoke check (``smoke.json``: ``{"url": ..., "expect": ...}`` for a service
listening on $PORT, ``{"cmd": [...], "expect": ...}`` for the arguments a CLI is run with, as
``docker run IMAGE ARGS`` gives them, and a substring of its output).

The base images are local stand-ins made from Debian (tests/support/java_bases.py); Maven
resolves its plugins from Debian's repository, so each pom pins plugin versions Debian ships.
Sizes are the sum of the image's uncompressed layer tars. Run alone with ``pytest -s`` to see
them.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.support.runimage import RunningImage

pytestmark = pytest.mark.buildah

BUILDS = Path(__file__).parent / "cure_builds"
CASES = sorted(p.name for p in BUILDS.iterdir() if p.is_dir() and p.name.startswith("java-"))
BUILD_ARGS = ("--pull=never",)
RUNTIME_FROM = "FROM eclipse-temurin:17-jre"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _uncompressed_size(buildah, image: str, dest: Path) -> int:
    """The sum of the image's layer tars as ``docker save`` writes them."""
    buildah.run("push", "--quiet", image, f"docker-archive:{dest}:x:latest")
    try:
        with tarfile.open(dest) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            return sum(tar.getmember(name).size for name in manifest[0]["Layers"])
    finally:
        dest.unlink()


def _build(buildah, context: Path, tag: str) -> tuple[str | None, str]:
    """(image, "") or (None, the end of the build log)."""
    try:
        return buildah.build(context, tag, extra_args=BUILD_ARGS), ""
    except subprocess.CalledProcessError as exc:
        return None, ((exc.stdout or "") + (exc.stderr or ""))[-4000:]


def smoke(buildah, image: str, spec: dict) -> str:
    """What the image answers: the body at ``spec["url"]`` (the app listening on $PORT), or the
    output of its entrypoint run with ``spec["cmd"]`` as its arguments."""
    if "url" in spec:
        port = _free_port()
        with RunningImage(buildah, image, env={"PORT": str(port)}) as app:
            status, body = app.get(f"http://127.0.0.1:{port}{spec['url']}")
            assert status == 200, f"{spec['url']} answered {status}: {body}"
            return body
    runner = RunningImage(buildah, image)
    runner.config = {**runner.config, "Cmd": list(spec["cmd"])}
    with runner as app:
        code = app.process.wait(timeout=60)
        output = app.output()
        assert code == 0, f"the entrypoint exited {code}: {output}"
        return output


@pytest.fixture(scope="module")
def outcomes(buildah, java_bases, tmp_path_factory):
    """Each case built before and after the cure, with its smoke check run on both; computed
    once per case on first use."""
    root = tmp_path_factory.mktemp("cure-builds-java")
    done: dict[str, dict] = {}

    def outcome(case: str) -> dict:
        if case in done:
            return done[case]
        spec = json.loads((BUILDS / case / "smoke.json").read_text())
        result = {"spec": spec}
        for kind in ("original", "fixed"):
            project = root / case / kind
            shutil.copytree(BUILDS / case, project)
            (project / "smoke.json").unlink()
            if kind == "fixed":
                cured = subprocess.run(
                    [sys.executable, "-m", "dockwise", "check", "--fix", "--unsafe-fixes", "Dockerfile"],
                    capture_output=True, text=True, cwd=project)
                assert cured.returncode in (0, 1), cured.stderr  # fixed; findings may remain
            started = time.monotonic()
            image, log = _build(buildah, project, f"{case}-{kind}")
            built = time.monotonic()
            result[kind] = {"dockerfile": (project / "Dockerfile").read_text(), "image": image, "log": log}
            if image:
                result[kind]["size"] = _uncompressed_size(buildah, image, root / f"{case}-{kind}.tar")
                try:
                    result[kind]["smoke"] = smoke(buildah, image, spec)
                except AssertionError as exc:
                    result[kind]["smoke_failure"] = str(exc)
                print(f"\n{case} {kind}: built in {built - started:.0f} s, sized and run in "
                      f"{time.monotonic() - built:.0f} s")
        done[case] = result
        if result["original"].get("size") and result["fixed"].get("size"):
            before, after = result["original"]["size"], result["fixed"]["size"]
            print(f"\n{case}: {before:,} -> {after:,} bytes uncompressed ({before / after:.2f}x smaller)")
        return result

    yield outcome
    for result in done.values():
        for kind in ("original", "fixed"):
            if result[kind]["image"]:
                buildah.run("rmi", "-f", result[kind]["image"])


def _built(result: dict, kind: str) -> dict:
    built = result[kind]
    if built["image"] is None:
        pytest.fail(f"the {kind} Dockerfile does not build:\n{built['dockerfile']}\n{built['log']}")
    return built


@pytest.mark.parametrize("case", CASES)
def test_the_original_build_runs(outcomes, case):
    """The fixture itself is sound: what the cure starts from builds and passes its smoke check."""
    result = outcomes(case)
    original = _built(result, "original")
    assert "smoke_failure" not in original, original.get("smoke_failure")
    assert result["spec"]["expect"] in original["smoke"]


@pytest.mark.parametrize("case", CASES)
def test_the_cure_moves_the_build_off_the_runtime(outcomes, case):
    fixed = outcomes(case)["fixed"]["dockerfile"]
    assert " AS builder" in fixed and RUNTIME_FROM in fixed.splitlines(), fixed


@pytest.mark.parametrize("case", CASES)
def test_the_fixed_build_builds_and_passes_its_smoke_check(outcomes, case):
    result = outcomes(case)
    fixed = _built(result, "fixed")
    assert "smoke_failure" not in fixed, fixed["dockerfile"] + "\n" + fixed.get("smoke_failure", "")
    assert result["spec"]["expect"] in fixed["smoke"], fixed["smoke"]


@pytest.mark.parametrize("case", CASES)
def test_the_fixed_image_is_not_larger(outcomes, case):
    result = outcomes(case)
    before, after = _built(result, "original")["size"], _built(result, "fixed")["size"]
    assert after <= before, f"{case}: the cure grew the image from {before:,} to {after:,} bytes"
