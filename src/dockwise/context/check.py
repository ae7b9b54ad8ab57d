"""What build-context rules (``DC``) see, as ``dockwise check`` and ``dockwise context`` give it.

A DC rule is a :class:`~dockwise.findings.ContextRule` with an ``info`` in any module of
``dockwise.context.rules``; the catalogue finds it and :mod:`dockwise.engine` runs it. It sees
one :class:`ContextTarget`: the context directory, the ``.dockerignore`` in effect (parsed,
with line/column of every pattern), the single walk of the context (a :class:`BuildContext`
shared by every Dockerfile of that context), and -- when there is one -- the Dockerfile.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dockwise._record import DataRecord
from dockwise.context.analyze import DEFAULT_LARGE_BYTES
from dockwise.findings import ContextRule, Finding, Location, RuleInfo, Severity, Target, span_location
from dockwise.textsafe import printable

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.copies import ContextSource
    from dockwise.context.ignorefile import IgnoreFile
    from dockwise.context.scan import ContextScan
    from dockwise.context.sent import ContextPaths, SentPath
    from dockwise.model import BuildModel
    from dockwise.syntax.tree import Dockerfile, Span

__all__ = ["BuildContext", "ContextRule", "ContextTarget", "quote_path", "read_context"]


class BuildContext(DataRecord):
    """One build context as every Dockerfile built from it sees it: the single walk (honouring
    the ``.dockerignore`` in effect) and what is derived from it alone, computed on first use.
    Read once per context directory per run and shared by every Dockerfile of that directory
    (:func:`read_context`); picklable, so ``check --jobs`` hands the one read to its workers."""

    __slots__ = ("context_dir", "scan", "ignore", "large_threshold", "_memo", "_paths")
    _transient = ("_paths",)  # path queries: each process answers its own

    context_dir: str
    scan: "ContextScan"
    ignore: "IgnoreFile | None"  # None when no .dockerignore applies
    large_threshold: int
    _memo: dict[str, Any]
    _paths: "ContextPaths | None"

    def __init__(self, context_dir: str, scan: "ContextScan", ignore: "IgnoreFile | None",
                 large_threshold: int = DEFAULT_LARGE_BYTES, _memo: dict[str, Any] | None = None) -> None:
        self.context_dir = context_dir
        self.scan = scan
        self.ignore = ignore
        self.large_threshold = large_threshold
        self._memo = {} if _memo is None else _memo
        self._paths = None

    def _memo_get(self, key: str, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def totals(self) -> dict[str, tuple[int, int]]:
        from dockwise.context.analyze import directory_totals

        return self._memo_get("totals", lambda: directory_totals(self.scan))

    @property
    def heavy_dirs(self) -> list:
        from dockwise.context.analyze import heavy_dirs

        return self._memo_get("heavy", lambda: heavy_dirs(self.scan, self.totals))

    @property
    def secrets(self) -> list:
        from dockwise.context.analyze import secrets

        return self._memo_get("secrets", lambda: secrets(self.scan))

    @property
    def large_files(self) -> list:
        from dockwise.context.analyze import large_files

        return self._memo_get("large", lambda: large_files(self.scan, self.large_threshold))

    # -- one path, as the builder has it (Dockerfile rules ask: COPY sources, entrypoint scripts)

    def lookup(self, path: str) -> "SentPath":
        """What the builder receives at ``path`` (a COPY source, relative to the context): a
        sent file with its size, a sent directory, a path .dockerignore keeps out ("not sent"),
        or nothing. Symlinks are followed inside the context only."""
        return self._path_queries().lookup(path)

    def head(self, path: str, limit: int) -> bytes | None:
        """The first ``limit`` bytes of the file the builder receives at ``path``; None when no
        regular file is sent there (excluded by .dockerignore, a directory, absent)."""
        return self._path_queries().head(path, limit)

    def _path_queries(self) -> "ContextPaths":
        if self._paths is None:
            from dockwise.context.sent import ContextPaths

            self._paths = ContextPaths(self.scan)
        return self._paths

    def analysed(self) -> "BuildContext":
        """This context with everything derived from it computed (before it is shared)."""
        self.heavy_dirs, self.secrets, self.large_files  # noqa: B018 - computed for the memo
        return self


class ContextTarget(Target):
    """What a context rule sees: the shared :class:`BuildContext`, and the Dockerfile built from
    it when there is one (what depends on the Dockerfile is computed per Dockerfile)."""

    __slots__ = ("context", "dockerfile", "dockerfile_path", "model", "_memo")

    def __init__(self, context: BuildContext, dockerfile: "Dockerfile | None" = None,
                 dockerfile_path: str | None = None, model: "BuildModel | None" = None) -> None:
        self.context = context
        self.dockerfile = dockerfile
        self.dockerfile_path = dockerfile_path
        # the check's model (its --build-arg values decide what an ARG-named source is); None:
        # built on demand without build arguments
        self.model = model
        self._memo: dict[str, Any] = {}

    context_dir = property(lambda self: self.context.context_dir)
    scan = property(lambda self: self.context.scan)
    ignore = property(lambda self: self.context.ignore)
    large_threshold = property(lambda self: self.context.large_threshold)
    totals = property(lambda self: self.context.totals)
    heavy_dirs = property(lambda self: self.context.heavy_dirs)
    secrets = property(lambda self: self.context.secrets)
    large_files = property(lambda self: self.context.large_files)

    @property
    def ignore_path(self) -> str:
        """Where the .dockerignore is (or would be created)."""
        if self.ignore is not None:
            return self.ignore.path
        return os.path.normpath(os.path.join(self.context_dir, ".dockerignore"))

    @property
    def copy_sources(self) -> list["ContextSource"]:
        """The context files the Dockerfile's COPY/ADD name (empty without a Dockerfile)."""
        if "sources" not in self._memo:
            from dockwise.context.copies import context_sources

            self._memo["sources"] = context_sources(self.dockerfile, self.model)
        return self._memo["sources"]

    @property
    def unwanted_dirs(self) -> list:
        """Heavy directories that are sent and that no COPY/ADD names on purpose."""
        if "unwanted" not in self._memo:
            from dockwise.context.copies import named_by_copy

            sources = self.copy_sources
            self._memo["unwanted"] = [h for h in self.heavy_dirs if named_by_copy(sources, h.path) is None]
        return self._memo["unwanted"]

    # The one finding factory (:meth:`Target.finding`): a span is a place in the Dockerfile, a
    # Location is taken as it is, nothing means the context as a whole (its .dockerignore).
    def locate(self, at: Any) -> Location:
        if at is None:
            return Location(self.ignore_path)
        if isinstance(at, Location):
            return at
        return span_location(self.dockerfile_path or "Dockerfile", at)

    def message(self, text: str) -> str:
        return printable(text)  # messages quote file names of the context

    def at_context(self, info: RuleInfo, message: str, *, severity: Severity | None = None,
                   **extra: Any) -> Finding:
        """A finding about the context as a whole (points at the .dockerignore, or where it belongs)."""
        return self.finding(info, message, severity=severity, **extra)

    def at_ignore_line(self, info: RuleInfo, message: str, line: int, column: int, end_column: int, *,
                       severity: Severity | None = None, **extra: Any) -> Finding:
        location = Location(self.ignore_path, line, column, line, end_column)
        return self.finding(info, message, location, severity=severity, **extra)

    def at_dockerfile(self, info: RuleInfo, message: str, span: "Span", *,
                      severity: Severity | None = None, **extra: Any) -> Finding:
        return self.finding(info, message, span, severity=severity, **extra)


