"""hadolint's own pragma test cases (../shared/corpus/hadolint-cases, PragmaSpec) through the
engine with the real rules: a pragma must silence exactly what hadolint's silences."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import corpus_dir

pytestmark = pytest.mark.corpus


def _cases():
    path = corpus_dir("hadolint-cases") / "cases.jsonl"
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return [r for r in rows if "Pragma" in r.get("source", "") and r["rule"].startswith("DL")
            and "ignore" in r["dockerfile"]]


def _fired(text: str, code: str) -> bool:
    from dockwise.engine.dockerfile import CheckOptions, Engine

    engine = _fired.engine = getattr(_fired, "engine", None) or Engine(options=CheckOptions(context=False))
    report = engine.check_text(text, "Dockerfile")
    assert not [e for e in report.errors if "internal error" in e], report.errors
    return any(f.code == code for f in report.findings)


def test_pragma_cases():
    from dockwise.catalog import find_rule

    checked = 0
    for case in _cases():
        code, text = case["rule"], case["dockerfile"] + "\n"
        if find_rule(code) is None:
            continue
        without = re.sub(r"(?m)^# hadolint.*$", "# (pragma removed)", text)
        if not _fired(without, code):
            continue  # the rule itself does not fire on this text: nothing to silence
        expected = case["expect"] == "fires"
        assert _fired(text, code) is expected, f"{case['it']}: {text!r}"
        checked += 1
    assert checked > 0, "no pragma case exercised a rule that fires"
