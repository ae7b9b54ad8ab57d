"""Every case transcribed from moby/patternmatcher, ignorefile and BuildKit's dockerignore
tests (../shared/corpus/dockerignore-cases) runs against dockwise's matcher."""

from __future__ import annotations

import json

import pytest

from dockwise.context.ignorefile import parse_ignore
from dockwise.context.patterns import (BadPatternError, PatternMatcher, compile_pattern,
                                       go_clean)
from tests.conftest import corpus_dir


def _load(name):
    return json.loads((corpus_dir("dockerignore-cases") / name).read_text(encoding="utf-8"))


def _case_id(case):
    pats = case["patterns"] if "patterns" in case else [case["pattern"]]
    return f"{case['test']}:{pats}:{case['path']}"


def _cases():
    try:
        return _load("cases.json")
    except BaseException:  # corpus absent: one visible skip below
        return [None]


@pytest.mark.corpus
@pytest.mark.parametrize("case", _cases(), ids=lambda c: _case_id(c) if c else "corpus-missing")
def test_patternmatcher_case(case):
    if case is None:
        corpus_dir("dockerignore-cases")
    patterns = case["patterns"] if "patterns" in case else [case["pattern"]]
    expected = case["excluded"] if "excluded" in case else case["match"]
    if "error" in case:
        with pytest.raises(BadPatternError):
            PatternMatcher(patterns).excluded(case["path"])
        return
    path = case["path"]
    if case["api"] == "Matches":
        path = go_clean(path)
    assert PatternMatcher(patterns).excluded(path) is expected


@pytest.mark.corpus
def test_compile_table_match_types_and_regexps():
    for entry in _load("other_cases.json")["compile"]:
        pattern = compile_pattern(entry["pattern"])
        assert pattern.kind == entry["match_type"], entry
        if entry["regexp"] is not None:
            # Our regex uses non-capturing groups and no anchors; compare the meaning.
            go_regex = entry["regexp"][1:-1].replace("(.*/)?", "(?:.*/)?")
            assert pattern.source == go_regex, entry


@pytest.mark.corpus
def test_pattern_cleaning_table():
    for entry in _load("other_cases.json")["new_pattern_cleaning"]:
        if "error" in entry:
            with pytest.raises(BadPatternError, match="illegal exclusion"):
                PatternMatcher(entry["patterns"])
            continue
        matcher = PatternMatcher(entry["patterns"])
        if "active_pattern_count" in entry:
            assert len(matcher.patterns) == entry["active_pattern_count"]
        if "has_exclusions" in entry:
            assert matcher.has_exclusions is entry["has_exclusions"]


@pytest.mark.corpus
def test_readall_table():
    entry = _load("other_cases.json")["ignorefile_readall"]
    assert parse_ignore(entry["input"]).patterns == entry["expected_patterns"]
    assert parse_ignore("").patterns == []
