"""`dockwise check --fix --verify` without a builder: option errors, and reading build logs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def _fake(bin_dir, name: str, info_exit: int = 0) -> None:
    script = bin_dir / name
    script.write_text(f"#!/bin/sh\n[ \"$1\" = info ] && exit {info_exit}\nexit 0\n")
    script.chmod(0o755)


@pytest.mark.parametrize("docker_answers, expected", [(0, "docker"), (1, "buildah")])
def test_a_docker_daemon_that_answers_comes_first_then_buildah(tmp_path, monkeypatch, docker_answers, expected):
    from dockwise.build import find_builder

    _fake(tmp_path, "docker", info_exit=docker_answers)
    _fake(tmp_path, "buildah")
    _fake(tmp_path, "podman")
    monkeypatch.setenv("PATH", str(tmp_path))
    builder = find_builder("auto", store=str(tmp_path / "store"))
    assert builder.name == expected
    assert find_builder("podman").name == "podman"


def test_each_builder_is_asked_for_the_same_build(tmp_path, monkeypatch):
    monkeypatch.delenv("STORAGE_DRIVER", raising=False)
    from dockwise.build.builders import Buildah, Docker, Podman

    common = dict(context="ctx", dockerfile="ctx/Dockerfile", tag="t", ignorefile="ign",
                  build_args=(("V", "1"),), target="run", pull="never")
    buildah = Buildah("buildah", str(tmp_path))._build_args(volumes=("/a:/a:ro",), **common)
    assert buildah == ["bud", "--format", "docker", "--layers", "--pull=never", "-f", "ctx/Dockerfile", "-t", "t",
                       "--ignorefile", "ign", "--build-arg", "V=1", "--target", "run", "--volume", "/a:/a:ro", "ctx"]
    assert Buildah("buildah", str(tmp_path))._command("images")[:7] == [
        "buildah", "--root", str(tmp_path / "storage"), "--runroot", str(tmp_path / "run"),
        "--storage-driver", "vfs"]
    podman = Podman("podman")._build_args(volumes=(), **common)
    assert podman[:3] == ["build", "--format", "docker"] and "--ignorefile" in podman
    docker = Docker("docker")._build_args(volumes=(), **{**common, "ignorefile": None})
    assert docker == ["build", "-f", "ctx/Dockerfile", "-t", "t", "--build-arg", "V=1", "--target", "run", "ctx"]
    with pytest.raises(Exception, match="docker build takes no volumes"):
        Docker("docker")._build_args(volumes=("/a:/a",), **common)


def test_docker_gets_the_fixed_dockerignore_next_to_the_fixed_dockerfile(tmp_path):
    from dockwise.build.builders import Docker

    fake = tmp_path / "docker"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/args\n")
    fake.chmod(0o755)
    (tmp_path / "fixed").mkdir()
    (tmp_path / "ign").write_text(".git\n")
    outcome = Docker(str(fake)).build(str(tmp_path), str(tmp_path / "fixed" / "Dockerfile"),
                                      ignorefile=str(tmp_path / "ign"))
    assert outcome.ok and outcome.image.startswith("localhost/dockwise-verify-")
    assert (tmp_path / "fixed" / "Dockerfile.dockerignore").read_text() == ".git\n"
    assert (tmp_path / "args").read_text().split()[:3] == ["build", "-f", str(tmp_path / "fixed" / "Dockerfile")]


def test_the_fixed_scripts_are_built_from_a_staged_copy_of_what_the_context_sends(tmp_path):
    from dockwise.commands.verify import _staged_context

    context = tmp_path / "ctx"
    (context / "bin").mkdir(parents=True)
    (context / "bin" / "entry.sh").write_text('#!/bin/sh\n"$@"\n')
    (context / "bin" / "entry.sh").chmod(0o750)
    (context / "app.py").write_text("print('hi')\n")
    (context / "big.log").write_text("x" * 1000)
    (context / "Dockerfile").write_text("FROM scratch\n")
    staged = Path(_staged_context(str(context), str(context / "Dockerfile"), "*.log\n",
                                  [(str(context / "bin" / "entry.sh"), '#!/bin/sh\nexec "$@"\n')],
                                  str(tmp_path / "stage")))
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file()) == [
        "Dockerfile", "app.py", "bin/entry.sh"]
    assert (staged / "bin" / "entry.sh").read_text() == '#!/bin/sh\nexec "$@"\n'
    assert (staged / "bin" / "entry.sh").stat().st_mode & 0o777 == 0o750
    assert (context / "bin" / "entry.sh").read_text() == '#!/bin/sh\n"$@"\n'  # the user's file is untouched
    assert (staged / "app.py").read_text() == "print('hi')\n"


def test_a_private_store_is_opened_with_the_driver_it_was_made_with(tmp_path, monkeypatch):
    from dockwise.build.builders import Buildah

    monkeypatch.delenv("STORAGE_DRIVER", raising=False)
    (tmp_path / "made" / "storage" / "overlay-images").mkdir(parents=True)
    assert Buildah("buildah", str(tmp_path / "made"))._command("images")[5:7] == ["--storage-driver", "overlay"]
    assert Buildah("buildah", str(tmp_path / "new"))._command("images")[5:7] == ["--storage-driver", "vfs"]
    monkeypatch.setenv("STORAGE_DRIVER", "overlay")
    assert Buildah("buildah", str(tmp_path / "new"))._command("images")[5:7] == ["--storage-driver", "overlay"]
