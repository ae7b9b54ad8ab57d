"""The ``.dockerignore`` lines that fix the DC findings, as fix edits on those findings.

One plan per context decides which lines to add; each line belongs to the finding about the
path it was added for (DC002 a heavy directory, DC003 a secret, DC008 large files; DC001,
when there is no ``.dockerignore`` at all, gets every line). Each such finding carries a
:class:`~dockwise.findings.Fix` whose edit appends its lines at the end of the file. All
such edits append at one place, so they are applied together, not one by one: the lines of the
fixes taken (:meth:`FixPlan.lines_of`) go in one marked block (:func:`with_lines`), written once
-- by ``dockwise context --write-dockerignore`` and by ``dockwise check --fix`` alike.

Guarantees: the user's lines are kept byte for byte (new lines are appended in a marked
block); no new pattern excludes a path a COPY/ADD of the Dockerfile names (``COPY .`` aside);
no new pattern overrides one of the user's ``!`` exceptions; a file name that no line can
match on its own (a name holding a newline that a ``?`` would widen to other files) is left
out with a note; the write is atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise._record import DataRecord
from dockwise.context.analyze import LOG_EXT
from dockwise.context.copies import ContextSource, needs
from dockwise.context.patterns import PatternMatcher, compile_pattern
from dockwise.findings import Edit, Fix
from dockwise.inputs import read_text

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextTarget

HEADER = "# Added by dockwise context --write-dockerignore"
ANYWHERE = {"node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".tox", ".nox", ".venv",
            "venv", ".terraform", ".cache", ".gradle", ".next"}


class FixPlan(DataRecord):
    __slots__ = ("path", "old_text", "added", "owners", "skipped", "bytes_before", "bytes_after",
                 "files_before", "files_after")

    path: str
    old_text: str
    added: list[str]
    owners: list[str]  # per added line: the path (heavy directory, secret, large file) it is for
    skipped: list[tuple[str, str]]  # (pattern, why not)
    bytes_before: int
    bytes_after: int
    files_before: int
    files_after: int

    def __init__(self, path: str, old_text: str, added: list[str] | None = None,
                 skipped: list[tuple[str, str]] | None = None, bytes_before: int = 0,
                 bytes_after: int = 0, files_before: int = 0, files_after: int = 0) -> None:
        self.path = path
        self.old_text = old_text
        self.added = [] if added is None else added
        self.owners = []
        self.skipped = [] if skipped is None else skipped
        self.bytes_before = bytes_before
        self.bytes_after = bytes_after
        self.files_before = files_before
        self.files_after = files_after

    def fix_for(self, owners: "set[str] | None") -> Fix | None:
        """The fix of the finding about ``owners`` (None: every line): an edit appending its
        lines at the end. The first line of the plan brings the block's marker with it."""
        lines = [line for line, owner in zip(self.added, self.owners) if owners is None or owner in owners]
        if not lines:
            return None
        marker = owners is None or self.owners[0] in owners
        end = len(self.old_text)
        block = _block(self.old_text, lines, marker=marker)
        return Fix(f"add {', '.join(lines)} to .dockerignore", (Edit(end, end, block),))

    def lines_of(self, fixes: "Iterable[Fix]") -> list[str]:
        """The lines of this plan that ``fixes`` add, in the plan's order."""
        wanted = {line for fix in fixes for line in fix_lines(fix)}
        return [line for line in self.added if line in wanted]

    def in_order(self, fixes: "list[Fix]") -> "list[Fix]":
        """``fixes`` of this plan in the order of their lines (all append at the end: the
        block's marker comes first)."""
        place = {line: i for i, line in enumerate(self.added)}
        return sorted(fixes, key=lambda fix: min((place.get(line, len(self.added)) for line in fix_lines(fix)),
                                                 default=len(self.added)))

    @property
    def saved_bytes(self) -> int:
        return self.bytes_before - self.bytes_after


