#!/usr/bin/env python3
"""Write docs/rules/<CODE>.md for every rule and docs/rules/README.md (the index).

Run after adding or changing a rule: ``python3 scripts/gen_rule_docs.py``. ``--check`` only
reports whether the folder is up to date (exit 1 if not). Stale pages of removed rules are
deleted.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dockwise.catalog import rule_infos  # noqa: E402
from dockwise.inputs import atomic_write  # noqa: E402
from dockwise.report.ruledocs import rule_docs  # noqa: E402

DOCS = ROOT / "docs" / "rules"


def out_of_date(expected: dict[str, str]) -> list[str]:
    problems = []
    for name, text in expected.items():
        path = DOCS / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            problems.append(name)
    problems += sorted(p.name for p in DOCS.glob("*.md") if p.name not in expected)
    return problems


def main(argv: list[str]) -> int:
    expected = rule_docs(rule_infos())
    if "--check" in argv:
        stale = out_of_date(expected)
        for name in stale:
            print(f"docs/rules/{name} is out of date", file=sys.stderr)
        return 1 if stale else 0
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, text in expected.items():
        path = DOCS / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write(path, text)
    for path in DOCS.glob("*.md"):
        if path.name not in expected:
            path.unlink()
    print(f"docs/rules: {len(expected) - 1} rule pages and the index are up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
