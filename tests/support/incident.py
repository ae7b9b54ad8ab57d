"""The incident project: a Python service shaped like the one in the post-mortem (a full Python
base, ``COPY . /app`` of a folder holding ``.git``, a virtualenv, a 150 MB CSV and a log, an apt
layer of compilers, pip install, root, shell-form ``CMD``), and the expert's hand fix of it.
The project names its Python (``.python-version``: 3.11, as pyenv writes it), which is how
the slim image of the same Python can be chosen without a guess.

The sources are in ``tests/fixtures/incident``; the bulky parts of the folder (the git history,
the virtualenv, the data and the log) are made here, never committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "incident"
CSV_BYTES = 150 * 1000 * 1000
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# RUNs that reach PyPI verify its certificate with the host's CA bundle
CA_VOLUME = f"{CA_BUNDLE}:{CA_BUNDLE}:ro"


def make_project(kind: str, dest: Path) -> Path:
    """``kind`` ("crime" or "expert"): its Dockerfile (and .dockerignore), the service's
    sources, and the clutter a developer's folder holds."""
    dest.mkdir(parents=True)
    for source in ("main.py", "requirements.txt", ".python-version"):
        shutil.copy2(FIXTURES / "crime" / source, dest / source)
    for item in (FIXTURES / kind).iterdir():
        if item.name != ".python-version":
            shutil.copy2(item, dest / item.name)
    _clutter(dest)
    return dest


def _clutter(dest: Path) -> None:
    git = ["git", "-C", str(dest), "-c", "user.name=dev", "-c", "user.email=dev@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "service"], check=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dest / "venv")], check=True)
    (dest / "venv" / "lib" / "pad.bin").write_bytes(b"\0" * (8 << 20))  # what pip installs weighs
    row = b"2024-01-01T00:00:00Z,sensor-0042,23.125,ok,the quick brown fox jumps over the lazy dog\n"
    with open(dest / "measurements.csv", "wb") as fh:
        fh.write(b"time,sensor,value,status,note\n")
        chunk = row * (1 << 14)
        for _ in range(CSV_BYTES // len(chunk)):
            fh.write(chunk)
    (dest / "debug.log").write_text("DEBUG request served\n" * 100_000)