_C_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
              "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NEEDS_QUOTES = re.compile(r'[\x00-\x1f\x7f"\\]')


def _c_escape(ch: str) -> str:
    return _C_ESCAPES.get(ch) or f"\\{ord(ch):03o}"


def quote_path(name: str) -> str:
    """``name`` as ``git ls-files`` shows it: unchanged, or -- when it holds a control
    character, ``"`` or ``\\`` -- in double quotes with C escapes (``"a\\nb"``); bytes that are
    not UTF-8 (surrogate escapes) become octal escapes inside the quotes."""
    if not _NEEDS_QUOTES.search(name):
        return name
    out = []
    for ch in name:
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            out.append(f"\\{ord(ch) - 0xDC00:03o}")
        elif _NEEDS_QUOTES.match(ch):
            out.append(_c_escape(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def read_context(context_dir: str, dockerfile_path: str | None = None, *, classic: bool = False,
                 large_threshold: int = DEFAULT_LARGE_BYTES) -> BuildContext:
    """Walk ``context_dir`` with the ``.dockerignore`` that applies to ``dockerfile_path``."""
    from dockwise.context.scan import scan_context

    scan, ignore = scan_context(context_dir, dockerfile_path, classic=classic)
    return BuildContext(context_dir, scan, ignore, large_threshold)


def context_dir_of(dockerfile_path: str) -> str:
    """The context ``docker build .`` next to ``dockerfile_path`` sends: the file's directory."""
    return os.path.dirname(dockerfile_path) or "."


class ContextReader:
    """Reads each build context once per run: every Dockerfile of a directory (with the same
    ``.dockerignore``) shares one :class:`BuildContext`. Picklable with what it has read, so
    ``check --jobs`` reads the contexts in the parent (:meth:`preload`) and hands them to its
    workers instead of every worker walking the same folder again."""

    def __init__(self, large_threshold: int = DEFAULT_LARGE_BYTES, classic: bool = False,
                 context_dir: str | None = None) -> None:
        self.large_threshold = large_threshold
        self.classic = classic
        self.context_dir = context_dir  # `check --context DIR`: one context for every Dockerfile
        self.read: dict[tuple[str, str | None, int], BuildContext] = {}

    def for_dockerfile(self, dockerfile_path: str, large_threshold: int | None = None) -> BuildContext:
        """The context ``docker build`` sends for ``dockerfile_path``: the given context
        directory, else the file's own directory (``docker build .`` next to it); raises
        :class:`~dockwise.errors.DockwiseError` when it cannot be read (a bad pattern).
        ``large_threshold`` replaces the reader's for this Dockerfile (its config's)."""
        return self.context(self.context_dir or context_dir_of(dockerfile_path), dockerfile_path,
                            large_threshold)

    def context(self, context_dir: str, dockerfile_path: str | None,
                large_threshold: int | None = None) -> BuildContext:
        from dockwise.context.ignorefile import ignore_file_for

        # Keyed by the directory as named (findings name it so); the walk itself is shared by
        # every spelling of it (scan_context).
        threshold = self.large_threshold if large_threshold is None else large_threshold
        key = (context_dir, ignore_file_for(context_dir, dockerfile_path), threshold)
        found = self.read.get(key)
        if found is None:
            found = self.read[key] = read_context(context_dir, dockerfile_path, classic=self.classic,
                                                  large_threshold=threshold)
        return found

    def preload(self, dockerfile_paths: Iterable[str]) -> "ContextReader":
        """Read (and analyse) the context of every Dockerfile; one that cannot be read is left
        for the Dockerfile's own check to report."""
        for path in dockerfile_paths:
            try:
                self.for_dockerfile(path).analysed()
            except Exception:  # noqa: BLE001 - the Dockerfile's own check reports the crash
                continue
        return self
