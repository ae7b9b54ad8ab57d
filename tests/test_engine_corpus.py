"""The whole real-world corpus through `dockwise check`: no crash, no rule errors, and a parse
error only where BuildKit's own parser rejects the file too."""

from __future__ import annotations

import re

import pytest

from tests.conftest import corpus_dir

pytestmark = pytest.mark.corpus

_PARSE_ERROR = re.compile(r"^(?P<path>.+?):\d+:\d+: error: |^(?P<path2>.+?): error: file with no instructions$")


def _files():
    real = corpus_dir("real")
    return sorted(str(p) for p in real.rglob("*")
                  if p.is_file() and p.name not in ("SOURCES.md", "SOURCE.md")
                  and not p.name.endswith(".dockerignore"))


def _buildkit_rejects(path: str) -> bool:
    import dockerfile  # BuildKit's parser, a test dependency

    try:
        dockerfile.parse_file(path)
    except dockerfile.GoParseError:
        return True
    return False


def test_whole_corpus_checks_without_crashing():
    from dockwise.engine.dockerfile import CheckOptions
    from dockwise.engine.parallel import check_paths

    files = _files()
    reports = check_paths(files, CheckOptions(context=False, use_config=False, keep_source=False), jobs=2)
    assert len(reports) == len(files)
    internal = [e for r in reports for e in r.errors if "internal error" in e]
    assert internal == [], f"{len(internal)} internal errors, first: {internal[:5]}"
    wrongly_rejected = []
    for report in reports:
        for line in report.errors:
            match = _PARSE_ERROR.match(line)
            assert match, f"unexpected error line: {line}"
            if not _buildkit_rejects(report.path):
                wrongly_rejected.append(line)
    assert wrongly_rejected == [], f"{len(wrongly_rejected)} files BuildKit accepts: {wrongly_rejected[:5]}"
    assert sum(len(r.findings) for r in reports) > len(files)  # real files do have findings
