"""`check --fix --unsafe-fixes` over a sample of real Dockerfiles (copies: the corpus is
read-only): every fixed file parses with dockwise and with BuildKit's parser, a second fix
changes nothing, no fix brings a new warning or error, the fixes settle within three rounds,
and no fix leaves a shape that fails the build. ``benchmarks/fix_corpus.py`` runs the same
check over a larger sample (figures in docs/benchmarks.md)."""

from __future__ import annotations

import random

import pytest

from tests.conftest import corpus_dir
from tests.support.fix_guarantees import fix_engine, fix_problems

pytestmark = pytest.mark.corpus

SAMPLE = 300


def _sample():
    real = corpus_dir("real")
    files = sorted(str(p) for p in real.rglob("*")
                   if p.is_file() and p.name not in ("SOURCES.md", "SOURCE.md")
                   and not p.name.endswith(".dockerignore"))
    return sorted(random.Random(10).sample(files, SAMPLE))


def test_fixes_keep_their_promises_on_real_dockerfiles():
    engine = fix_engine()
    broken, changed = {}, 0
    for path in _sample():
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
        did_change, problems = fix_problems(engine, text)
        changed += did_change
        if problems:
            broken[path] = problems
    assert broken == {}
    assert changed > SAMPLE // 2  # the fixes did work on most files: the promises were tested
