#!/usr/bin/env python3
"""Cost of the build model (``dockwise.model.build_model``) next to hadolint, in the same run.

    python3 benchmarks/model_build.py [--corpus ../shared/corpus/real] [--limit 300] [--repeat 20]

For a seeded sample of real Dockerfiles: hadolint's wall time per file (one process over all
files, start-up included), dockwise's parse time per file and build-model time per file
(in-process, best of ``--repeat`` runs), and BuildKit's own Go parser through the ``dockerfile``
binding for scale. Also the median model time of the files with 20-40 lines ("a typical
30-line file", budget 0.3 ms). Prints milliseconds and ratios.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"


def sample(corpus: Path, limit: int) -> list[Path]:
    files = sorted(p for p in corpus.rglob("*") if p.is_file()
                   and p.name not in ("SOURCES.md", "SOURCE.md") and not p.name.endswith(".dockerignore"))
    return sorted(random.Random(1).sample(files, min(limit, len(files))))


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from dockwise.errors import DockwiseError
    from dockwise.model import build_model
    from dockwise.syntax import parse_dockerfile

    texts: list[tuple[Path, str, object]] = []
    for path in sample(args.corpus, args.limit):
        text = path.read_text(encoding="utf-8")
        try:
            texts.append((path, text, parse_dockerfile(text)))
        except DockwiseError:
            continue
    if not texts:
        print(f"no parsable files under {args.corpus}", file=sys.stderr)
        return 2
    n = len(texts)

    parse_s = best_time(lambda: [parse_dockerfile(t) for _, t, _ in texts], max(1, args.repeat // 4))
    model_s = best_time(lambda: [build_model(tree) for _, _, tree in texts], args.repeat)
    typical = [best_time(lambda tree=tree: build_model(tree), args.repeat * 5)
               for _, text, tree in texts if 20 <= text.count("\n") <= 40]

    go_s = None
    try:
        import dockerfile  # BuildKit's parser (Go) through a Python binding
        go_s = best_time(lambda: [dockerfile.parse_string(t) for _, t, _ in texts], max(1, args.repeat // 4))
    except ImportError:
        pass

    hadolint_s = None
    hadolint = shutil.which("hadolint")
    if hadolint:
        start = time.perf_counter()
        subprocess.run([hadolint, "--no-fail", *[str(p) for p, _, _ in texts]],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hadolint_s = time.perf_counter() - start

    ms = lambda seconds: seconds * 1000 / n  # noqa: E731
    print(f"files: {n} parsable of a {args.limit}-file sample")
    print(f"dockwise parse      {ms(parse_s):8.3f} ms/file")
    print(f"dockwise model      {ms(model_s):8.3f} ms/file")
    if typical:
        print(f"  20-40 line files  {statistics.median(typical) * 1000:8.3f} ms median model build ({len(typical)} files)")
    if go_s is not None:
        print(f"BuildKit Go parse   {ms(go_s):8.3f} ms/file (binding)")
    if hadolint_s is not None:
        print(f"hadolint            {ms(hadolint_s):8.3f} ms/file (whole run / files)")
        print(f"ratio hadolint / (dockwise parse + model): {hadolint_s / (parse_s + model_s):.1f}x")
        print(f"model share of hadolint's time per file:  {model_s / hadolint_s * 100:.2f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
