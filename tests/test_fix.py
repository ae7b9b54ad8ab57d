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


def _right_to_left(text, edits):
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text


def test_chosen_fixes_always_apply_cleanly():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    text = "RUN apt-get update && apt-get install curl wget\n"
    edit = st.builds(lambda a, b, r: Edit(min(a, b), max(a, b), r),
                     st.integers(0, len(text)), st.integers(0, len(text)), st.text("xyz -", max_size=4))
    fixes = st.lists(st.lists(edit, min_size=1, max_size=3).map(lambda es: Fix("f", tuple(es))), max_size=6)

    @settings(max_examples=300, deadline=None)
    @given(fixes)
    def check(proposed):
        chosen = choose_fixes(proposed)
        edits = [e for f in chosen for e in f.edits]
        assert apply_edits(text, edits) == _right_to_left(text, edits)
        for f in proposed:  # a fix left out really collides with one taken
            if f not in chosen and len({(e.start, e.end) for e in f.edits}) == len(f.edits):
                taken = [e for c in chosen for e in c.edits]
                assert any(_collide(e, t) for e in f.edits for t in taken) or _self_collides(f)

    check()


def _collide(a, b):
    return (a.start < b.end and b.start < a.end) or (a.start == b.start and (a.start == a.end or b.start == b.end))


def _self_collides(fix):
    edits = fix.edits
    return any(_collide(a, b) for i, a in enumerate(edits) for b in edits[:i])


# -- choosing fixes on a big file --------------------------------------------------------------

def _naive_choice(fixes):
    from dockwise.fix import _overlaps, _self_overlap

    taken, chosen = [], []
    for fix in fixes:
        if any(_overlaps(e, taken) for e in fix.edits) or _self_overlap(fix.edits):
            continue
        taken.extend(fix.edits)
        chosen.append(fix)
    return chosen


def test_choosing_fixes_agrees_with_comparing_every_pair():
    import random

    from dockwise.fix import choose_fixes

    rng = random.Random(5)
    for _ in range(300):
        fixes = []
        for n in range(rng.randint(1, 12)):
            edits = []
            for _ in range(rng.randint(1, 3)):
                start = rng.randint(0, 30)
                edits.append(Edit(start, start + rng.choice([0, 0, 1, 2, 5]), "x"))
            fixes.append(Fix(f"f{n}", tuple(edits)))
        assert choose_fixes(fixes) == _naive_choice(fixes)


def test_choosing_ten_thousand_fixes_is_fast():
    import time

    from dockwise.fix import choose_fixes

    fixes = [Fix(f"f{i}", (Edit(10 * i, 10 * i + 3, "y"), Edit(10 * i + 5, 10 * i + 5, "z")))
             for i in range(20000)]
    started = time.perf_counter()
    assert len(choose_fixes(fixes)) == 20000
    assert time.perf_counter() - started < 5  # comparing every pair took minutes
