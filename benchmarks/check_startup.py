#!/usr/bin/env python3
"""Wall time of `dockwise check` on one small Dockerfile, against hadolint on the same file.

    python3 benchmarks/check_startup.py [--runs 20]

Each command runs --runs times in alternation; the median and minimum wall times are printed,
with a bare `python3 -c pass` as the interpreter's floor. The budget is 150 ms for dockwise.
Run it with the interpreter dockwise is installed in; the `dockwise` console script next to it
(what users type) is timed too when it exists. The first line says how that dockwise is
installed (regular or editable) and how many of its modules have cached bytecode: an editable
install's modules are compiled by their first run (none when PYTHONDONTWRITEBYTECODE is set),
a regular install's by pip.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SMALL = """\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
CMD ["python", "app.py"]
"""


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def describe_install() -> str:
    """``dockwise <dir>: regular|editable install, N of M modules with cached bytecode``."""
    import importlib.util
    import os

    probe = subprocess.run([sys.executable, "-c", "import dockwise; print(dockwise.__file__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return "dockwise is not importable by " + sys.executable
    package = os.path.dirname(probe.stdout.strip())
    kind = "regular" if "site-packages" in package.split(os.sep) else "editable"
    sources = [os.path.join(d, f) for d, _, files in os.walk(package) for f in files if f.endswith(".py")]
    cached = sum(os.path.exists(importlib.util.cache_from_source(s)) for s in sources)
    return f"dockwise {package}: {kind} install, {cached} of {len(sources)} modules with cached bytecode"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(describe_install())
    with tempfile.TemporaryDirectory() as tmp:
        dockerfile = Path(tmp) / "Dockerfile"
        dockerfile.write_text(SMALL)
        commands = {
            "python3 -c pass": [sys.executable, "-c", "pass"],
            "dockwise check": [sys.executable, "-m", "dockwise", "check", str(dockerfile)],
            "dockwise check --no-context": [sys.executable, "-m", "dockwise", "check", "--no-context",
                                            str(dockerfile)],
        }
        script = Path(sys.executable).with_name("dockwise")
        if script.exists():
            commands["dockwise check (console script)"] = [str(script), "check", str(dockerfile)]
        hadolint = shutil.which("hadolint")
        if hadolint:
            commands["hadolint"] = [hadolint, "--no-fail", str(dockerfile)]
        for command in commands.values():  # warm the page cache and bytecode caches
            wall(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(wall(command))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        print(f"{name:34s} {1000 * median:7.1f} ms median, {1000 * min(times[name]):7.1f} ms min "
              f"(of {args.runs})")
    if "hadolint" in medians:
        print(f"ratio hadolint / dockwise check: {medians['hadolint'] / medians['dockwise check']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
