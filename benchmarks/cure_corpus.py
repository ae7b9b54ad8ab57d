"""What the cure (`check --fix --unsafe-fixes`) does to real Dockerfiles.

    python3 benchmarks/cure_corpus.py [--limit 800] [--corpus DIR] [--verbose]

For a seeded sample of the corpus (files BuildKit's parser and dockwise both accept), fixes
each file twice in memory -- with the cure, and with the other unsafe fixes only -- and
counts: files the cure restructures (and which transformations), cured files BuildKit's parser
or dockwise reject, files a second fix still changes, files where the cure adds a warning the
other fixes do not, and the rounds the fix loop took. Nothing is written.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from corpus import DEFAULT_CORPUS, sample_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=800, help="files to sample (0: all)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="name each file with a problem")
    args = parser.parse_args()

    import dockerfile  # BuildKit's parser, a test dependency

    import dockwise.engine.dockerfile as engine_module
    from dockwise.config import EMPTY
    from dockwise.engine.dockerfile import CheckOptions, Engine
    from dockwise.syntax import parse_dockerfile

    check = Engine(options=CheckOptions(context=False, use_config=False))
    fixer = Engine(options=CheckOptions(context=False, use_config=False, fix=True, unsafe_fixes=True))
    real_attach = engine_module._attach_cure
    rounds = [0]
    real_check = fixer.check_text

    def counting(*a, **k):
        rounds[0] += 1
        return real_check(*a, **k)

    fixer.check_text = counting  # type: ignore[method-assign]

    def fix(text: str, cure: bool = True) -> str:
        engine_module._attach_cure = real_attach if cure else (lambda *a, **k: [])
        try:
            return fixer._fix(text, "Dockerfile", config=EMPTY, on_disk=False).fixed_text or text
        finally:
            engine_module._attach_cure = real_attach

    def warnings(text: str) -> collections.Counter:
        return collections.Counter(f.code for f in check.check_text(text, "Dockerfile").findings
                                   if f.severity.name in ("WARNING", "ERROR"))

    stats: collections.Counter = collections.Counter()
    steps: collections.Counter = collections.Counter()
    loop_rounds: collections.Counter = collections.Counter()

    def problem(kind: str, path: str, detail: object = "") -> None:
        stats[kind] += 1
        if args.verbose:
            print(f"{kind}: {path} {detail}")

    for path in sample_corpus(args.corpus, args.limit):
        try:
            text = Path(path).read_text(encoding="utf-8")
            dockerfile.parse_string(text)
        except (UnicodeDecodeError, dockerfile.GoParseError):
            continue
        if not check.check_text(text, "Dockerfile").parsed:
            continue
        stats["files"] += 1
        rounds[0] = 0
        cured = fix(text)
        loop_rounds[max(rounds[0] - 1, 0)] += 1
        plain = fix(text, cure=False)
        if cured == plain:
            continue
        stats["restructured"] += 1
        for name in ("AS builder", "USER 10001:10001", "tini"):
            if name in cured and name not in text:
                steps[name] += 1
        try:
            dockerfile.parse_string(cured)
        except dockerfile.GoParseError as exc:
            problem("rejected by BuildKit's parser", path, exc)
        try:
            parse_dockerfile(cured, path)
        except Exception as exc:  # noqa: BLE001
            problem("rejected by dockwise", path, exc)
        if fix(cured) != cured:
            problem("changed by a second fix", path)
        added = warnings(cured) - warnings(plain)
        if added:
            problem("a warning added by the cure", path, dict(added))

    print(f"files checked: {stats['files']}")
    print(f"restructured by the cure: {stats['restructured']} (builder stage {steps['AS builder']}, "
          f"non-root user {steps['USER 10001:10001']}, tini {steps['tini']})")
    for kind in ("rejected by BuildKit's parser", "rejected by dockwise", "changed by a second fix",
                 "a warning added by the cure"):
        print(f"{kind}: {stats[kind]}")
    print("fix-loop rounds (files): " + ", ".join(f"{n}: {c}" for n, c in sorted(loop_rounds.items())))


if __name__ == "__main__":
    sys.exit(main())
