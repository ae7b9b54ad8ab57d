#!/usr/bin/env python3
"""The RUN shell model and the ShellCheck integration, timed next to their peers in one run.

    python3 benchmarks/shell_model.py [--corpus ../shared/corpus/real] [--limit 1000] [--sample 300]

1. ``parse_run`` over every RUN of the files, in process, in rounds that alternate with
   tree-sitter's own parse of the same scripts (the floor), best of each kept; then hadolint
   over the same files (whole run / files; it parses every RUN with ShellCheck's parser).
2. ``check_scripts`` on a sample of RUN scripts (one shellcheck process per batch) next to the
   naive way, one shellcheck process per script.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"

from dockwise.model.shell import _parser, parse_run  # noqa: E402
from dockwise.model.shellcheck import check_scripts  # noqa: E402
from dockwise.syntax.parser import parse  # noqa: E402


def corpus_files(corpus: Path, limit: int) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix not in (".md", ".json"))
    if limit:
        files = sorted(random.Random(1).sample(files, min(limit, len(files))))
    return files


def load_runs(files: list[Path]) -> tuple[list[Path], list]:
    kept, runs = [], []
    for path in files:
        try:
            dockerfile = parse(path.read_text(encoding="utf-8"), str(path))
        except Exception:  # unreadable or rejected files are not part of the comparison
            continue
        kept.append(path)
        runs.extend(i for i in dockerfile.instructions if i.keyword == "RUN")
    return kept, runs


def best_of(n: int, fn) -> float:
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def hadolint_seconds(files: list[Path]) -> float | None:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        return None
    start = time.perf_counter()
    for i in range(0, len(files), 2000):
        subprocess.run([hadolint, "--no-fail", *map(str, files[i:i + 2000])],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def naive_shellcheck_seconds(scripts: list) -> float:
    binary = shutil.which("shellcheck")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for n, script in enumerate(scripts):
            name = os.path.join(tmp, f"{n}.sh")
            with open(name, "w", encoding="utf-8") as fh:
                fh.write("# shellcheck shell=sh\n" + script.text)
            subprocess.run([binary, "--format=json1", name], capture_output=True, check=False)
        return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=1000, help="seeded sample of N files (0 = all)")
    ap.add_argument("--sample", type=int, default=300, help="RUN scripts for the ShellCheck comparison")
    ap.add_argument("--rounds", type=int, default=7, help="alternating timing rounds (best kept)")
    args = ap.parse_args()

    files, runs = load_runs(corpus_files(args.corpus, args.limit))
    if not runs:
        print(f"no RUN instructions under {args.corpus}", file=sys.stderr)
        return 2
    _parser()  # load the grammar outside the timings
    scripts = [r.body.encode() for r in runs if not r.json_form]
    model = floor = float("inf")
    for _ in range(args.rounds):  # alternate, so both see the same machine load; keep the best
        model = min(model, best_of(1, lambda: [parse_run(r) for r in runs]))
        floor = min(floor, best_of(1, lambda: [_parser().parse(s) for s in scripts]))
    hadolint = hadolint_seconds(files)

    print(f"files {len(files)}, RUN instructions {len(runs)}")
    print(f"shell model: {model * 1e3 / len(runs):.3f} ms/RUN, {model * 1e3 / len(files):.3f} ms/file")
    print(f"tree-sitter parse alone: {floor * 1e3 / len(runs):.3f} ms/RUN "
          f"(model = {model / floor:.1f}x the bare parse)")
    if hadolint is not None:
        print(f"hadolint whole run: {hadolint * 1e3 / len(files):.1f} ms/file; "
              f"shell model share = {model / hadolint * 100:.2f} % of it ({hadolint / model:.0f}x)")

    parsed = [s for s in (parse_run(r) for r in runs) if s.posix and not s.exec_form and s.text.strip()]
    sample = random.Random(2).sample(parsed, min(args.sample, len(parsed)))
    start = time.perf_counter()
    found = check_scripts(sample)
    batched = time.perf_counter() - start
    naive = naive_shellcheck_seconds(sample)
    print(f"shellcheck on {len(sample)} scripts: batched {batched:.2f} s ({len(found)} findings), "
          f"one process per script {naive:.2f} s, ratio {naive / batched:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
