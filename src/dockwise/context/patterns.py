"""``.dockerignore`` pattern matching exactly as BuildKit and the docker CLI apply it.

Reimplemented from the documented behaviour of moby/patternmatcher (see
``../shared/corpus/dockerignore-cases/SOURCE.md``), not from a gitignore library:

* matching is on the whole slash-separated path relative to the context root
  (``*.go`` matches ``a.go`` but not ``dir/a.go``);
* ``*`` and ``?`` never cross ``/``; ``[...]`` classes; ``\\`` escapes the next character;
* ``**`` matches any number of segments (``(.*/)?`` inside a pattern, ``.*`` at its end);
  a pattern starting with ``**`` and no other wildcard is a plain suffix test, one ending
  with ``**`` and no other wildcard a plain prefix test, one without wildcards equality;
* a path is excluded when a pattern matches it *or one of its parent directories*;
* the last matching pattern wins (``!`` patterns re-include);
* a pattern Go's ``filepath.Match`` would reject is an error.

One deliberate difference: a pattern whose regular expression does not compile (``[z-a]``)
is reported when the matcher is built, where BuildKit fails at the first path it tests.
"""

from __future__ import annotations

import re
import warnings

from dockwise._record import DataRecord
from dockwise.errors import DockwiseError

EXACT, PREFIX, SUFFIX, REGEXP = "exact", "prefix", "suffix", "regexp"
_REGEX_ESCAPED = set(".+()|{}$")
# Escapes RE2 and Python's re agree on; any other escaped letter or digit is a bad pattern.
_SAFE_LETTER_ESCAPES = set("dDsSwWbBAfnrtv")


class BadPatternError(DockwiseError):
    """A .dockerignore pattern BuildKit would reject (the build would fail)."""


def go_clean(path: str) -> str:
    """Go's ``path.Clean``: collapse ``//``, drop ``.``, resolve ``..``, no trailing ``/``."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def _check_class(pattern: str, i: int) -> int:
    """Validate a ``[...]`` class starting at ``pattern[i] == '['``; return the index after it."""
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    ranges = 0
    while True:
        if i < len(pattern) and pattern[i] == "]" and ranges > 0:
            return i + 1
        i = _class_char(pattern, i)
        if pattern[i] == "-":
            i = _class_char(pattern, i + 1)
        ranges += 1


def _class_char(pattern: str, i: int) -> int:
    """One (possibly escaped) class member; it must be followed by more pattern."""
    if i >= len(pattern) or pattern[i] in "-]":
        raise ValueError("bad class member")
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            raise ValueError("trailing backslash")
    i += 1
    if i >= len(pattern):
        raise ValueError("unterminated class")
    return i


def validate_glob(pattern: str) -> None:
    """Raise ValueError where Go's ``filepath.Match`` reports ``ErrBadPattern``."""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            i = _check_class(pattern, i)
            continue
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise ValueError("trailing backslash")
            i += 2
            continue
        i += 1


def _translate(pattern: str) -> tuple[str, str]:
    """(match type, regex source without anchors), following patternmatcher's compiler."""
    out: list[str] = []
    kind = EXACT
    i, n, first = 0, len(pattern), True
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind == EXACT:
                        kind = PREFIX
                    else:
                        out.append(".*")
                        kind = REGEXP
                else:
                    out.append("(?:.*/)?")
                    kind = REGEXP
                if first:
                    kind = SUFFIX
            else:
                out.append("[^/]*")
                kind = REGEXP
        elif ch == "?":
            out.append("[^/]")
            kind = REGEXP
        elif ch in _REGEX_ESCAPED:
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append(_escape(pattern[i]))
                i += 1
                kind = REGEXP
            else:
                out.append("\\")
        elif ch in "[]":
            out.append(ch)
            kind = REGEXP
        else:
            out.append(ch)
        first = False
    return kind, "".join(out)


