"""Families 1-4 and 8 on real Dockerfiles: no rule crashes, every finding points inside the
instruction it is about, and every text fix still parses."""

from __future__ import annotations

import random

import pytest

from dockwise.catalog import all_rules
from dockwise.errors import DockwiseError
from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile
from tests.conftest import corpus_dir

# the package, base-image, layer and build-tool rules
CODES = ("DL3006", "DL3007", "DL3008", "DL3009", "DL3013", "DL3014", "DL3015", "DL3016", "DL3018", "DL3019",
         "DL3027", "DL3028", "DL3030", "DL3032", "DL3033", "DL3034", "DL3035", "DL3036", "DL3037", "DL3038",
         "DL3040", "DL3041", "DL3042", "DL3060", "DL3062", "DL3065", "DW101", "DW102", "DW103", "DW104",
         "DW201", "DW202", "DW301", "DW401", "DW402", "DW801", "DW802", "DW803", "DW804", "DW805")


def sample_files(count: int = 250):
    root = corpus_dir("real")
    files = sorted(p for p in root.rglob("*") if p.is_file() and "ockerfile" in p.name)
    return random.Random(20261126).sample(files, min(count, len(files)))


@pytest.mark.corpus
def test_rules_on_real_dockerfiles_point_inside_their_instruction_and_fixes_parse():
    rules = [r() for r in all_rules() if r.info.code in CODES]
    checked = fired = 0
    for path in sample_files():
        try:
            text = path.read_text(encoding="utf-8")
            tree = parse_dockerfile(text, str(path))
        except (DockwiseError, UnicodeDecodeError):
            continue
        target = CheckTarget(str(path), tree, build_model(tree))
        lines = text.splitlines()
        checked += 1
        for rule in rules:
            for finding in rule.check(target):
                fired += 1
                loc = finding.location
                assert loc.line is not None and 1 <= loc.line <= loc.end_line <= len(lines) + 1, (path, finding)
                owner = [i for i in tree.instructions if i.line <= loc.line <= i.end_line]
                assert owner, (path, finding.code, loc)
                if finding.fix is not None:
                    fixed = text
                    for edit in sorted(finding.fix.edits, key=lambda e: e.start, reverse=True):
                        fixed = fixed[:edit.start] + edit.replacement + fixed[edit.end:]
                    parse_dockerfile(fixed, str(path))  # raises if the fix broke the file
    assert checked > 200 and fired > checked  # the sample really exercised the rules
