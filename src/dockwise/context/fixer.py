"""``dockwise context --write-dockerignore``: create or extend ``.dockerignore`` from what the
context actually holds.

Guarantees: the user's lines are kept byte for byte (new lines are appended in a marked
block); no new pattern excludes a path a COPY/ADD of the Dockerfile names (``COPY .`` aside);
no new pattern overrides one of the user's ``!`` exceptions; the write is atomic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise._record import DataRecord
from dockwise.context.analyze import LOG_EXT
from dockwise.context.copies import ContextSource, context_sources, needs
from dockwise.context.patterns import PatternMatcher, compile_pattern
from dockwise.inputs import atomic_write, read_text

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextTarget

HEADER = "# Added by dockwise context --write-dockerignore"
ANYWHERE = {"node_modules", "__pycache__", ".pytest_cache", ".mypy_cache", ".tox", ".nox", ".venv",
            "venv", ".terraform", ".cache", ".gradle", ".next"}


class FixPlan(DataRecord):
    __slots__ = ("path", "old_text", "added", "skipped", "bytes_before", "bytes_after",
                 "files_before", "files_after")

    path: str
    old_text: str
    added: list[str]
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
        self.skipped = [] if skipped is None else skipped
        self.bytes_before = bytes_before
        self.bytes_after = bytes_after
        self.files_before = files_before
        self.files_after = files_after

    @property
    def new_text(self) -> str:
        if not self.added:
            return self.old_text
        text = self.old_text
        if text and not text.endswith("\n"):
            text += "\r\n" if "\r\n" in text else "\n"
        newline = "\r\n" if "\r\n" in text else "\n"
        lead = newline if text.strip() else ""
        return text + lead + newline.join([HEADER, *self.added]) + newline

    @property
    def saved_bytes(self) -> int:
        return self.bytes_before - self.bytes_after


def _candidates(target: "ContextTarget") -> list[tuple[str, list[str]]]:
    """(pattern, fallbacks) in the order they should appear."""
    out: list[tuple[str, list[str]]] = []
    for heavy in target.unwanted_dirs:
        name = heavy.path.rsplit("/", 1)[-1]
        if name in ANYWHERE:
            out.append((f"**/{name}", [heavy.path]))
        else:
            out.append((heavy.path, []))
    env_files = [s.path for s in target.secrets if s.path.rsplit("/", 1)[-1].lower().startswith(".env")]
    if env_files:
        out.append(("**/.env", []))
        out.append(("**/.env.*", env_files))
    for secret in target.secrets:
        if secret.path not in env_files:
            out.append((secret.path, []))
    for large in target.large_files:
        if large.kind == "log" and large.path.lower().endswith(LOG_EXT):
            out.append(("**/*.log", [large.path]))
        else:
            out.append((large.path, []))
    seen: set[str] = set()
    unique = []
    for pattern, fallbacks in out:
        if pattern not in seen:
            seen.add(pattern)
            unique.append((pattern, fallbacks))
    return unique


def plan_dockerignore(target: "ContextTarget") -> FixPlan:
    """Work out the lines to add (nothing is written)."""
    path = target.ignore_path
    old_text = read_text(path, what=".dockerignore file") if target.ignore else ""
    plan = FixPlan(path=path, old_text=old_text)
    scan = target.scan
    sources = [s for s in context_sources(target.dockerfile) if not s.is_everything]
    current = list(target.ignore.patterns) if target.ignore else []
    excluded_now = [False] * len(scan.files)  # every walked file in scan.files is sent
    for pattern, fallbacks in _candidates(target):
        for attempt in [pattern, *fallbacks]:
            newly = _newly_excluded(attempt, scan.files, excluded_now)
            why = _refusal(attempt, newly, current, scan.files, sources)
            if why is None:
                plan.added.append(attempt)
                current.append(attempt)
                for i in newly:
                    excluded_now[i] = True
                break
            plan.skipped.append((attempt, why))
    plan.files_before, plan.bytes_before = len(scan.files), scan.total_bytes
    kept = [size for size, gone in zip(scan.sizes, excluded_now) if not gone]
    plan.files_after, plan.bytes_after = len(kept), sum(kept)
    return plan


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


def write_plan(plan: FixPlan) -> None:
    if plan.added:
        atomic_write(plan.path, plan.new_text)
