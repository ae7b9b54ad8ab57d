"""The README's Quick start works as written on a fresh checkout: the first command line of its
first ``sh`` block is run, unchanged, in a clean copy of this checkout -- it creates a
virtualenv, installs dockwise into it with pip and checks the bundled example. pip reaches
PyPI for the dependencies (its cache is reused). Slow (~30 s), reads no corpus."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
# `file:line:col: CODE [severity] message`, or `file: CODE ...` for a finding about the whole
# .dockerignore (one the context lacks)
FINDING = re.compile(r"^examples/python-service/(Dockerfile:\d+:\d+|\.dockerignore): "
                     r"(DL\d{4}|DW\d{3}|DC\d{3}) \[(error|warning|info|style)\] \S")
SUMMARY = re.compile(r"^\d+ findings \([^)]*\) in 1 file")


def quick_start_command() -> str:
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Quick start has a sh block"
    return block.group(1).splitlines()[0]


def clean_copy(dest: str) -> None:
    """The files of this checkout a fresh clone would hold (tracked, and new files not ignored),
    without anything built or installed in it."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode("utf-8", "surrogateescape").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: everything but builds
        names = [os.path.relpath(os.path.join(d, f), ROOT) for d, dirs, files in os.walk(ROOT)
                 for f in files if not _built(os.path.relpath(d, ROOT))]
    for name in names:
        source = os.path.join(ROOT, name)
        if not os.path.lexists(source):  # deleted in the work tree, not yet committed
            continue
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)


def _built(directory: str) -> bool:
    parts = directory.split(os.sep)
    return any(p in (".git", ".venv", "build", "__pycache__") or p.endswith(".egg-info") for p in parts)


@pytest.mark.slow
def test_readme_quick_start_installs_and_checks_the_example(tmp_path):
    command = quick_start_command()
    assert "python3 -m venv" in command and "pip install" in command and "dockwise check" in command
    checkout = tmp_path / "dockwise"
    clean_copy(str(checkout))
    assert (checkout / "LICENSE").is_file() and (checkout / "pyproject.toml").is_file()
    assert not (checkout / ".venv").exists()
    # `python3` is this interpreter (3.11+); the shell is a fresh one, outside any virtualenv
    shim = tmp_path / "bin"
    shim.mkdir()
    os.symlink(_base_python(), shim / "python3")
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["PATH"] = os.pathsep.join([str(shim), "/usr/bin", "/bin"])
    env["NO_COLOR"] = "1"
    result = subprocess.run(["sh", "-c", command], cwd=checkout, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-3000:]  # the example has findings
    lines = result.stdout.splitlines()
    findings = [line for line in lines if FINDING.match(line)]
    assert len(findings) >= 10, result.stdout[-3000:]
    found = {FINDING.match(line).group(2) for line in findings}
    assert {"DL3008", "DL3025", "DC003"} <= found  # unpinned package, shell-form CMD, .env sent
    assert SUMMARY.match(lines[-1]), lines[-1]
    installed = checkout / ".venv" / "bin" / "dockwise"
    assert installed.is_file()
    version = subprocess.run([str(installed), "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("dockwise ")


def _base_python() -> str:
    """The interpreter a virtualenv of this one was made from (``python3 -m venv`` from inside a
    virtualenv would work too, but a user's shell has the system's)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return base if os.path.exists(base) else sys.executable