def _block(old_text: str, lines: "Sequence[str]", *, marker: bool) -> str:
    """``lines`` as text to append to ``old_text`` (its line endings); with ``marker``, on a line
    of their own after a blank line and the block's marker."""
    newline = "\r\n" if "\r\n" in old_text else "\n"
    block = newline.join(lines) + newline
    if marker:
        lead = newline if old_text and not old_text.endswith("\n") else ""
        lead += newline if old_text.strip() else ""
        block = lead + HEADER + newline + block
    return block


def with_lines(old_text: str, lines: "Sequence[str]") -> str:
    """The ``.dockerignore`` text ``old_text`` with ``lines`` appended in one marked block: what
    applying the fixes that add those lines gives (``check --fix`` and
    ``context --write-dockerignore`` both write it)."""
    return old_text + _block(old_text, lines, marker=True) if lines else old_text


def fix_lines(fix: Fix) -> list[str]:
    """The ``.dockerignore`` lines a DC finding's fix appends (not the marker, not blank lines)."""
    return [line for edit in fix.edits for line in edit.replacement.splitlines()
            if line and line != HEADER]


class _Candidate:
    """A line to try (with narrower fallbacks), and the paths it is for."""

    __slots__ = ("attempts", "owners")

    def __init__(self, pattern: str, fallbacks: list[str], owners: list[str], literal: bool = False) -> None:
        # a literal attempt names one path: it must match that path (and what is below it) only
        self.attempts = [(pattern, pattern if literal else None)] + [(f, f) for f in fallbacks]
        self.owners = owners


def _candidates(target: "ContextTarget") -> list[_Candidate]:
    """What to add, in the order it should appear."""
    out: list[_Candidate] = []
    for heavy in target.unwanted_dirs:
        name = heavy.path.rsplit("/", 1)[-1]
        if name in ANYWHERE:
            out.append(_Candidate(f"**/{name}", [heavy.path], [heavy.path]))
        else:
            out.append(_Candidate(heavy.path, [], [heavy.path], literal=True))
    env_files = [s.path for s in target.secrets if s.path.rsplit("/", 1)[-1].lower().startswith(".env")]
    if env_files:
        out.append(_Candidate("**/.env", [], env_files))
        out.append(_Candidate("**/.env.*", env_files, env_files))
    for secret in target.secrets:
        if secret.path not in env_files:
            out.append(_Candidate(secret.path, [], [secret.path], literal=True))
    for large in target.large_files:
        if large.kind == "log" and large.path.lower().endswith(LOG_EXT):
            out.append(_Candidate("**/*.log", [large.path], [large.path]))
        else:
            out.append(_Candidate(large.path, [], [large.path], literal=True))
    seen: set[str] = set()
    unique = []
    for candidate in out:
        if candidate.attempts[0][0] not in seen:
            seen.add(candidate.attempts[0][0])
            unique.append(candidate)
    return unique


# A .dockerignore line is trimmed, split at newlines, and reads `\ * ? [` as pattern syntax.
_PATTERN_SYNTAX = ("\\", "*", "?", "[")


def literal_pattern(path: str) -> str:
    """A pattern that matches ``path``: pattern characters escaped, a leading ``#`` or ``!``
    escaped, and what a line cannot hold (a newline, a carriage return, blanks at either end,
    which the reader trims) replaced by ``?``, which matches any one character but ``/``."""
    out = []
    for i, ch in enumerate(path):
        if ch in _PATTERN_SYNTAX or (i == 0 and ch in "#!"):
            out.append("\\" + ch)
        elif ch in "\r\n" or (ch.isspace() and (i == 0 or i == len(path) - 1)):
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def plan_dockerignore(target: "ContextTarget") -> FixPlan:
    """Work out the lines to add (nothing is written)."""
    path = target.ignore_path
    old_text = read_text(path, what=".dockerignore file") if target.ignore else ""
    plan = FixPlan(path=path, old_text=old_text)
    scan = target.scan
    sources = [s for s in target.copy_sources if not s.is_everything]
    current = list(target.ignore.patterns) if target.ignore else []
    excluded_now = [False] * len(scan.files)  # every walked file in scan.files is sent
    for candidate in _candidates(target):
        for attempt, named in candidate.attempts:
            if named is not None:
                attempt = literal_pattern(named)
            newly = _newly_excluded(attempt, scan.files, excluded_now)
            why = _refusal(attempt, newly, current, scan.files, sources)
            if why is None and named is not None and not _only(named, newly, scan.files):
                why = "no .dockerignore line matches this name alone"
            if why is None:
                plan.added.append(attempt)
                plan.owners.append(candidate.owners[0])
                current.append(attempt)
                for i in newly:
                    excluded_now[i] = True
                break
            plan.skipped.append((attempt, why))
    plan.files_before, plan.bytes_before = len(scan.files), scan.total_bytes
    kept = [size for size, gone in zip(scan.sizes, excluded_now) if not gone]
    plan.files_after, plan.bytes_after = len(kept), sum(kept)
    return plan


