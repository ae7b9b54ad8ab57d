#!/usr/bin/env python3
"""Where dockwise and hadolint agree, code by code, on real Dockerfiles -- and what each costs.

    python3 benchmarks/hadolint_agreement.py [--limit 300] [--codes DL3002,DL3025,...]

Runs hadolint (one process per chunk of files, JSON output) and dockwise's rules that carry a
``hadolint:DLxxxx`` alias or a DL code, in the same run over the same seeded sample of
``../shared/corpus/real``. For every shared code it prints the (file, line) pairs both flag,
those only hadolint flags and those only dockwise flags, then both tools' time per file.
hadolint's ShellCheck pass (SC codes) is left out of the comparison, not of its timing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_CORPUS, require_hadolint, sample_corpus  # noqa: E402
sys.path.insert(0, str(ROOT / "src"))
CHUNK = 500



def run_hadolint(hadolint: str, files: list[str]) -> tuple[float, dict[str, set]]:
    found: dict[str, set] = defaultdict(set)
    start = time.perf_counter()
    for i in range(0, len(files), CHUNK):
        out = subprocess.run([hadolint, "--no-fail", "--format", "json", *files[i:i + CHUNK]],
                             capture_output=True, text=True).stdout
        try:
            items = json.loads(out or "[]")
        except ValueError:
            continue
        for item in items:
            found[item["code"]].add((item["file"], item["line"]))
    return time.perf_counter() - start, found


def dockwise_rules(codes: set[str] | None):
    from dockwise.engine.dockerfile import dockerfile_rules

    table = {}
    for rule in dockerfile_rules():
        names = {rule.info.code} | {a.split(":", 1)[1] for a in rule.info.aliases if a.startswith("hadolint:")}
        for code in names:
            if code.startswith("DL") and (codes is None or code in codes):
                table[rule] = code
    return table


def run_dockwise(files: list[str], table) -> tuple[float, dict[str, set]]:
    from dockwise.engine.dockerfile import CheckOptions, Engine, catalogue_index

    engine = Engine(list(table), CheckOptions(context=False, use_config=False, keep_source=False),
                    index=catalogue_index())
    by_code = {rule.info.code: code for rule, code in table.items()}
    reports = []
    start = time.perf_counter()
    for path in files:
        reports.append(engine.check_path(path))
    elapsed = time.perf_counter() - start
    found: dict[str, set] = defaultdict(set)
    for path, report in zip(files, reports):
        starts = instruction_starts(path)
        for f in report.findings:
            found[by_code.get(f.code, f.code)].add((path, starts.get(f.location.line, f.location.line)))
    return elapsed, found


def instruction_starts(path: str) -> dict[int, int]:
    """line -> first line of the instruction covering it: hadolint reports instruction lines,
    dockwise the exact token (a command on a continuation line), so compare by instruction."""
    from dockwise.syntax import parse_dockerfile

    try:
        tree = parse_dockerfile(Path(path).read_text(encoding="utf-8"), path=path)
    except Exception:  # noqa: BLE001 - files dockwise rejects have no findings to map
        return {}
    return {line: instr.line for instr in tree.instructions
            for line in range(instr.line, instr.end_line + 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=300, help="seeded random sample size (0: all)")
    parser.add_argument("--codes", default="", help="comma-separated DL codes (default: every shared one)")
    parser.add_argument("--show", action="store_true", help="list the (file, line) pairs the tools disagree on")
    args = parser.parse_args()
    hadolint = require_hadolint()
    files = sample_corpus(args.corpus, args.limit)
    table = dockwise_rules(set(args.codes.split(",")) if args.codes else None)
    h_time, h_found = run_hadolint(hadolint, files)
    d_time, d_found = run_dockwise(files, table)
    print(f"{len(files)} files; {len(set(table.values()))} shared codes")
    print(f"{'code':8} {'both':>6} {'only hadolint':>14} {'only dockwise':>14}")
    agree = total = 0
    for code in sorted(set(table.values())):
        h, d = h_found.get(code, set()), d_found.get(code, set())
        agree += len(h & d)
        total += len(h | d)
        print(f"{code:8} {len(h & d):6} {len(h - d):14} {len(d - h):14}")
        if args.show:
            for who, pairs in (("hadolint", h - d), ("dockwise", d - h)):
                for path, line in sorted(pairs):
                    print(f"    only {who}: {path}:{line}")
    print(f"agreement (both / either): {agree}/{total} = {agree / max(total, 1):.1%}")
    n = len(files)
    print(f"hadolint (whole run, all its rules): {h_time * 1000 / n:.2f} ms/file")
    print(f"dockwise (parse + model + these {len(table)} rules): {d_time * 1000 / n:.2f} ms/file")
    print(f"ratio hadolint / dockwise: {h_time / max(d_time, 1e-9):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