def _escape(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        if ch == "z":
            return "\\Z"
        if ch not in _SAFE_LETTER_ESCAPES:
            raise ValueError(f"unsupported escape \\{ch}")
    return "\\" + ch


class Pattern(DataRecord):
    """One compiled pattern (``text`` is the cleaned pattern without its ``!``)."""

    __slots__ = ("text", "exclusion", "kind", "regex", "source")

    text: str
    exclusion: bool
    kind: str
    regex: "re.Pattern[str] | None"  # compiled on first use when built by a PatternMatcher
    source: str  # regex source (for combining), anchored semantics implied

    def __init__(self, text: str, exclusion: bool, kind: str, regex: "re.Pattern[str] | None",
                 source: str) -> None:
        self.text = text
        self.exclusion = exclusion
        self.kind = kind
        self.regex = regex
        self.source = source

    def match(self, path: str) -> bool:
        if self.kind == EXACT:
            return path == self.text
        if self.kind == PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind == SUFFIX:
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        if self.regex is None:
            self.regex = _compile_regex(self.source, self.text)
        return self.regex.fullmatch(path) is not None

    def combinable_source(self) -> str:
        """This pattern as one regex alternative with the same meaning."""
        if self.kind == EXACT:
            return re.escape(self.text)
        if self.kind == PREFIX:
            return "(?s:" + re.escape(self.text[:-2]) + ".*)"
        if self.kind == SUFFIX:
            suffix = self.text[2:]
            alt = "(?s:.*" + re.escape(suffix) + ")"
            if suffix[:1] == "/":
                alt = "(?:" + alt + "|" + re.escape(suffix[1:]) + ")"
            return alt
        return "(?:" + self.source + ")"


def _compile_regex(source: str, shown: str) -> "re.Pattern[str]":
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(source)
    except re.error as exc:
        raise BadPatternError(f"syntax error in pattern {shown!r} ({exc})") from None


def compile_pattern(raw: str, *, eager: bool = True) -> Pattern:
    """Compile one pattern as ``patternmatcher.New`` does (trim, clean, ``!``, validate).

    With ``eager=False`` the regular expression is compiled on first use (a PatternMatcher
    validates all of them at once through its combined expression)."""
    text = go_clean(raw.strip())
    exclusion = False
    if text.startswith("!"):
        if len(text) == 1:
            raise BadPatternError('illegal exclusion pattern: "!"')
        exclusion = True
        text = text[1:]
    try:
        validate_glob(text)
    except ValueError:
        raise BadPatternError(f"syntax error in pattern {raw.strip()!r}") from None
    kind, source = _translate_or_fail(text, raw)
    regex = _compile_regex(source, raw.strip()) if kind == REGEXP and eager else None
    return Pattern(text=text, exclusion=exclusion, kind=kind, regex=regex, source=source)


def _translate_or_fail(text: str, raw: str) -> tuple[str, str]:
    try:
        return _translate(text)
    except ValueError as exc:
        raise BadPatternError(f"syntax error in pattern {raw.strip()!r} ({exc})") from None


class PatternMatcher:
    """An ordered list of patterns; ``excluded(path)`` is BuildKit's MatchesOrParentMatches."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns: list[Pattern] = []
        for index, raw in enumerate(p for p in patterns if p.strip()):
            try:
                self.patterns.append(compile_pattern(raw, eager=False))
            except BadPatternError as exc:
                exc.index = index  # type: ignore[attr-defined]
                raise
        self.has_exclusions = any(p.exclusion for p in self.patterns)
        self.combined = self._combine()

    def _combine(self) -> "re.Pattern[str] | None":
        """One regex whose ``lastindex`` is the highest-numbered pattern matching a path.

        It also validates every pattern's expression; when it does not compile, the first
        pattern at fault is named (``index`` on the error)."""
        if not self.patterns:
            return None
        alternatives = [f"({p.combinable_source()})" for p in reversed(self.patterns)]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return re.compile("|".join(alternatives))
        except re.error:
            for index, pattern in enumerate(self.patterns):
                if pattern.kind == REGEXP:
                    try:
                        pattern.regex = _compile_regex(pattern.source, pattern.text)
                    except BadPatternError as exc:
                        exc.index = index  # type: ignore[attr-defined]
                        raise
            raise BadPatternError(f"the {len(self.patterns)} patterns together do not compile") from None

    def last_match(self, path: str) -> int:
        """Index of the last pattern matching ``path`` itself (not its parents), or -1."""
        if self.combined is None:
            return -1
        m = self.combined.fullmatch(path)
        if m is None:
            return -1
        return len(self.patterns) - m.lastindex  # type: ignore[operator]

    def decide(self, path: str, parent_last: int) -> tuple[bool, int]:
        """(excluded, last matching index over the path and its ancestors) given the parent's index."""
        last = max(self.last_match(path), parent_last)
        return (last >= 0 and not self.patterns[last].exclusion), last

    def excluded(self, path: str) -> bool:
        """Whether ``path`` (slash-separated, relative to the context root) is excluded."""
        path = go_clean(path)
        if path == ".":
            return False
        last = -1
        parts = path.split("/")
        for i in range(1, len(parts)):
            last = max(last, self.last_match("/".join(parts[:i])))
        return self.decide(path, last)[0]

    def may_reinclude_under(self, directory: str) -> bool:
        """Could an exception pattern re-include something below ``directory``?

        Conservative: false only when every ``!`` pattern's literal start rules it out, so a
        walker may skip an excluded directory without reading it.
        """
        prefix = directory + "/"
        for p in self.patterns:
            if not p.exclusion:
                continue
            literal = _literal_prefix(p)
            if literal.startswith(prefix) or prefix.startswith(literal):
                return True
        return False


def _literal_prefix(p: Pattern) -> str:
    if p.kind == SUFFIX:
        return ""
    if p.kind == EXACT:
        return p.text + "/"  # an exact exception matches only itself (its children via parents: no)
    m = re.search(r"[*?\[\\\]]", p.text)
    return p.text[: m.start()] if m else p.text
