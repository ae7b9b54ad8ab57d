#!/usr/bin/env python3
"""What a plain text check pays to count the restructuring in its summary.

    python3 benchmarks/summary_plan_cost.py [--corpus ../shared/corpus/real] [--limit 1000] [--repeat 5]

A plain ``dockwise check`` in text plans the cure of each file (without fixing) so that "N more
with --fix --unsafe-fixes" counts what the restructuring would fix. This runs the same seeded
sample in-process with that planning on and off, alternating, ``--repeat`` times each, and
prints the best CPU time per file of each and the ratio (CPU time, so other processes on the
machine weigh less than in wall time).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_CORPUS, sample_corpus  # noqa: E402


def cpu_seconds(texts: list[tuple[str, str]], count_cure: bool) -> tuple[float, int]:
    from dockwise.engine.dockerfile import CheckOptions, Engine

    engine = Engine(options=CheckOptions(context=False, count_cure=count_cure))
    start = time.process_time()
    promised = 0
    for path, text in texts:
        report = engine.check_text(text, path)
        promised += sum(1 for f in report.findings if f.fix is not None)
    return time.process_time() - start, promised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = [(p, Path(p).read_text(encoding="utf-8", errors="surrogateescape"))
             for p in sample_corpus(args.corpus, args.limit)]
    cpu_seconds(texts[:50], True)  # imports and caches warm, both ways
    best = {False: float("inf"), True: float("inf")}
    promised = {}
    for _ in range(args.repeat):
        for mode in (False, True):
            seconds, promised[mode] = cpu_seconds(texts, mode)
            best[mode] = min(best[mode], seconds)
    n = len(texts)
    print(f"{n} files, best of {args.repeat}, CPU ms/file")
    print(f"  without planning: {best[False] * 1000 / n:.2f} ms/file, fixable findings {promised[False]:,}")
    print(f"  with planning:    {best[True] * 1000 / n:.2f} ms/file, fixable findings {promised[True]:,}")
    print(f"  cost: {best[True] / best[False]:.3f}x")


if __name__ == "__main__":
    main()
