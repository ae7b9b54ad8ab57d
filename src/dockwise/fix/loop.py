"""Apply the fixes findings propose, re-check, repeat until stable (``check --fix``/``--diff``).

Each round takes the fixes of the findings still reported (safe ones, plus unsafe ones when
asked), applies every fix whose edits overlap no fix already taken, re-parses and re-checks
through the re-check function it is given (the loop knows nothing of the engine or the rules).
A fix whose finding is still there afterwards (no finding of its code went away, and one with
its code and message is where the edits moved it) is no fix: it is rejected and its round
redone without it. A round whose result no longer parses, or brings a shape that fails the
build (:mod:`.build_safety`: an install without its package index, a root-only command after a
non-root ``USER``), is thrown away with a note, and the fixes that do no harm alone are kept.
It stops when nothing is left to fix, the text stops changing or comes back to a text of an
earlier round, or after :data:`MAX_ROUNDS`. "Fixed N" counts the file's findings that are gone
at the end, not the edits made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from dockwise._record import DataRecord
from dockwise.findings import Edit, Finding, Fix
from dockwise.fix.edits import apply_edits, choose_fixes, fixes_of

if TYPE_CHECKING:  # pragma: no cover
    from collections import Counter
    from typing import Protocol

    class Report(Protocol):
        """What the loop reads of a check's result."""

        parsed: bool
        findings: list[Finding]

MAX_ROUNDS = 10


class FixOutcome(DataRecord):
    """Where fixing ended: the final text, its check, how many findings went away, notes
    about fixes that were dropped, and how many rounds changed the text."""

    __slots__ = ("text", "report", "fixed", "notes", "fixed_codes", "applied", "rounds")

    text: str
    report: "Report"
    fixed: int
    notes: list[str]
    fixed_codes: dict[str, int]  # code -> findings of that code that went away
    applied: list[Fix]  # the fixes the final text holds, in the order they were applied
    rounds: int

    def __init__(self, text: str, report: "Report", fixed: int, notes: list[str],
                 fixed_codes: dict[str, int] | None = None, applied: list[Fix] | None = None,
                 rounds: int = 0) -> None:
        self.text = text
        self.report = report
        self.fixed = fixed
        self.notes = notes
        self.fixed_codes = {} if fixed_codes is None else fixed_codes
        self.applied = [] if applied is None else applied
        self.rounds = rounds


def _parses(text: str, path: str) -> str | None:
    """None if ``text`` parses, else why not."""
    from dockwise.errors import DockwiseError
    from dockwise.syntax import parse_dockerfile

    try:
        parse_dockerfile(text, path=path)
    except DockwiseError as exc:
        return exc.message
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


def _apart_from_rewrites(chosen: list[Fix], text: str) -> list[Fix]:
    """``chosen`` without the fixes that insert right where a rewrite of whole lines (the
    restructuring's line edits) ends, or of the file's end: the insertion does not overlap the
    rewrite, yet it was placed by text the rewrite replaces (a cleanup appended to a RUN at the
    end of a file without a final newline landed after the rewritten lines). The next round
    proposes it again on the new text."""
    def rewrites(edit: Edit) -> bool:
        return edit.start < edit.end and (edit.end == len(text) or "\n" in text[edit.start:edit.end])

    def clash(a: Fix, b: Fix) -> bool:
        return any(e.start == e.end and any(rewrites(r) and r.end == e.start for r in b.edits) for e in a.edits)

    kept: list[Fix] = []
    for fix in chosen:
        if not any(clash(fix, other) or clash(other, fix) for other in kept):
            kept.append(fix)
    return kept


def _breaks_build(old: str, new: str, path: str) -> str | None:
    """None unless ``new`` holds a shape that fails the build which ``old`` did not have."""
    from dockwise.fix.build_safety import broken_shapes

    shapes = broken_shapes(old, new, path)
    return f"the build would fail: it leaves {'; '.join(shapes)}" if shapes else None


def _fix_key(finding: Finding, fix: Fix, text: str) -> tuple:
    """Identifies a proposed fix across rounds (offsets alone would shift): its code, what it
    does, and each edit with the text of its line before it (two RUNs ending differently get
    different cleanups; text on other lines, which other fixes change, is left out)."""
    return (finding.code, fix.description,
            tuple((text[text.rfind("\n", 0, e.start) + 1:e.end], e.replacement) for e in fix.edits))


def _keys(proposals: "list[tuple[Finding, Fix]]", text: str) -> "dict[int, tuple]":
    """The key of each proposed fix (by id), numbered among equal ones: refusing the cleanup of
    one RUN must not refuse the same cleanup of an identical RUN elsewhere."""
    from collections import Counter

    seen: Counter[tuple] = Counter()
    keys = {}
    for finding, fix in proposals:
        key = _fix_key(finding, fix, text)
        keys[id(fix)] = key + (seen[key],)
        seen[key] += 1
    return keys


