#!/usr/bin/env python3
"""Parse every Dockerfile of ../shared/corpus/real with dockwise and with BuildKit's Go parser
(the ``dockerfile`` binding) in the same run; print files/second for both and the ratio.

    python3 benchmarks/parse_corpus.py [--corpus ../shared/corpus/real] [--repeat 3] [--tokens]

Both parsers get the same decoded text, in memory (file reading is not timed). Each pass is
timed with process CPU time and wall time; the best of --repeat passes is reported, which
keeps the figures comparable on a machine shared with other jobs. --tokens also builds the
lossless token list for every file (dockwise builds it lazily, on first use).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dockwise.errors import DockerfileSyntaxError  # noqa: E402
from dockwise.syntax.parser import parse  # noqa: E402


def load(corpus: Path) -> list[str]:
    texts = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.name in ("SOURCES.md", ".dockerignore") or path.name.endswith(".dockerignore"):
            continue
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return texts


def run_dockwise(texts: list[str], tokens: bool) -> None:
    for text in texts:
        try:
            tree = parse(text)
        except DockerfileSyntaxError:
            continue
        if tokens:
            tree.tokens  # noqa: B018 - builds the lazy token list


def run_go(texts: list[str]) -> None:
    import dockerfile

    for text in texts:
        try:
            dockerfile.parse_string(text)
        except dockerfile.GoParseError:
            continue


def best(fn, repeat: int) -> tuple[float, float]:
    """(best CPU seconds, best wall seconds) over ``repeat`` passes."""
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "real")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tokens", action="store_true", help="also build the token list")
    args = parser.parse_args()
    texts = load(args.corpus)
    if not texts:
        print(f"no files under {args.corpus}", file=sys.stderr)
        return 2
    n = len(texts)
    sizes = [len(t) for t in texts]
    print(f"{n} files, {sum(sizes) / 1e6:.1f} M characters (median {statistics.median(sizes):.0f}), "
          f"load average {os.getloadavg()[0]:.1f}")
    rows = [("BuildKit Go parser (dockerfile binding)", best(lambda: run_go(texts), args.repeat)),
            ("dockwise parse", best(lambda: run_dockwise(texts, False), args.repeat))]
    if args.tokens:
        rows.append(("dockwise parse + tokens", best(lambda: run_dockwise(texts, True), args.repeat)))
    go_cpu = rows[0][1][0]
    print(f"{'parser':42} {'files/s (CPU)':>14} {'ms/file':>8} {'files/s (wall)':>15} {'CPU vs Go':>10}")
    for name, (cpu, wall) in rows:
        print(f"{name:42} {n / cpu:14.0f} {1000 * cpu / n:8.3f} {n / wall:15.0f} {cpu / go_cpu:9.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