def _only(path: str, newly: list[int], files: list[str]) -> bool:
    """``newly`` excluded files are ``path`` and what lies below it, nothing else."""
    below = path + "/"
    return all(files[i] == path or files[i].startswith(below) for i in newly)


def _newly_excluded(pattern: str, files: list[str], excluded_now: list[bool]) -> list[int]:
    """Indexes of still-sent files that ``pattern``, appended last, would exclude."""
    compiled = compile_pattern(pattern)
    match = compiled.match
    out = []
    for i, f in enumerate(files):
        if excluded_now[i]:
            continue
        if match(f):
            out.append(i)
            continue
        parts = f.split("/")
        if any(match("/".join(parts[:j])) for j in range(1, len(parts))):
            out.append(i)
    return out


def _refusal(pattern: str, newly: list[int], current: list[str], files: list[str],
             sources: list[ContextSource]) -> str | None:
    """Why ``pattern`` (which would exclude ``newly``) must not be added (None = it is safe).

    A COPY of a directory needs the directory, not every cache inside it: excluding
    ``src/__pycache__`` is fine for ``COPY src /app``, excluding ``src`` is not.
    """
    if not newly:
        return "excludes nothing new"
    compiled = compile_pattern(pattern)
    for source in sources:
        named = [] if source.has_wildcard else [source.path]
        if source.has_wildcard:
            named = [files[i] for i in newly if needs(source, files[i])]
        for path in named:
            parts = path.split("/")
            if any(compiled.match("/".join(parts[:j])) for j in range(1, len(parts) + 1)):
                instr = source.instruction
                return f"{instr.keyword} {source.raw} (line {instr.line}) needs {path}"
    before = PatternMatcher(current)
    for i in newly:
        parts = files[i].split("/")
        last = max(before.last_match("/".join(parts[:j])) for j in range(1, len(parts) + 1))
        if last >= 0 and before.patterns[last].exclusion:
            return f"would override your exception {('!' + before.patterns[last].text)!r} for {files[i]}"
    return None


# What a plan depends on -> (the scan, the plan): checking many Dockerfiles of one context
# plans once per distinct set of COPY/ADD sources, not once per Dockerfile.
_PLANS: dict[tuple, tuple[object, FixPlan]] = {}


def dockerignore_plan(target: "ContextTarget") -> FixPlan:
    """The plan of ``target``, worked out once however many findings ask for their fix."""
    sources = tuple((s.instruction.keyword, s.instruction.line, s.raw, s.path)
                    for s in target.copy_sources)
    key = (id(target.scan), id(target.ignore), target.ignore_path, target.large_threshold, sources)
    cached = _PLANS.get(key)
    if cached is None or cached[0] is not target.scan:
        cached = _PLANS[key] = (target.scan, plan_dockerignore(target))
    return cached[1]


def dockerignore_fix(target: "ContextTarget", owners: "list[str] | None") -> Fix | None:
    """The fix of the DC finding about ``owners`` (paths; None: every line, for DC001)."""
    return dockerignore_plan(target).fix_for(None if owners is None else set(owners))
