"""What `dockwise check --fix --unsafe-fixes` keeps of its promises over the real corpus.

    python3 benchmarks/fix_corpus.py [--limit N] [--corpus DIR] [--show K]

For each file of a seeded sample (``--limit 0``: every file), fixes it with every fix, safe and
unsafe, and checks what ``tests/support/fix_guarantees.py`` lists: the fixed file parses with
dockwise and BuildKit's parser, a second fix changes nothing, no fix brings a new warning or
error, fixes settle within three rounds, no build-breaking shape appears. Prints how many files
each promise fails on, with the first files and why.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

from corpus import DEFAULT_CORPUS, sample_corpus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.fix_guarantees import fix_engine, fix_problems  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=800, help="sample size (0: every file)")
    parser.add_argument("--show", type=int, default=10, help="files to name per promise")
    args = parser.parse_args()
    files = sample_corpus(args.corpus, args.limit)
    engine = fix_engine()
    failing: dict[str, list[str]] = collections.defaultdict(list)
    changed = 0
    started = time.perf_counter()
    for path in files:
        text = Path(path).read_text(encoding="utf-8", errors="surrogateescape")
        did_change, problems = fix_problems(engine, text)
        changed += did_change
        for problem in problems:
            failing[problem.split(":")[0]].append(f"{Path(path).relative_to(args.corpus)}: {problem}")
    seconds = time.perf_counter() - started
    bad = {line.split(": ", 1)[0] for lines in failing.values() for line in lines}
    print(f"{len(files)} files, {changed} changed by the fixes, {len(bad)} break a promise "
          f"({seconds:.0f} s)")
    for promise, lines in sorted(failing.items()):
        print(f"\n{promise}: {len(lines)}")
        for line in lines[:args.show]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
