"""Reading ``.dockerignore`` files the way BuildKit's ``ignorefile.ReadAll`` does, keeping
where every pattern came from (line, column span) so findings can point at it.

Which file applies (BuildKit's dockerui frontend): ``<Dockerfile path>.dockerignore`` next to
the Dockerfile wins over ``<context>/.dockerignore``; nested ``.dockerignore`` files are not read.
"""

from __future__ import annotations

import os

from dockwise._record import DataRecord, FrozenRecord
from dockwise.context.patterns import BadPatternError, PatternMatcher, go_clean
from dockwise.errors import InputError
from dockwise.inputs import read_text

BOM = "\ufeff"


class IgnoreLine(FrozenRecord):
    """One pattern line: ``pattern`` as BuildKit uses it (``!`` kept), ``raw`` as written."""

    __slots__ = ("line", "raw", "pattern", "column", "end_column")

    line: int  # 1-based
    raw: str  # the whole line without its newline (BOM removed on line 1)
    pattern: str  # cleaned, '!' prefixed for exceptions
    column: int  # 1-based column of the first non-blank character
    end_column: int  # exclusive, after the last non-blank character

    def __init__(self, line: int, raw: str, pattern: str, column: int, end_column: int) -> None:
        self._set(line=line, raw=raw, pattern=pattern, column=column, end_column=end_column)

    @property
    def exclusion(self) -> bool:
        return self.pattern.startswith("!")


class IgnoreFile(DataRecord):
    __slots__ = ("path", "text", "lines", "_matcher")

    path: str
    text: str
    lines: list[IgnoreLine]
    _matcher: PatternMatcher | None

    def __init__(self, path: str, text: str, lines: list[IgnoreLine],
                 _matcher: PatternMatcher | None = None) -> None:
        self.path = path
        self.text = text
        self.lines = lines
        self._matcher = _matcher

    @property
    def patterns(self) -> list[str]:
        return [entry.pattern for entry in self.lines]

    @property
    def matcher(self) -> PatternMatcher:
        if self._matcher is None:
            self._matcher = build_matcher(self)
        return self._matcher


def clean_pattern(text: str) -> str:
    """Steps 3-5 of ReadAll for one non-comment line: trim, ``!``, Clean, one leading ``/``."""
    pattern = text.strip()
    invert = pattern.startswith("!")
    if invert:
        pattern = pattern[1:].strip()
    if pattern:
        pattern = go_clean(pattern)
        if len(pattern) > 1 and pattern[0] == "/":
            pattern = pattern[1:]
    return "!" + pattern if invert else pattern


def parse_ignore(text: str, path: str = ".dockerignore") -> IgnoreFile:
    """Parse the text of a .dockerignore (comments only at column 0, BOM stripped)."""
    if text.startswith(BOM):
        text = text[len(BOM):]
    entries = []
    for number, raw in enumerate(_split_lines(text), start=1):
        if raw.startswith("#"):
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        column = len(raw) - len(raw.lstrip()) + 1
        end_column = len(raw.rstrip()) + 1
        entries.append(IgnoreLine(number, raw, clean_pattern(raw), column, end_column))
    return IgnoreFile(path=path, text=text, lines=entries)


def _split_lines(text: str) -> list[str]:
    """Lines as Go's bufio.ScanLines yields them: split on \\n, one trailing \\r dropped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def build_matcher(ignore: IgnoreFile) -> PatternMatcher:
    """The matcher for ``ignore``; a bad pattern becomes an error naming its line."""
    try:
        return PatternMatcher(ignore.patterns)
    except BadPatternError as exc:
        entry = ignore.lines[getattr(exc, "index", 0)]
        raise BadPatternError(f"line {entry.line}: {exc.message}; BuildKit would fail the build",
                              path=ignore.path) from None


def ignore_file_for(context_dir: str, dockerfile_path: str | None = None) -> str | None:
    """The path of the .dockerignore that applies, or None when there is none.

    Something that exists but is not a readable file (a directory, a dangling link) is
    returned too, so that reading it fails with a clear error as the build would."""
    if dockerfile_path:
        specific = dockerfile_path + ".dockerignore"
        if os.path.lexists(specific):
            return specific
    default = os.path.normpath(os.path.join(context_dir, ".dockerignore"))
    return default if os.path.lexists(default) else None


def load_ignore(context_dir: str, dockerfile_path: str | None = None) -> IgnoreFile | None:
    path = ignore_file_for(context_dir, dockerfile_path)
    if path is None:
        return None
    _refuse_link_out_of(os.path.dirname(path) or ".", path)
    ignore = parse_ignore(read_text(path, what=".dockerignore file"), path)
    ignore.matcher  # validate now: bad patterns are errors, as in BuildKit
    return ignore


def _refuse_link_out_of(directory: str, path: str) -> None:
    """A .dockerignore that is a symlink leaving its directory (the build context, or the
    Dockerfile's for ``<Dockerfile>.dockerignore``) is an error. BuildKit resolves links inside
    the context it was sent, so it never reads such a target; and reading it here would print
    lines of whatever it points at (``/etc/shadow``, a CI runner's credentials) in the report."""
    if not os.path.islink(path):
        return
    target = os.path.realpath(path)
    root = os.path.realpath(directory)
    if os.path.commonpath([root, target]) != root:
        raise InputError("is a symlink to a file outside the build context; BuildKit does not "
                         "follow it there, and dockwise does not read it: make it a regular file",
                         path=path)
