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
# The regex atoms of the glob wildcards that repeat (a backtracking engine tries every split
# of the path between them); ``?`` and literals match one character each.
DOUBLE_STAR, STAR, TAIL = "(?:.*/)?", "[^/]*", ".*"
_REPEATING = (DOUBLE_STAR, STAR, TAIL)
# A pattern with this many repeating atoms is matched by LinearMatch, not by ``re``: with k of
# them a failing match costs up to len(path)**k steps (``**/a/**/a/**/a/**/b`` on a deep path).
LINEAR_FROM = 3
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
    kind, atoms = _translate_atoms(pattern)
    return kind, "".join(atoms)


def _translate_atoms(pattern: str) -> tuple[str, list[str]]:
    """(match type, the regex source as a list of atoms: one per glob element)."""
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
                    out.append(DOUBLE_STAR)
                    kind = REGEXP
                if first:
                    kind = SUFFIX
            else:
                out.append(STAR)
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
    return kind, out


def _escape(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        if ch == "z":
            return "\\Z"
        if ch not in _SAFE_LETTER_ESCAPES:
            raise ValueError(f"unsupported escape \\{ch}")
    return "\\" + ch


class LinearMatch:
    """Full match of a translated pattern in time linear in the path (per atom), whatever its
    wildcards: the set of path positions reachable after each atom is carried forward, as a
    Thompson NFA does, instead of backtracking. Same language as the regex of the same atoms
    (``.`` stops at a newline there too).

    The atoms between two repeating ones form a chunk that matches at most one way from a
    given position (literals, ``[^/]``, classes, escapes); ``build`` returns None for a
    pattern where that does not hold (a ``*`` inside ``[...]``), which then stays a regex."""

    __slots__ = ("steps", "literals")

    def __init__(self, steps: list, literals: list[str]) -> None:
        self.steps = steps  # ("chunk", compiled regex) or (repeating atom, None)
        self.literals = literals  # plain text every match contains: a cheap first test

    def __eq__(self, other: object) -> bool:  # Pattern records compare by value
        return isinstance(other, LinearMatch) and (self.steps, self.literals) == (other.steps, other.literals)

    def __hash__(self) -> int:
        return hash(tuple(self.literals))

    @classmethod
    def build(cls, atoms: list[str]) -> "LinearMatch | None":
        steps: list = []
        literals: list[str] = []
        chunk: list[str] = []
        for atom in [*_collapsed(atoms), None]:
            if atom is not None and atom not in _REPEATING:
                chunk.append(atom)
                continue
            if chunk:
                source = "".join(chunk)
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        steps.append(("chunk", re.compile(source)))
                except re.error:
                    return None
                text = _plain_text(chunk)
                if text:
                    literals.append(text)
                chunk = []
            if atom is not None:
                steps.append((atom, None))
        return cls(steps, literals)

    def fullmatch(self, path: str) -> bool:
        if not all(text in path for text in self.literals):
            return False
        n = len(path)
        reach = [False] * (n + 1)
        reach[0] = True
        for atom, regex in self.steps:
            if atom == "chunk":
                reach = _after_chunk(reach, regex, path)
            else:
                reach = _after_repeat(reach, atom, path)
            if not any(reach):
                return False
        return reach[n]


def _collapsed(atoms: list[str]) -> list[str]:
    """``atoms`` with runs of ``(.*/)?`` (and of ``[^/]*``) kept once: ``(.*/)?(.*/)?`` is the
    language of ``(.*/)?``, and each copy is one more step per path position."""
    out: list[str] = []
    for atom in atoms:
        if not (out and atom == out[-1] and atom in (DOUBLE_STAR, STAR)):
            out.append(atom)
    return out


def _plain_text(chunk: list[str]) -> str:
    """The literal text of a chunk made only of plain and escaped punctuation, else ""."""
    out = []
    for atom in chunk:
        if len(atom) == 1 and atom not in "[]^$.":
            out.append(atom)
        elif len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum():
            out.append(atom[1])
        else:
            return ""
    return "".join(out)


def _after_chunk(reach: list[bool], regex: "re.Pattern[str]", path: str) -> list[bool]:
    after = [False] * len(reach)
    for start, ok in enumerate(reach):
        if ok:
            match = regex.match(path, start)
            if match is not None:
                after[match.end()] = True
    return after


def _after_repeat(reach: list[bool], atom: str, path: str) -> list[bool]:
    """Positions reachable after ``[^/]*``, ``.*`` or ``(?:.*/)?`` from those in ``reach``."""
    after = list(reach)
    if atom == STAR or atom == TAIL:
        stop = "/" if atom == STAR else "\n"
        for q in range(1, len(reach)):
            if not after[q] and after[q - 1] and path[q - 1] != stop:
                after[q] = True
        return after
    running = False  # some start position with no newline since it
    for q in range(1, len(reach)):
        running = (running and path[q - 2] != "\n") or reach[q - 1]
        if path[q - 1] == "/" and running:
            after[q] = True
    return after


class Pattern(DataRecord):
    """One compiled pattern (``text`` is the cleaned pattern without its ``!``)."""

    __slots__ = ("text", "exclusion", "kind", "regex", "source", "linear")

    text: str
    exclusion: bool
    kind: str
    regex: "re.Pattern[str] | None"  # compiled on first use when built by a PatternMatcher
    source: str  # regex source (for combining), anchored semantics implied
    linear: LinearMatch | None  # set for patterns a backtracking regex could hang on

    def __init__(self, text: str, exclusion: bool, kind: str, regex: "re.Pattern[str] | None",
                 source: str, linear: LinearMatch | None = None) -> None:
        self.text = text
        self.exclusion = exclusion
        self.kind = kind
        self.regex = regex
        self.source = source
        self.linear = linear

    def match(self, path: str) -> bool:
        if self.kind == EXACT:
            return path == self.text
        if self.kind == PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind == SUFFIX:
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        if self.linear is not None:
            return self.linear.fullmatch(path)
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
    kind, atoms = _translate_or_fail(text, raw)
    source = "".join(atoms)
    linear = None
    if kind == REGEXP and sum(atom in _REPEATING for atom in atoms) >= LINEAR_FROM:
        linear = LinearMatch.build(atoms)
    # a pattern matched linearly is still validated as the regex BuildKit compiles
    regex = _compile_regex(source, raw.strip()) if kind == REGEXP and (eager or linear) else None
    return Pattern(text=text, exclusion=exclusion, kind=kind, regex=regex, source=source, linear=linear)


def _translate_or_fail(text: str, raw: str) -> tuple[str, list[str]]:
    try:
        return _translate_atoms(text)
    except ValueError as exc:
        raise BadPatternError(f"syntax error in pattern {raw.strip()!r} ({exc})") from None


class _Alternatives:
    """Patterns matched as one regex whose ``lastindex`` numbers the highest-numbered one that
    matches, plus those a backtracking regex could hang on, matched one by one linearly."""

    def __init__(self, patterns: list[Pattern], indices: list[int]) -> None:
        self.linear = [(i, patterns[i]) for i in indices if patterns[i].linear is not None]
        self.regular = [i for i in indices if patterns[i].linear is None]
        self.combined: "re.Pattern[str] | None" = None
        if self.regular:  # re.error is the caller's to report
            alternatives = [f"({patterns[i].combinable_source()})" for i in reversed(self.regular)]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.combined = re.compile("|".join(alternatives))

    def last_match(self, path: str, best: int) -> int:
        """The highest index of a pattern here matching ``path``, if above ``best``; else ``best``."""
        if self.combined is not None:
            m = self.combined.fullmatch(path)
            if m is not None:
                best = max(best, self.regular[len(self.regular) - m.lastindex])  # type: ignore[operator]
        for index, pattern in reversed(self.linear):
            if index <= best:
                break
            if pattern.linear.fullmatch(path):  # type: ignore[union-attr]
                return index
        return best


class _ByText:
    """Pattern indices keyed by a text that a matching path must begin (or end) with: a path
    looks up its own beginnings (ends) of each length that occurs, instead of trying every
    pattern."""

    def __init__(self, at_end: bool) -> None:
        self.at_end = at_end
        self.by_text: dict[str, list[int]] = {}
        self.lengths: list[int] = []

    def add(self, text: str, index: int) -> None:
        self.by_text.setdefault(text, []).append(index)

    def freeze(self) -> None:
        self.lengths = sorted({len(text) for text in self.by_text})

    def candidates(self, path: str):
        """The index lists of the keys ``path`` begins (ends) with."""
        by_text = self.by_text
        n = len(path)
        for length in self.lengths:
            if length > n:
                break
            found = by_text.get(path[n - length:] if self.at_end else path[:length])
            if found is not None:
                yield found


class PatternMatcher:
    """An ordered list of patterns; ``excluded(path)`` is BuildKit's MatchesOrParentMatches.

    Matching a path costs about the same however many patterns there are: exact patterns are
    a dict, prefix and suffix patterns dicts keyed by their text, and wildcard patterns are
    grouped by the literal text they begin or end with, so a path only tries the groups whose
    text it has (the rest share one combined regex)."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns: list[Pattern] = []
        for index, raw in enumerate(p for p in patterns if p.strip()):
            try:
                self.patterns.append(compile_pattern(raw, eager=False))
            except BadPatternError as exc:
                exc.index = index  # type: ignore[attr-defined]
                raise
        self.has_exclusions = any(p.exclusion for p in self.patterns)
        self._index()
        self._exception_starts = _TextStarts(
            _literal_prefix(p) for p in self.patterns if p.exclusion)

    def _index(self) -> None:
        # text -> indices of the patterns matching exactly that path, in order
        self._exact: dict[str, list[int]] = {}
        self._prefix = _ByText(at_end=False)
        self._suffix = _ByText(at_end=True)
        self._suffix_exact: dict[str, list[int]] = {}  # ``**/a`` also matches ``a`` itself
        wildcard_starts, wildcard_ends = _ByText(at_end=False), _ByText(at_end=True)
        general: list[int] = []
        for index, pattern in enumerate(self.patterns):
            text = pattern.text
            if pattern.kind == EXACT:
                self._exact.setdefault(text, []).append(index)
            elif pattern.kind == PREFIX:
                self._prefix.add(text[:-2], index)
            elif pattern.kind == SUFFIX:
                self._suffix.add(text[2:], index)
                if text[2:3] == "/":
                    self._suffix_exact.setdefault(text[3:], []).append(index)
            else:
                start, end = _literal_ends(text)
                if len(start) >= len(end) and start:
                    wildcard_starts.add(start, index)
                elif end:
                    wildcard_ends.add(end, index)
                else:
                    general.append(index)
        for by_text in (self._prefix, self._suffix, wildcard_starts, wildcard_ends):
            by_text.freeze()
        self._general_indices = general
        self._wildcards = (wildcard_starts, wildcard_ends)
        try:
            self._general = _Alternatives(self.patterns, general)
            self._groups: list[tuple[_ByText, dict[int, _Alternatives]]] = [
                (by_text, {id(indices): _Alternatives(self.patterns, indices)
                           for indices in by_text.by_text.values()})
                for by_text in (wildcard_starts, wildcard_ends)]
        except re.error:
            self._name_bad_pattern()

    def _name_bad_pattern(self) -> None:
        """Raise for the first pattern whose expression does not compile (``index`` on the error)."""
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
        best = -1
        for exact in (self._exact, self._suffix_exact):
            indices = exact.get(path)
            if indices is not None:
                best = max(best, indices[-1])
        for by_text in (self._prefix, self._suffix):
            for indices in by_text.candidates(path):
                best = max(best, indices[-1])
        best = self._general.last_match(path, best)
        for by_text, groups in self._groups:
            for indices in by_text.candidates(path):
                if indices[-1] > best:
                    best = groups[id(indices)].last_match(path, best)
        return best

    def all_matches(self, path: str) -> set[int]:
        """Indices of every pattern matching ``path`` itself (``Pattern.match``), found through
        the same indexes: for "which patterns match nothing" over a whole context."""
        found: set[int] = set()
        for exact in (self._exact, self._suffix_exact):
            found.update(exact.get(path, ()))
        for by_text in (self._prefix, self._suffix):
            for indices in by_text.candidates(path):
                found.update(indices)
        candidates = [self._general_indices]
        for by_text in self._wildcards:
            candidates.extend(by_text.candidates(path))
        patterns = self.patterns
        for indices in candidates:
            found.update(i for i in indices if patterns[i].match(path))
        return found

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
        return self._exception_starts.related(directory + "/")


class _TextStarts:
    """A set of texts answering "is one of them a prefix of ``text``, or ``text`` a prefix of
    one of them" without trying each."""

    def __init__(self, texts) -> None:
        self.sorted = sorted(set(texts))
        self.set = set(self.sorted)
        self.lengths = sorted({len(t) for t in self.sorted})

    def related(self, text: str) -> bool:
        import bisect

        at = bisect.bisect_left(self.sorted, text)
        if at < len(self.sorted) and self.sorted[at].startswith(text):
            return True
        return any(text[:length] in self.set for length in self.lengths if length <= len(text))


# What is not plain text in a pattern: an escape with its character, ``**/`` (whose slash is
# part of the optional ``(.*/)?``), a wildcard, a class bracket.
_NOT_PLAIN = re.compile(r"\\.|\*\*/|[*?\[\]\\]", re.DOTALL)


def _literal_ends(text: str) -> tuple[str, str]:
    """The plain text a wildcard pattern begins with and ends with (up to the first and after
    the last wildcard, class or escape): every path it matches begins and ends so."""
    special = list(_NOT_PLAIN.finditer(text))
    if not special:
        return text, text
    return text[:special[0].start()], text[special[-1].end():]


def _literal_prefix(p: Pattern) -> str:
    if p.kind == SUFFIX:
        return ""
    if p.kind == EXACT:
        return p.text + "/"  # an exact exception matches only itself (its children via parents: no)
    m = re.search(r"[*?\[\\\]]", p.text)
    return p.text[: m.start()] if m else p.text