class _Round:
    """One round of fixing: pick fixes, apply them, keep the result only if it parses."""

    def __init__(self, text: str, path: str, rejected: set[tuple], notes: list[str]) -> None:
        self.text = text
        self.path = path
        self.rejected = rejected
        self.notes = notes
        self.taken: list[tuple[Finding, Fix]] = []  # what the returned text applied
        self.keys: dict[int, tuple] = {}

    def run(self, proposals: list[tuple[Finding, Fix]]) -> tuple[str, int]:
        self.keys = _keys(proposals, self.text)
        fresh = [(f, fix) for f, fix in proposals if self.keys[id(fix)] not in self.rejected]
        chosen = _apart_from_rewrites(choose_fixes([fix for _, fix in fresh]), self.text)
        if not chosen:
            return self.text, 0
        candidate = self._apply(chosen)
        if candidate is not None:
            chosen_set = set(chosen)  # `in` a list compares records field by field: quadratic
            self.taken = [(f, fix) for f, fix in fresh if fix in chosen_set]
            return candidate, len(chosen)
        # Together they break the file: keep the ones that parse on their own.
        good = []
        chosen_set = set(chosen)
        for finding, fix in fresh:
            if fix not in chosen_set:
                continue
            if self._apply([fix], note=finding) is not None:
                good.append(fix)
        candidate = self._apply(good) if good else None
        if candidate is None and good:
            good = good[:1]
            candidate = self._apply(good)
        good_set = set(good)
        self.taken = [(f, fix) for f, fix in fresh if fix in good_set] if candidate is not None else []
        return (candidate, len(good)) if candidate is not None else (self.text, 0)

    def _apply(self, fixes: list[Fix], note: Finding | None = None) -> str | None:
        try:
            candidate = apply_edits(self.text, [e for fix in fixes for e in fix.edits])
        except ValueError:
            return None
        problem = _parses(candidate, self.path)
        if problem is None:
            problem = _breaks_build(self.text, candidate, self.path)
            if problem is None:
                return candidate
        else:
            problem = f"the result would not parse: {problem}"
        if note is not None:
            fix = fixes[0]
            self.rejected.add(self.keys[id(fix)])
            self.notes.append(f"{self.path}: fix discarded for {note.code} ({fix.description}): {problem}")
        return None


def fix_until_stable(text: str, path: str, recheck: "Callable[[str], Report]", *,
                     unsafe: bool = False) -> FixOutcome:
    """Fix ``text`` (shown as ``path``) with the fixes of the findings ``recheck(text)`` reports;
    ``unsafe`` takes the fixes that may change the build's meaning too."""
    current = text
    notes: list[str] = []
    rejected: set[tuple] = set()
    seen = {text}
    rounds = 0
    applied: list[Fix] = []
    report = recheck(current)
    before = _own_codes(report, path)
    for _ in range(MAX_ROUNDS):
        if not report.parsed:
            break
        own = [f for f in report.findings if f.location.file == path]
        proposals = fixes_of(own, unsafe=unsafe)
        fixing = _Round(current, path, rejected, notes)
        candidate, count = fixing.run(proposals)
        if count == 0 or candidate in seen:  # nothing changed, or a cycle back to an old text
            break
        after = recheck(candidate)
        idle = _idle(fixing.taken, report, after, path, current, candidate)
        if idle:  # fixes whose findings did not go away are no fixes: redo the round without them
            rejected.update(fixing.keys[id(fix)] for _, fix in idle)
            continue
        seen.add(candidate)
        applied.extend(fix for _, fix in fixing.taken)
        current = candidate
        report = after
        rounds += 1
    gone = dict(before - _own_codes(report, path)) if current != text else {}
    return FixOutcome(current, report, sum(gone.values()), notes, gone, applied, rounds)


def _idle(taken: list[tuple[Finding, Fix]], before: "Report", after: "Report",
          path: str, old: str, new: str) -> list[tuple[Finding, Fix]]:
    """The fixes of a round whose finding is still there afterwards: no finding of its code went
    away, and one of its code and message sits where the edits moved its start to. (By code
    alone, another fix that brings a new finding of that code -- `apt install` made `apt-get
    install`, an `ADD` made `COPY` in the wrong case -- made a real fix look idle, and it was
    never tried again in that run.)"""
    gone = _own_codes(before, path) - _own_codes(after, path)
    edits = sorted((e for _, fix in taken for e in fix.edits), key=lambda e: e.start)
    old_starts, new_starts = _line_starts(old), _line_starts(new)
    remaining = {(f.code, f.message, _offset(f, new_starts, new)) for f in after.findings
                 if f.location.file == path}
    idle = []
    for finding, fix in taken:
        if gone[finding.code]:
            continue
        moved = _moved(_offset(finding, old_starts, old), edits)
        if moved is not None and (finding.code, finding.message, moved) in remaining:
            idle.append((finding, fix))
    return idle


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, c in enumerate(text) if c == "\n")
    return starts


def _offset(finding: Finding, starts: list[int], text: str) -> int | None:
    """Where ``finding`` starts in ``text`` (columns skip a BOM), None if it has no place."""
    loc = finding.location
    if loc.line is None or not 1 <= loc.line <= len(starts):
        return None
    bom = 1 if loc.line == 1 and text.startswith("\ufeff") else 0
    return starts[loc.line - 1] + bom + max((loc.column or 1) - 1, 0)


def _moved(offset: int | None, edits: Sequence[Edit]) -> int | None:
    """``offset`` after ``edits`` (sorted); None when an edit replaced the text there."""
    if offset is None:
        return None
    shift = 0
    for edit in edits:
        if edit.start < offset and edit.end <= offset:  # wholly before it
            shift += len(edit.replacement) - (edit.end - edit.start)
        elif edit.start < offset < edit.end:
            return None
    return offset + shift


def _own_codes(report: "Report", path: str) -> "Counter[str]":
    """How many findings of each code the file itself has (what "fixed" is counted against:
    only a finding that went away was fixed, never an edit that changed nothing)."""
    from collections import Counter

    return Counter(f.code for f in report.findings if f.location.file == path)
