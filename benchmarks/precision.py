#!/usr/bin/env python3
"""Per-rule precision of `dockwise check` on a hand-judged sample of the real corpus.

    python3 benchmarks/precision.py sample            # the sample's file list (fixed seed)
    python3 benchmarks/precision.py findings          # its warnings/errors, judged or not
    python3 benchmarks/precision.py report [--markdown] [--set judged|holdout]

The sample is reproducible: from every source folder of the corpus a fixed number of files is
drawn with a fixed seed (``PER_SOURCE``, more from the three large crawled collections), so it
spreads over official images, curated collections and hobby projects alike. ``findings`` runs
``dockwise check --no-context`` on it (the corpus keeps the Dockerfiles, not their build
contexts) and prints every finding at warning or error with its verdict from
``tests/fixtures/precision/judgments.jsonl`` (``?`` when not judged yet; a row is ``file``,
``code``, ``line``, ``verdict``, ``reason``, and ``still_reported`` for a known false alarm not
fixed yet). ``report`` prints
the precision per rule: strict (a true finding only; an intended one, true but clearly what
the author meant, counts as wrong) and lenient (intended counts as right).

``--set holdout`` uses a second sample (2 files per source, another seed, none of the first
sample's files) judged only after the rules were changed: the check that the fixes made while
reading the first sample hold on files they were not tuned on.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_CORPUS, corpus_files  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
JUDGMENTS = ROOT / "tests" / "fixtures" / "precision" / "judgments.jsonl"
HOLDOUT_JUDGMENTS = ROOT / "tests" / "fixtures" / "precision" / "holdout.jsonl"
HOLDOUT_SEED = 2026
PER_SOURCE_HOLDOUT = 2
SEED = 11
PER_SOURCE = 3
PER_LARGE_SOURCE = 8  # the crawled collections hold most of the corpus and most hobby projects
LARGE_SOURCES = {"vsoch__github-dockerfiles", "STAR-RG__shipwright", "yinyuanzhang__dockerfiles"}
JUDGED_SEVERITIES = ("warning", "error")
VERDICTS = ("true", "false", "intended")


def sample(corpus: Path) -> list[str]:
    """The judged files, as paths relative to ``corpus``, in a stable order."""
    by_source: dict[str, list[str]] = collections.defaultdict(list)
    for path in corpus_files(corpus):
        relative = Path(path).relative_to(corpus)
        by_source[relative.parts[0]].append(str(relative))
    rng = random.Random(SEED)
    chosen: list[str] = []
    for source in sorted(by_source):
        files = sorted(by_source[source])
        count = PER_LARGE_SOURCE if source in LARGE_SOURCES else PER_SOURCE
        chosen.extend(sorted(rng.sample(files, min(count, len(files)))))
    return chosen


def holdout_sample(corpus: Path) -> list[str]:
    """The second sample: ``PER_SOURCE_HOLDOUT`` files per source, none from :func:`sample`."""
    taken = set(sample(corpus))
    by_source: dict[str, list[str]] = collections.defaultdict(list)
    for path in corpus_files(corpus):
        relative = str(Path(path).relative_to(corpus))
        if relative not in taken:
            by_source[relative.split("/", 1)[0]].append(relative)
    rng = random.Random(HOLDOUT_SEED)
    chosen: list[str] = []
    for source in sorted(by_source):
        files = sorted(by_source[source])
        chosen.extend(sorted(rng.sample(files, min(PER_SOURCE_HOLDOUT, len(files)))))
    return chosen


SETS = {"judged": (sample, JUDGMENTS), "holdout": (holdout_sample, HOLDOUT_JUDGMENTS)}


def run_check(corpus: Path, files: list[str], python: str = sys.executable) -> list[dict]:
    """The warning and error findings of `dockwise check` on ``files`` (relative to ``corpus``),
    each as ``{file, code, line, severity, message}`` with ``file`` relative."""
    command = [python, "-m", "dockwise", "check", "--no-context", "--format", "json",
               "--fail-level", "none", *(str(corpus / f) for f in files)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1, 2) or not done.stdout.strip():
        sys.exit(f"dockwise check failed ({done.returncode}): {done.stderr[-2000:]}")
    document = json.loads(done.stdout)
    crashes = [e for e in document["errors"] if "internal error" in str(e)]
    if crashes:
        sys.exit(f"dockwise crashed: {crashes[:3]}")
    found = []
    for f in document["findings"]:
        if f["severity"] in JUDGED_SEVERITIES:
            found.append({"file": str(Path(f["file"]).relative_to(corpus)), "code": f["code"],
                          "line": f["line"], "severity": f["severity"], "message": f["message"]})
    return found


def load_judgments(path: Path = JUDGMENTS) -> dict[tuple[str, str, int], dict]:
    judged = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            judged[(row["file"], row["code"], row["line"])] = row
    return judged


def precision_table(found: list[dict], judged: dict) -> tuple[dict, list[dict]]:
    """Per rule: counts of true/intended/false among today's findings; and the unjudged ones."""
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    unjudged = []
    for f in found:
        row = judged.get((f["file"], f["code"], f["line"]))
        if row is None:
            unjudged.append(f)
            continue
        table[f["code"]][row["verdict"]] += 1
    return table, unjudged


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def report(table: dict, markdown: bool) -> str:
    lines = []
    total = collections.Counter()
    rows = sorted(table.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    if markdown:
        lines += ["| rule | findings | true | intended | false | strict | lenient |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
    for code, counts in rows:
        n = sum(counts.values())
        total.update(counts)
        cells = [code, n, counts["true"], counts["intended"], counts["false"],
                 _pct(counts["true"], n), _pct(counts["true"] + counts["intended"], n)]
        lines.append("| " + " | ".join(map(str, cells)) + " |" if markdown
                     else "{:8} {:>4} {:>4} {:>4} {:>4} {:>6} {:>6}".format(*cells))
    n = sum(total.values())
    cells = ["all", n, total["true"], total["intended"], total["false"],
             _pct(total["true"], n), _pct(total["true"] + total["intended"], n)]
    lines.append("| " + " | ".join(f"**{c}**" for c in cells) + " |" if markdown
                 else "{:8} {:>4} {:>4} {:>4} {:>4} {:>6} {:>6}".format(*cells))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("sample", "findings", "report"))
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--set", choices=sorted(SETS), default="judged")
    args = parser.parse_args()
    pick, judgments = SETS[args.set]
    files = pick(args.corpus)
    if not files:
        sys.exit(f"no Dockerfiles under {args.corpus} (set DOCKWISE_CORPUS)")
    if args.command == "sample":
        print("\n".join(files))
        return 0
    found = run_check(args.corpus, files)
    judged = load_judgments(judgments) if judgments.is_file() else {}
    if args.command == "findings":
        for f in found:
            row = judged.get((f["file"], f["code"], f["line"]))
            print(json.dumps({**f, "verdict": row["verdict"] if row else "?"}, ensure_ascii=False))
        return 0
    table, unjudged = precision_table(found, judged)
    print(f"{len(files)} files, {len(found)} findings at warning/error, {len(unjudged)} not judged")
    print(report(table, args.markdown))
    return 1 if unjudged else 0


if __name__ == "__main__":
    sys.exit(main())
