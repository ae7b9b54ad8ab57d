#!/usr/bin/env python3
"""`dockwise check` against hadolint over the real-world corpus, in the same run.

    python3 benchmarks/check_vs_hadolint.py [--corpus ../shared/corpus/real] [--limit N] [--jobs 2]
        [--folder NAME] [--context]

Both tools get the same file list on their command line (in chunks that fit ARG_MAX) and
are timed wall-clock, start-up included. dockwise runs with ``--no-context`` because hadolint
does not look at the build context either; ``--context`` keeps its default build-context
checks, which is what a user runs. ``--folder NAME`` takes the files from one folder of the
corpus (``--limit`` of them, the first in name order): Dockerfiles that share one build
context, the case where reading the context once per directory matters. Prints seconds,
ms/file and the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_CORPUS, corpus_files, require_hadolint, sample_corpus  # noqa: E402
CHUNK = 4000



def timed(commands: list[list[str]]) -> tuple[float, list[int], list[str], list[str], float]:
    """Wall time of running ``commands`` one after the other; exit codes, stdouts, stderrs, and
    the CPU seconds (user + system) the commands and their children used -- the figure that a
    machine busy with other work distorts least."""
    codes, outs, errs = [], [], []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True)
        codes.append(done.returncode)
        outs.append(done.stdout)
        errs.append(done.stderr)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, codes, outs, errs, cpu


def dockwise_summary(outs: list[str], errs: list[str], expected: int) -> str:
    """Proof that dockwise really checked every file: files, findings, error lines."""
    files = findings = 0
    for out in outs:
        try:
            doc = json.loads(out)
        except ValueError:
            first = next((e for e in errs if e.strip()), "").splitlines()[:1]
            raise SystemExit(f"dockwise produced no report: {first}")
        files += len(doc["files"])
        findings += len(doc["findings"])
    error_lines = sum(len(e.splitlines()) for e in errs)
    if files != expected:
        raise SystemExit(f"dockwise reported {files} files, expected {expected}")
    return f"{files} files, {findings} findings, {error_lines} error lines (files BuildKit rejects)"


def folder_files(folder: Path, limit: int) -> list[str]:
    """The first ``limit`` Dockerfiles of one corpus folder (all of them with 0), in name order."""
    files = corpus_files(folder)
    if not files:
        sys.exit(f"no files under {folder}")
    return files[:limit] if limit else files


def chunks(files: list[str]) -> list[list[str]]:
    return [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="a seeded random sample of N files")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folder", help="take the files from this folder of the corpus only")
    parser.add_argument("--context", action="store_true",
                        help="keep dockwise's default build-context checks (no --no-context)")
    args = parser.parse_args()
    hadolint = require_hadolint()
    files = folder_files(args.corpus / args.folder, args.limit) if args.folder else sample_corpus(args.corpus, args.limit)
    dockwise = [sys.executable, "-m", "dockwise", "check", *([] if args.context else ["--no-context"]),
                "--no-config", "--jobs", str(args.jobs), "--format", "json", "--fail-level", "none"]
    ours, our_codes, outs, errs, our_cpu = timed([dockwise + part for part in chunks(files)])
    theirs, their_codes, _, _, their_cpu = timed([[hadolint, "--no-fail", "-f", "json", *part]
                                                  for part in chunks(files)])
    n = len(files)
    print(f"files: {n} (from {args.corpus})")
    print(f"dockwise: {dockwise_summary(outs, errs, n)}")
    print(f"hadolint:                 {theirs:8.2f} s  {1000 * theirs / n:7.2f} ms/file  "
          f"cpu {their_cpu:6.2f} s  exit {sorted(set(their_codes))}")
    print(f"dockwise check --jobs {args.jobs}{'' if args.context else ' --no-context'}: {ours:8.2f} s  "
          f"{1000 * ours / n:7.2f} ms/file  cpu {our_cpu:6.2f} s  exit {sorted(set(our_codes))}")
    print(f"ratio (hadolint / dockwise): {theirs / ours:.2f}x wall, {their_cpu / our_cpu:.2f}x cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
