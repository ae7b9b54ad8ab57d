"""The edit algebra of fixes: which fixes can be applied together, and applying them.

An :class:`~dockwise.findings.Edit` replaces ``text[start:end]``; fixes are applied together
only when none of their edits touch, so their result does not depend on their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dockwise.findings import Edit, Finding, Fix


def _overlaps(edit: Edit, taken: Sequence[Edit]) -> bool:
    for other in taken:
        if edit.start < other.end and other.start < edit.end:
            return True
        if edit.start == other.start and (edit.start == edit.end or other.start == other.end):
            return True  # two edits at one point: their order would be a guess
    return False


class _TakenEdits:
    """The edits taken so far, sorted by start, so that a new edit is compared with its
    neighbours only (comparing it with every taken edit made --fix quadratic: 10,000 fixes in
    one file took minutes). Taken edits never overlap, so only the one starting before the new
    edit and those starting inside it can touch it."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.edits: list[Edit] = []

    def touches(self, edit: Edit) -> bool:
        from bisect import bisect_left

        i = bisect_left(self.starts, edit.start)
        if i > 0 and _overlaps(edit, [self.edits[i - 1]]):
            return True
        while i < len(self.edits) and self.edits[i].start <= edit.end:
            if _overlaps(edit, [self.edits[i]]):
                return True
            i += 1
        return False

    def add(self, edit: Edit) -> None:
        from bisect import bisect_right

        i = bisect_right(self.starts, edit.start)
        self.starts.insert(i, edit.start)
        self.edits.insert(i, edit)


def choose_fixes(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes to apply together: in order, each one whose edits touch none taken before."""
    taken = _TakenEdits()
    chosen: list[Fix] = []
    for fix in fixes:
        if any(taken.touches(e) for e in fix.edits) or _self_overlap(fix.edits):
            continue
        for edit in fix.edits:
            taken.add(edit)
        chosen.append(fix)
    return chosen


def _self_overlap(edits: Sequence[Edit]) -> bool:
    return any(_overlaps(e, edits[:i]) for i, e in enumerate(edits))


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping ``edits`` (offsets into ``text``) all at once."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor or edit.end > len(text) or edit.start > edit.end:
            raise ValueError(f"edit {edit} overlaps another or lies outside the text")
        out.append(text[cursor:edit.start])
        out.append(edit.replacement)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def fixes_of(findings: Iterable[Finding], *, unsafe: bool) -> list[tuple[Finding, Fix]]:
    return [(f, f.fix) for f in sorted(findings, key=lambda f: f.sort_key)
            if f.fix is not None and f.fix.edits and (f.fix.safe or unsafe)]
