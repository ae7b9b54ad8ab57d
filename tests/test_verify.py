"""`dockwise check --fix --verify` without a builder: option errors, and reading build logs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dockwise.build.logs import failed_instruction, failed_step, locate_step

DOCKERFILE = """\
FROM debian:12.8
RUN apt-get update \\
 && apt-get install -y make
COPY . /src
RUN make -C /src \\
    all
"""


def test_a_buildah_failure_names_the_line_of_a_continued_instruction():
    log = ('STEP 3/4: COPY . /src\n--> 1ab\nSTEP 4/4: RUN make -C /src     all\nmake: *** No rule\n'
           'Error: building at STEP "RUN make -C /src     all": exit status 2\n')
    assert failed_step(log) == "RUN make -C /src     all"
    assert failed_instruction(log, DOCKERFILE) == (5, "RUN make -C /src \\ ...")


def test_a_buildkit_failure_names_its_line():
    log = ('#8 ERROR: process "/bin/sh -c make -C /src all" did not complete successfully: exit code: 2\n'
           '------\nDockerfile:5\n--------------------\n   4 |     COPY . /src\n'
           '   5 | >>> RUN make -C /src \\\n')
    assert failed_instruction(log, DOCKERFILE) == (5, "RUN make -C /src \\")


def test_a_log_without_a_step_names_no_line():
    assert failed_instruction("Error: no space left on device\n", DOCKERFILE) is None
    assert locate_step("RUN true", DOCKERFILE) is None


def _dockwise(*args: str, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


@pytest.mark.parametrize("args, message", [
    (["--smoke-cmd", "true"], "--smoke-cmd is an option of --verify"),
    (["--fix", "--build-store", "s"], "--build-store is an option of --verify"),
    (["--verify"], "--verify proves fixes by rebuilding: give it with --fix or --diff"),
    (["--fix", "--verify", "--smoke-cmd", "true", "--smoke-url", "http://localhost/"], "give one smoke check"),
    (["--fix", "--verify", "--smoke-url", "localhost:8000"], "give an http:// or https:// URL"),
    (["--fix", "--verify", "--format", "json"], "use it with the text format"),
])
def test_verify_options_that_do_not_go_together_are_one_error_line(tmp_path, args, message):
    (tmp_path / "Dockerfile").write_text("FROM debian:12.8\ncmd [\"true\"]\n")
    proc = _dockwise("check", *args, "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"dockwise: error: {message}"] or message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "Dockerfile").read_text() == "FROM debian:12.8\ncmd [\"true\"]\n"


def test_verify_builds_one_dockerfile_on_disk(tmp_path):
    (tmp_path / "a.Dockerfile").write_text("FROM debian:12.8\ncmd [\"true\"]\n")
    (tmp_path / "b.Dockerfile").write_text("FROM debian:12.8\ncmd [\"true\"]\n")
    proc = _dockwise("check", "--fix", "--verify", ".", cwd=tmp_path)
    assert proc.returncode == 2 and "--verify builds one Dockerfile at a time; 2 were found" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "dockwise", "check", "--fix", "--verify", "-"],
                          input="FROM debian:12.8\n", capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and "give a file on disk, not stdin" in proc.stderr


def test_no_builder_is_one_error_line_and_nothing_is_written(tmp_path):
    text = "FROM debian:12.8\ncmd [\"true\"]\n"
    (tmp_path / "Dockerfile").write_text(text)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    proc = _dockwise("check", "--fix", "--verify", "Dockerfile", cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert "dockwise: error: no image builder can run here (docker: not installed; buildah: not " \
           "installed; podman: not installed): install buildah, podman or Docker" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "Dockerfile").read_text() == text


def test_nothing_to_fix_builds_nothing(tmp_path):
    text = 'FROM debian:12.8\nCMD ["true"]\n'
    (tmp_path / "Dockerfile").write_text(text)
    env = {**os.environ, "PATH": str(tmp_path)}  # no builder: it must not be needed
    proc = _dockwise("check", "--fix", "--verify", "--select", "DW905", "Dockerfile", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "No fixes available: nothing to verify." in proc.stderr
