"""Record what `dockwise check` reports over the real corpus, to compare two versions.

    python3 benchmarks/behaviour_snapshot.py record OUT.jsonl [--corpus DIR] [--no-context]
    python3 benchmarks/behaviour_snapshot.py compare OLD.jsonl NEW.jsonl

`record` checks every corpus file (as `benchmarks/corpus.py` lists them, in groups so the
command line stays short) and writes one line per finding: file, code, severity, position
and message, sorted. `compare` prints the findings only one side has, grouped by rule, so a
refactoring that must not change behaviour shows an empty comparison.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

from corpus import DEFAULT_CORPUS, corpus_files

GROUP = 400  # files per dockwise run


def _record(out: Path, corpus: Path, context: bool) -> None:
    files = corpus_files(corpus)
    if not files:
        sys.exit(f"no Dockerfiles under {corpus} (pass --corpus or set DOCKWISE_CORPUS)")
    rows: list[str] = []
    for start in range(0, len(files), GROUP):
        group = files[start:start + GROUP]
        command = [sys.executable, "-m", "dockwise", "check", "--format", "json", "--fail-level", "none"]
        if not context:
            command.append("--no-context")
        done = subprocess.run(command + group, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1, 2):
            sys.exit(f"dockwise failed ({done.returncode}): {done.stderr[-2000:]}")
        document = json.loads(done.stdout)
        for f in document["findings"]:
            rows.append(json.dumps([f["file"], f["line"], f["column"], f["end_line"], f["end_column"],
                                    f["code"], f["severity"], f["message"]], ensure_ascii=False))
        rows.extend(json.dumps(["<error>", e]) for e in document["errors"])
    rows.sort()
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} rows from {len(files)} files -> {out}")


def _compare(old: Path, new: Path) -> int:
    for record in (old, new):
        if not record.is_file() or not record.read_text(encoding="utf-8").strip():
            sys.exit(f"{record}: not a record (make one with `record`)")
    before = set(old.read_text(encoding="utf-8").splitlines())
    after = set(new.read_text(encoding="utf-8").splitlines())
    gone, came = before - after, after - before
    for label, rows in (("only before", gone), ("only after", came)):
        by_code = collections.Counter(json.loads(r)[5] if not r.startswith('["<error>"') else "error"
                                      for r in rows)
        print(f"{label}: {len(rows)} {dict(sorted(by_code.items()))}")
        for row in sorted(rows)[:40]:
            print("  ", row)
    return 1 if gone or came else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    rec.add_argument("--no-context", action="store_true")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        _record(args.out, args.corpus, context=not args.no_context)
        return 0
    return _compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
