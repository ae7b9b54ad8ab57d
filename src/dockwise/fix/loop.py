"""Apply the fixes findings propose, re-check, repeat until stable (``check --fix``/``--diff``).

Each round takes the fixes of the findings still reported (safe ones, plus unsafe ones when
asked), applies every fix whose edits overlap no fix already taken, re-parses and re-checks
through the re-check function it is given (the loop knows nothing of the engine or the rules).
A fix whose finding is still there afterwards (no finding of its code went away, and one with
its code and message is where the edits moved it) is no fix: it is rejected and its round
redone without it. It stops when nothing is left to fix, the text stops changing or comes back
to a text of an earlier round, or after :data:`MAX_ROUNDS`. A round whose result no longer
parses is thrown away with a note. "Fixed N" counts the file's findings that are gone at the
end, not the edits made.
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
    """Where fixing ended: the final text, its check, how many findings went away, and notes
    about fixes that were dropped."""

    __slots__ = ("text", "report", "fixed", "notes", "fixed_codes", "applied")

    text: str
    report: "Report"
    fixed: int
    notes: list[str]
    fixed_codes: dict[str, int]  # code -> findings of that code that went away
    applied: list[Fix]  # the fixes the final text holds, in the order they were applied

    def __init__(self, text: str, report: "Report", fixed: int, notes: list[str],
                 fixed_codes: dict[str, int] | None = None, applied: list[Fix] | None = None) -> None:
        self.text = text
        self.report = report
        self.fixed = fixed
        self.notes = notes
        self.fixed_codes = {} if fixed_codes is None else fixed_codes
        self.applied = [] if applied is None else applied


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


def _fix_key(finding: Finding, fix: Fix, text: str) -> tuple:
    """Identifies a proposed fix across rounds (offsets alone would shift)."""
    return (finding.code, fix.description,
            tuple((text[e.start:e.end], e.replacement) for e in fix.edits))


class _Round:
    """One round of fixing: pick fixes, apply them, keep the result only if it parses."""

    def __init__(self, text: str, path: str, rejected: set[tuple], notes: list[str]) -> None:
        self.text = text
        self.path = path
        self.rejected = rejected
        self.notes = notes
        self.taken: list[tuple[Finding, Fix]] = []  # what the returned text applied

    def run(self, proposals: list[tuple[Finding, Fix]]) -> tuple[str, int]:
        fresh = [(f, fix) for f, fix in proposals if _fix_key(f, fix, self.text) not in self.rejected]
        chosen = choose_fixes([fix for _, fix in fresh])
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
            return candidate
        if note is not None:
            fix = fixes[0]
            self.rejected.add(_fix_key(note, fix, self.text))
            self.notes.append(f"{self.path}: fix discarded for {note.code} ({fix.description}): "
                              f"the result would not parse: {problem}")
        return None


def fix_until_stable(text: str, path: str, recheck: "Callable[[str], Report]", *,
                     unsafe: bool = False) -> FixOutcome:
    """Fix ``text`` (shown as ``path``) with the fixes of the findings ``recheck(text)`` reports;
    ``unsafe`` takes the fixes that may change the build's meaning too."""
    current = text
    notes: list[str] = []
    rejected: set[tuple] = set()
    seen = {text}
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
            rejected.update(_fix_key(f, fix, current) for f, fix in idle)
            continue
        seen.add(candidate)
        applied.extend(fix for _, fix in fixing.taken)
        current = candidate
        report = after
    gone = dict(before - _own_codes(report, path)) if current != text else {}
    return FixOutcome(current, report, sum(gone.values()), notes, gone, applied)


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
