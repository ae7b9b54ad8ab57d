"""The hand-judged sample of real Dockerfiles (``benchmarks/precision.py``): every finding at
warning or error that `dockwise check` makes on it has been judged, and none judged false comes
back. A rule change that adds findings fails here until they are read and judged (true / false /
intended, with the reason) in ``tests/fixtures/precision/judgments.jsonl``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import precision  # noqa: E402

pytestmark = pytest.mark.corpus
REAL = CORPUS / "real"


@pytest.fixture(scope="module", params=sorted(precision.SETS))
def sample_run(request):
    """The first sample (judged while the rules were fixed) and the held-out one."""
    if not REAL.is_dir():
        pytest.skip(f"{REAL} not found (set DOCKWISE_CORPUS to ../shared/corpus)")
    pick, judgments = precision.SETS[request.param]
    files = pick(REAL)
    return request.param, files, precision.run_check(REAL, files), precision.load_judgments(judgments)


def _show(findings) -> str:
    return "\n".join(f"  {f['file']}:{f['line']} {f['code']} {f['message'][:120]}" for f in findings)


def test_the_samples_spread_over_every_source_and_do_not_overlap(sample_run):
    name, files, _, _ = sample_run
    sources = {f.split("/", 1)[0] for f in files}
    every = {p.name for p in REAL.iterdir() if p.is_dir()}
    if name == "judged":
        assert len(files) >= 100 and sources == every
    else:
        first = set(precision.sample(REAL))
        assert not set(files) & first
        left = {p.relative_to(REAL).parts[0] for p in map(Path, precision.corpus_files(REAL))
                if str(p.relative_to(REAL)) not in first}  # a source the first sample used up
        assert sources == left


@pytest.mark.parametrize("path", [precision.JUDGMENTS, precision.HOLDOUT_JUDGMENTS])
def test_every_judgment_has_a_verdict_and_a_reason(path):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert rows
    for row in rows:
        assert row["verdict"] in precision.VERDICTS, row
        assert len(row["reason"]) > 15, row


def test_every_warning_and_error_on_the_sample_is_judged(sample_run):
    _, _, found, judged = sample_run
    unjudged = [f for f in found if (f["file"], f["code"], f["line"]) not in judged]
    assert not unjudged, ("findings nobody has judged; read each and add its verdict to "
                          f"{precision.JUDGMENTS}:\n{_show(unjudged)}")


def test_no_finding_judged_false_comes_back(sample_run):
    """A false alarm that is known and not fixed yet says so (``still_reported``)."""
    _, _, found, judged = sample_run
    back = []
    for f in found:
        row = judged.get((f["file"], f["code"], f["line"]), {})
        if row.get("verdict") == "false" and not row.get("still_reported"):
            back.append(f)
    assert not back, f"false alarms that had been fixed are reported again:\n{_show(back)}"


def test_strict_precision_stays_at_90_percent_or_more(sample_run):
    _, _, found, judged = sample_run
    table, _ = precision.precision_table(found, judged)  # both samples: the held-out one says
    true = sum(c["true"] for c in table.values())           # whether the fixes generalise
    total = sum(sum(c.values()) for c in table.values())
    assert total and true / total >= 0.90, precision.report(table, markdown=False)
