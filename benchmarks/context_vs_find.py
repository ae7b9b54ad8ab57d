"""Benchmark: `dockwise context --list` next to `find` over the same generated build context.

    python3 benchmarks/context_vs_find.py [--files 200000] [--dir /tmp/dockwise-bench-context] [--runs 5]

Generates (once) a tree of N files shaped like a real repository -- sources, tests, a .git
object store, node_modules, __pycache__ directories, logs and build output -- with a realistic
.dockerignore (exceptions included), then times both tools in the same run, alternating, warm
cache, and prints the medians and the ratio. Output of both goes to /dev/null.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

DOCKERIGNORE = """\
# VCS and dependencies
.git
**/node_modules
!node_modules/keep-me
**/__pycache__
**/*.pyc
*.log
logs
dist/**
!dist/manifest.json
.venv
coverage
**/.pytest_cache
"""

# share of files per area (sums to 1)
AREAS = [("src", 0.30), ("tests", 0.10), ("node_modules", 0.30), (".git/objects", 0.15),
         ("pkgcache", 0.05), ("logs", 0.03), ("dist", 0.04), (".venv/lib", 0.03)]


def generate(root: str, total: int) -> None:
    marker = os.path.join(root, ".complete")
    if os.path.exists(marker) and open(marker).read() == str(total):
        return
    shutil.rmtree(root, ignore_errors=True)
    made = 0
    for area, share in AREAS:
        count = int(total * share)
        for i in range(count):
            d1, d2 = i // 400, (i // 20) % 20
            if area == "pkgcache":
                rel = f"src/m{d1}/__pycache__/f{i}.cpython-311.pyc"
            elif area == "logs":
                rel = f"logs/{d1}/run{i}.log"
            else:
                rel = f"{area}/d{d1}/s{d2}/f{i}.txt"
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write("x")
            made += 1
    for i in range(total - made):
        path = os.path.join(root, "misc", f"f{i}.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").close()
    os.makedirs(os.path.join(root, "node_modules", "keep-me"), exist_ok=True)
    open(os.path.join(root, "node_modules", "keep-me", "index.js"), "w").close()
    with open(os.path.join(root, ".dockerignore"), "w") as fh:
        fh.write(DOCKERIGNORE)
    with open(os.path.join(root, "Dockerfile"), "w") as fh:
        fh.write("FROM python:3.12-slim\nCOPY . /app\n")
    with open(marker, "w") as fh:
        fh.write(str(total))


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--dir", default="/tmp/dockwise-bench-context")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    generate(args.dir, args.files)
    find = ["find", args.dir]
    dockwise = [sys.executable, "-m", "dockwise", "context", "--list", args.dir]
    listed = subprocess.run(dockwise, capture_output=True, check=True).stdout.count(b"\n")
    timed(find), timed(dockwise)  # warm the page cache
    find_times, dw_times = [], []
    for _ in range(args.runs):
        find_times.append(timed(find))
        dw_times.append(timed(dockwise))
    f, d = statistics.median(find_times), statistics.median(dw_times)
    print(f"tree: {args.files} files in {args.dir}; dockwise lists {listed} paths as sent")
    print(f"find {args.dir}:                 median {f * 1000:7.1f} ms over {args.runs} runs")
    print(f"dockwise context --list:  median {d * 1000:7.1f} ms over {args.runs} runs")
    print(f"ratio dockwise/find: {d / f:.2f}x")


if __name__ == "__main__":
    main()
