"""``dockwise check --fix``: apply the edits findings propose, re-check, repeat until stable.

Each round takes the fixes of the findings still reported (safe ones, plus unsafe ones with
``--unsafe-fixes``), applies every fix whose edits overlap no fix already taken, re-parses and
re-checks. A fix whose finding is still there afterwards (no finding of its code went away,
and one with its code and message is where the edits moved it) is no fix: it is rejected and its round redone
without it. It stops when nothing is left to fix, the text stops changing or comes
back to a text of an earlier round, or after :data:`MAX_ROUNDS`. A round whose result no longer parses is thrown away with a note. "Fixed N"
counts the file's findings that are gone at the end, not the edits made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise.findings import Edit, Finding, Fix

if TYPE_CHECKING:  # pragma: no cover
    from collections import Counter

    from dockwise.check.config import LintConfig
    from dockwise.check.engine import Engine, FileReport

MAX_ROUNDS = 10


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


def fix_file(engine: "Engine", text: str, path: str, *, config: "LintConfig",
             on_disk: bool) -> "FileReport":
    """Fix ``text`` with ``engine``'s rules; write it back (``--fix``) or diff it (``--diff``)."""
    options = engine.options
    current = text
    notes: list[str] = []
    rejected: set[tuple] = set()
    seen = {text}
    report = engine.check_text(current, path, config=config, on_disk=on_disk)
    before = _own_codes(report, path)
    for _ in range(MAX_ROUNDS):
        if not report.parsed:
            break
        own = [f for f in report.findings if f.location.file == path]
        proposals = fixes_of(own, unsafe=options.unsafe_fixes)
        fixing = _Round(current, path, rejected, notes)
        candidate, count = fixing.run(proposals)
        if count == 0 or candidate in seen:  # nothing changed, or a cycle back to an old text
            break
        after = engine.check_text(candidate, path, config=config, on_disk=on_disk)
        idle = _idle(fixing.taken, report, after, path, current, candidate)
        if idle:  # fixes whose findings did not go away are no fixes: redo the round without them
            rejected.update(_fix_key(f, fix, current) for f, fix in idle)
            continue
        seen.add(candidate)
        current = candidate
        report = after
    report.fixed = sum((before - _own_codes(report, path)).values()) if current != text else 0
    report.notes.extend(notes)
    if options.diff:
        report.diff = unified_diff(text, current, path) if current != text else ""
    elif not on_disk:
        report.fixed_text = current  # stdin: the fixed file goes to stdout
    elif current != text:
        problem = _write(path, current)
        if problem is not None:  # the file stays as it was: report what it still has
            report = engine.check_text(text, path, config=config, on_disk=on_disk)
            report.errors.append(problem)
            report.notes.extend(notes)
    return report


def _idle(taken: list[tuple[Finding, Fix]], before: "FileReport", after: "FileReport",
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


def _own_codes(report: "FileReport", path: str) -> "Counter[str]":
    """How many findings of each code the file itself has (what "fixed" is counted against:
    only a finding that went away was fixed, never an edit that changed nothing)."""
    from collections import Counter

    return Counter(f.code for f in report.findings if f.location.file == path)


def _write(path: str, text: str) -> str | None:
    """Write the fixed file; the error line if that is impossible."""
    import os
    import stat

    from dockwise.errors import DockwiseError
    from dockwise.inputs import atomic_write

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO, /dev/stdin: a rename would replace it
            return (f"{path}: error: fixes not written: not a regular file (pipe the Dockerfile "
                    "into `dockwise check --fix -` to get the fixed text on stdout)")
        atomic_write(path, text)
    except DockwiseError as exc:  # read-only, hard-linked, full disk
        return f"{exc.path or path}: error: fixes not written: {exc.message}"
    except OSError as exc:
        return f"{path}: error: fixes not written: {exc.strerror or exc}"
    return None


_DIFF_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
                 "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def diff_name(name: str) -> str:
    """A file name for a diff header, as git writes it: unchanged, or -- when it holds a
    control character, a quote, a backslash, a byte that is not UTF-8 or a character that
    reorders text on a terminal -- in double quotes with C escapes and octal bytes
    (``"a/x\\033[31m.Dockerfile"``). A raw newline there broke the patch; a raw ESC reached
    the terminal; a non-UTF-8 byte could not be written to ``-o``."""
    from dockwise.textsafe import has_unsafe

    if not has_unsafe(name) and '"' not in name and "\\" not in name:
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if ch in _DIFF_ESCAPES:
            out.append(_DIFF_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogate escape)
            out.append(f"\\{code - 0xDC00:03o}")
        elif has_unsafe(ch):
            out.append("".join(f"\\{byte:03o}" for byte in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def unified_diff(before: str, after: str, path: str) -> str:
    import difflib

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=diff_name(f"a/{path}"), tofile=diff_name(f"b/{path}"))
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
