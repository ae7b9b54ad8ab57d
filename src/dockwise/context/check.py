"""Build-context rules (``DC``) as ``dockwise check`` and ``dockwise context`` run them.

A DC rule is a subclass of :class:`ContextRule` with an ``info`` in any module of
``dockwise.context.rules``; the catalogue finds it. It sees one :class:`ContextTarget`: the
context directory, the ``.dockerignore`` in effect (parsed, with line/column of every
pattern), the single walk of the context, and -- when there is one -- the Dockerfile.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dockwise._record import DataRecord
from dockwise.findings import Finding, Location, Rule, RuleInfo, Severity
from dockwise.textsafe import printable

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.ignorefile import IgnoreFile
    from dockwise.context.scan import ContextScan
    from dockwise.syntax.tree import Dockerfile, Span


class ContextRule(Rule):
    """A rule over one build context (and the Dockerfile built from it, if known)."""

    def check(self, target: "ContextTarget") -> Iterable[Finding]:
        raise NotImplementedError


class ContextTarget(DataRecord):
    """What a context rule sees."""

    __slots__ = ("context_dir", "scan", "ignore", "dockerfile", "dockerfile_path",
                 "large_threshold", "_memo")

    context_dir: str
    scan: "ContextScan"
    ignore: "IgnoreFile | None"  # None when no .dockerignore applies
    dockerfile: "Dockerfile | None"
    dockerfile_path: str | None
    large_threshold: int
    _memo: dict[str, Any]

    def __init__(self, context_dir: str, scan: "ContextScan", ignore: "IgnoreFile | None",
                 dockerfile: "Dockerfile | None" = None, dockerfile_path: str | None = None,
                 large_threshold: int = 10 * 1024 * 1024,
                 _memo: dict[str, Any] | None = None) -> None:
        self.context_dir = context_dir
        self.scan = scan
        self.ignore = ignore
        self.dockerfile = dockerfile
        self.dockerfile_path = dockerfile_path
        self.large_threshold = large_threshold
        self._memo = {} if _memo is None else _memo

    @property
    def ignore_path(self) -> str:
        """Where the .dockerignore is (or would be created)."""
        if self.ignore is not None:
            return self.ignore.path
        return os.path.normpath(os.path.join(self.context_dir, ".dockerignore"))

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
    def unwanted_dirs(self) -> list:
        """Heavy directories that are sent and that no COPY/ADD names on purpose."""
        from dockwise.context.copies import context_sources, named_by_copy

        def compute():
            sources = context_sources(self.dockerfile)
            return [h for h in self.heavy_dirs if named_by_copy(sources, h.path) is None]

        return self._memo_get("unwanted", compute)

    @property
    def secrets(self) -> list:
        from dockwise.context.analyze import secrets

        return self._memo_get("secrets", lambda: secrets(self.scan))

    @property
    def large_files(self) -> list:
        from dockwise.context.analyze import large_files

        return self._memo_get("large", lambda: large_files(self.scan, self.large_threshold))

    def at_context(self, info: RuleInfo, message: str, *, severity: Severity | None = None,
                   **extra: Any) -> Finding:
        """A finding about the context as a whole (points at the .dockerignore, or where it belongs)."""
        return Finding.of(info, printable(message), Location(self.ignore_path), severity=severity, **extra)

    def at_ignore_line(self, info: RuleInfo, message: str, line: int, column: int, end_column: int, *,
                       severity: Severity | None = None, **extra: Any) -> Finding:
        location = Location(self.ignore_path, line, column, line, end_column)
        return Finding.of(info, printable(message), location, severity=severity, **extra)

    def at_dockerfile(self, info: RuleInfo, message: str, span: "Span", *,
                      severity: Severity | None = None, **extra: Any) -> Finding:
        location = Location(self.dockerfile_path or "Dockerfile", span.start.line, span.start.column,
                            span.end.line, span.end.column)
        return Finding.of(info, printable(message), location, severity=severity, **extra)


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


def context_rules() -> list[type[ContextRule]]:
    from dockwise.catalog import all_rules

    # Only the DC package: a broken Dockerfile rule elsewhere must not stop the context checks.
    return [r for r in all_rules(("dockwise.context.rules",)) if issubclass(r, ContextRule)]


def run_rules(target: ContextTarget) -> list[Finding]:
    findings: list[Finding] = []
    for rule in context_rules():
        findings.extend(rule().check(target))
    findings.sort(key=lambda f: f.sort_key)
    return findings


def context_target(context_dir: str, dockerfile_path: str | None = None,
                   dockerfile: "Dockerfile | None" = None, *, classic: bool = False) -> ContextTarget:
    """Walk ``context_dir`` (once per process per directory/ignore file) and build the target."""
    from dockwise.context.scan import scan_context

    scan, ignore = scan_context(context_dir, dockerfile_path, classic=classic)
    return ContextTarget(context_dir=context_dir, scan=scan, ignore=ignore,
                         dockerfile=dockerfile, dockerfile_path=dockerfile_path)


def context_findings(dockerfile_path: str, dockerfile: "Dockerfile") -> list[Finding]:
    """Every DC finding for the context ``docker build .`` next to ``dockerfile_path`` would send.

    The context directory is the Dockerfile's directory. The walk is cached per directory
    within a process, so checking several Dockerfiles of one context walks it once.
    """
    context_dir = os.path.dirname(dockerfile_path) or "."
    target = context_target(context_dir, dockerfile_path, dockerfile)
    return run_rules(target)
