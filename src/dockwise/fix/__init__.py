"""``dockwise check --fix``: apply the edits findings propose, re-check, repeat until stable.

Each round takes the fixes of the findings still reported (safe ones, plus unsafe ones with
``--unsafe-fixes``), applies every fix whose edits overlap no fix already taken, re-parses and
re-checks. It stops when nothing is left to fix, the text stops changing, or after
:data:`MAX_ROUNDS`. A round whose result no longer parses is thrown away with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise.findings import Edit, Finding, Fix

if TYPE_CHECKING:  # pragma: no cover
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


def choose_fixes(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes to apply together: in order, each one whose edits touch none taken before."""
    taken_edits: list[Edit] = []
    chosen: list[Fix] = []
    for fix in fixes:
        if any(_overlaps(e, taken_edits) for e in fix.edits) or _self_overlap(fix.edits):
            continue
        taken_edits.extend(fix.edits)
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


def fixes_of(findings: Iterable[Finding], *, unsafe: bool) -> list[Fix]:
    return [f.fix for f in sorted(findings, key=lambda f: f.sort_key)
            if f.fix is not None and f.fix.edits and (f.fix.safe or unsafe)]


def _parses(text: str, path: str) -> str | None:
    """None if ``text`` parses, else why not."""
    from dockwise.errors import DockwiseError
    from dockwise.syntax import parse_dockerfile

    try:
        parse_dockerfile(text, path=path)
    except DockwiseError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


def fix_file(engine: "Engine", text: str, path: str, *, config: "LintConfig",
             on_disk: bool) -> "FileReport":
    """Fix ``text`` with ``engine``'s rules; write it back (``--fix``) or diff it (``--diff``)."""
    options = engine.options
    current = text
    applied = 0
    notes: list[str] = []
    report = engine.check_text(current, path, config=config, on_disk=on_disk)
    for _ in range(MAX_ROUNDS):
        if report.errors:
            break
        own = [f for f in report.findings if f.location.file == path]
        chosen = choose_fixes(fixes_of(own, unsafe=options.unsafe_fixes))
        if not chosen:
            break
        try:
            candidate = apply_edits(current, [e for fix in chosen for e in fix.edits])
        except ValueError as exc:
            notes.append(f"{path}: fix discarded: {exc}")
            break
        if candidate == current:
            break
        problem = _parses(candidate, path)
        if problem is not None:
            names = ", ".join(fix.description for fix in chosen)
            notes.append(f"{path}: fixes discarded ({names}): the result would not parse: {problem}")
            break
        current = candidate
        applied += len(chosen)
        report = engine.check_text(current, path, config=config, on_disk=on_disk)
    report.fixed = applied
    report.notes.extend(notes)
    if options.diff:
        report.diff = unified_diff(text, current, path) if current != text else ""
    elif not on_disk:
        report.fixed_text = current  # stdin: the fixed file goes to stdout
    elif current != text:
        _write(path, current, report)
    return report


def _write(path: str, text: str, report: "FileReport") -> None:
    from dockwise.inputs import atomic_write

    try:
        atomic_write(path, text)
    except OSError as exc:
        report.errors.append(f"{path}: error: cannot write the fixed file: {exc.strerror or exc}")
        report.fixed = 0


def unified_diff(before: str, after: str, path: str) -> str:
    import difflib

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
