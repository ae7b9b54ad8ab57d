"""Choosing and applying edits: the pieces under `dockwise check --fix`."""

from __future__ import annotations

import pytest

from dockwise.findings import Edit, Fix
from dockwise.fix import apply_edits, choose_fixes, unified_diff


def fix(*edits, safe=True):
    return Fix("f", tuple(Edit(*e) for e in edits), safe=safe)


def test_apply_edits_all_at_once_with_original_offsets():
    text = "RUN apt-get install curl\n"
    edits = [Edit(19, 19, " -y"), Edit(20, 24, "curl=8"), Edit(0, 3, "RUN")]
    assert apply_edits(text, edits) == "RUN apt-get install -y curl=8\n"


@pytest.mark.parametrize("edits", [
    [Edit(0, 5, "a"), Edit(3, 8, "b")],  # overlapping
    [Edit(0, 50, "a")],  # past the end
    [Edit(5, 2, "a")],  # backwards
])
def test_apply_edits_rejects_bad_edits(edits):
    with pytest.raises(ValueError):
        apply_edits("0123456789", edits)


def test_choose_fixes_skips_overlaps_and_same_point_insertions():
    a = fix((0, 4, "x"))
    b = fix((2, 6, "y"))  # overlaps a
    c = fix((10, 10, " -y"))
    d = fix((10, 10, " --no-install-recommends"))  # same insertion point as c: next round
    e = fix((4, 4, "!"))  # touches a's end only: fine
    f = fix((20, 22, "p"), (21, 23, "q"))  # overlaps itself
    assert choose_fixes([a, b, c, d, e, f]) == [a, c, e]


def test_unified_diff_marks_a_missing_final_newline():
    diff = unified_diff("FROM a", "FROM b", "Dockerfile")
    assert diff.splitlines()[:2] == ["--- a/Dockerfile", "+++ b/Dockerfile"]
    assert "\\ No newline at end of file" in diff
