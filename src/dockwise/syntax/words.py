"""BuildKit's shell-word lexer: quote removal, escapes and ``$VAR`` expansion.

This reimplements the documented behaviour of BuildKit's Dockerfile word processing (what
``FROM``, ``ENV``, ``ARG``, ``COPY``, ``WORKDIR``, ``USER``, ``LABEL`` ... do to their
arguments before they are used): single quotes are literal, double quotes keep everything but
``$`` and the escape character, the escape character (``\\`` or the ``# escape=`` backtick)
protects the next character, and ``$NAME`` / ``${NAME...}`` are substituted. It is *not* a
shell: there is no command substitution, globbing or arithmetic.

Two ways to treat a variable that is not in ``env``:

* ``keep_unknown=False`` (BuildKit): it expands to the empty string;
* ``keep_unknown=True`` (static analysis): the reference is left in the text exactly as it was
  written (``${TAG:-latest}`` stays ``${TAG:-latest}``), so nothing is ever guessed.

Either way its name is reported in :attr:`ExpandResult.unknown` -- but only when the unknown
value could change the result (``${A:-$B}`` with ``A`` set does not depend on ``B``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dockwise.errors import DockwiseError

__all__ = ["ExpandResult", "ExpansionError", "ExpansionTooLarge", "VariableReference", "process_word", "process_words", "expand",
           "has_expansion", "variable_references"]

_SPECIAL_PARAMS = frozenset("@*#?-$!0")


class ExpansionError(DockwiseError):
    """A word BuildKit refuses to process (unterminated quote, bad ``${...}``, ``${X:?msg}``)."""


class ExpansionTooLarge(ExpansionError):
    """Substitution would add more characters to the word than the caller's ``limit``.

    BuildKit has no such limit, but a few lines such as ``ARG A2=${A1}${A1}`` double a value
    on each line: without one, 30 lines of text ask for gigabytes."""


class ExpandResult:
    """The processed word and the variables that were needed but not in ``env``.

    ``words`` is the word split BuildKit's way (filled only when asked: ``split=True``);
    ``added`` counts the characters substitution put into the word (variable values, and what
    ``${VAR/pattern/replacement}`` grew by)."""

    __slots__ = ("text", "unknown", "words", "added")

    def __init__(self, text: str, unknown: set[str] | None = None, words: list[str] | None = None,
                 added: int = 0) -> None:
        self.text = text
        self.unknown: set[str] = unknown if unknown is not None else set()
        self.words: list[str] = words if words is not None else []
        self.added = added

    def __repr__(self) -> str:
        return f"ExpandResult(text={self.text!r}, unknown={self.unknown!r}, words={self.words!r})"


class VariableReference(tuple):
    """One ``$NAME`` / ``${NAME...}`` in a word: ``word[start:end]`` is the whole reference.

    A plain tuple ``(name, start, end, braced)`` with named accessors."""

    __slots__ = ()

    def __new__(cls, name: str, start: int, end: int, braced: bool) -> "VariableReference":
        return tuple.__new__(cls, (name, start, end, braced))

    name = property(lambda self: self[0])
    start = property(lambda self: self[1])
    end = property(lambda self: self[2])
    braced = property(lambda self: self[3])

    def __repr__(self) -> str:
        return f"VariableReference(name={self[0]!r}, start={self[1]}, end={self[2]}, braced={self[3]})"


def variable_references(word: str, escape: str = "\\") -> list[VariableReference]:
    """Every variable reference BuildKit would expand in ``word``, in order (references inside
    ``${A:-$B}`` operands included; single-quoted and escaped ``$`` are not references).

    Raises :class:`ExpansionError` where BuildKit would reject the word's syntax."""
    if "$" not in word:
        return []
    lexer = _Lexer(word, {}, escape, keep_unknown=True)
    lexer.refs = []
    lexer.run()
    return sorted(lexer.refs, key=lambda r: r.start)


def has_expansion(word: str, escape: str = "\\") -> bool:
    """True if ``word`` needs the lexer at all (quotes, escapes or ``$``)."""
    return "$" in word or "'" in word or '"' in word or escape in word


def process_word(word: str, env: Mapping[str, str], escape: str = "\\", *,
                 keep_unknown: bool = False, split: bool = False, limit: int | None = None) -> ExpandResult:
    """Expand ``word`` the way BuildKit's ``ProcessWord`` does (one word, spaces kept); with
    ``split`` also fill :attr:`ExpandResult.words` the way ``ProcessWords`` splits.

    ``env`` is only read through ``env.get(name)`` (None: not set), so any lookup object will do.

    Raises :class:`ExpansionError` for what BuildKit rejects, and :class:`ExpansionTooLarge`
    as soon as substitution adds more than ``limit`` characters (None: no limit).
    """
    return _process(word, env, escape, keep_unknown, split, limit)


def _process(word: str, env: Mapping[str, str], escape: str, keep_unknown: bool, split: bool,
             limit: int | None = None) -> ExpandResult:
    if not has_expansion(word, escape):
        return ExpandResult(word, set(), word.split() if split else [])
    lexer = _Lexer(word, env, escape, keep_unknown, split, limit)
    text, words, unknown = lexer.run()
    return ExpandResult(text, unknown, words, lexer.added)


def process_words(word: str, env: Mapping[str, str], escape: str = "\\", *,
                  keep_unknown: bool = False) -> list[str]:
    """Expand ``word`` and split it into words (quoted text and escaped spaces stay together),
    the way BuildKit's ``ProcessWords`` does. Raises :class:`ExpansionError`."""
    return _process(word, env, escape, keep_unknown, split=True).words


def expand(word: str, env: Mapping[str, str], escape: str = "\\") -> str:
    """Shorthand: BuildKit's expansion of ``word`` (unset variables become empty)."""
    return process_word(word, env, escape).text


class _Words:
    """Collects the split words while the lexer writes the processed text."""

    __slots__ = ("current", "words", "in_word")

    def __init__(self) -> None:
        self.current: list[str] = []
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch.isspace():
            if self.in_word:
                joined = "".join(self.current)
                if joined:  # an empty quoted string alone ("") makes no word
                    self.words.append(joined)
                    self.current = []
                    self.in_word = False
        else:
            self.add_raw(ch)

    def add_raw(self, text: str) -> None:
        self.current.append(text)
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def result(self) -> list[str]:
        if self.current:
            joined = "".join(self.current)
            if joined:
                self.words.append(joined)
            self.current = []
        return self.words


class _NoWords:
    """Stands in for :class:`_Words` when only the text is wanted (the common, fast case)."""

    __slots__ = ()

    def add_char(self, ch: str) -> None:
        pass

    def add_raw(self, text: str) -> None:
        pass

    def add_string(self, text: str) -> None:
        pass

    def result(self) -> list[str]:
        return []


_NO_WORDS = _NoWords()
_SPECIALS: dict[tuple[str, str], re.Pattern[str]] = {}


def _specials(escape: str, stop: str) -> re.Pattern[str]:
    """A regex finding the next character the lexer must look at (quotes, ``$``, escape, stop)."""
    key = (escape, stop)
    pattern = _SPECIALS.get(key)
    if pattern is None:
        pattern = _SPECIALS[key] = re.compile("[" + re.escape("$'\"" + escape + stop) + "]")
    return pattern
_EOF = ""


# BuildKit has no limit; without one a hostile ``${A:-${A:-...}}`` exhausts Python's stack.
MAX_NESTING = 64


class _Lexer:
    """A recursive-descent scanner over one word (positions are character indices)."""

    def __init__(self, source: str, env: Mapping[str, str], escape: str, keep_unknown: bool,
                 split: bool = False, limit: int | None = None) -> None:
        self.split = split
        self.limit = limit
        self.added = 0  # characters substitution put into the word so far
        self.refs: list[VariableReference] | None = None  # collected by variable_references()
        self.names: list[str] = []  # names being read, one per nesting level of '$'
        self.nesting = 0  # '$' substitutions being processed, one inside the other
        self.src = source
        self.pos = 0
        self.env = env
        self.escape = escape
        self.keep_unknown = keep_unknown
        self.raw_escapes = False
        # unknown names, one set per nesting level of ${...} sub-words (the caller decides
        # whether a sub-word's unknowns reach the result)
        self.unknown_stack: list[set[str]] = [set()]

    # -- scanner -------------------------------------------------------------------------
    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else _EOF

    def next(self) -> str:
        if self.pos >= len(self.src):
            return _EOF
        ch = self.src[self.pos]
        self.pos += 1
        return ch

    def fail(self, message: str) -> ExpansionError:
        return ExpansionError(f"{message} in {self.src!r}")

    # -- driver --------------------------------------------------------------------------
    def run(self) -> tuple[str, list[str], set[str]]:
        text, words = self.process_until(_EOF, raw_escapes=False, top=True)
        return text, words, self.unknown_stack[0]

    def process_until(self, stop: str, raw_escapes: bool, top: bool = False) -> tuple[str, list[str]]:
        """Process characters up to ``stop`` (consumed) or the end of the word."""
        saved_raw = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            return self._process_until(stop, _Words() if top and self.split else _NO_WORDS)
        finally:
            self.raw_escapes = saved_raw

    def _process_until(self, stop: str, words: "_Words | _NoWords") -> tuple[str, list[str]]:
        out: list[str] = []
        src = self.src
        esc = self.escape
        special = _specials(esc, stop)
        while self.pos < len(src):
            found = special.search(src, self.pos)
            end = found.start() if found else len(src)
            if end > self.pos:  # plain text up to the next special character
                chunk = src[self.pos:end]
                out.append(chunk)
                words.add_string(chunk)
                self.pos = end
                continue
            ch = src[self.pos]
            if stop and ch == stop:
                self.pos += 1
                return "".join(out), words.result()
            if ch == "$":
                piece = self.dollar()
                out.append(piece)
                words.add_string(piece)
            elif ch == "'":
                piece = self.single_quoted()
                out.append(piece)
                words.add_raw(piece)
            elif ch == '"':
                piece = self.double_quoted()
                out.append(piece)
                words.add_raw(piece)
            else:  # the escape character
                self.pos += 1
                if self.raw_escapes:
                    words.add_raw(ch)
                    out.append(ch)
                ch = self.next()
                if ch == _EOF:
                    break
                words.add_raw(ch)
                out.append(ch)
        if stop:
            raise self.fail(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out), words.result()

    # -- quotes --------------------------------------------------------------------------
    def single_quoted(self) -> str:
        self.pos += 1
        end = self.src.find("'", self.pos)
        if end < 0:
            raise self.fail("unexpected end of statement while looking for matching single-quote")
        text = self.src[self.pos:end]
        self.pos = end + 1
        return text

    def double_quoted(self) -> str:
        self.pos += 1
        out: list[str] = []
        src = self.src
        esc = self.escape
        special = _specials(esc, '"')
        while True:
            found = special.search(src, self.pos)
            if found is None:
                raise self.fail("unexpected end of statement while looking for matching double-quote")
            start = found.start()
            if start > self.pos:
                out.append(src[self.pos:start])
                self.pos = start
            ch = src[start]
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "$":
                out.append(self.dollar())
                continue
            if ch == "'":  # not special inside double quotes
                out.append(ch)
                self.pos += 1
                continue
            # the escape character: it only escapes " $ and itself; elsewhere it stays
            self.pos += 1
            if self.raw_escapes:
                out.append(ch)
            following = self.peek()
            if following == _EOF:
                continue
            if following in ('"', "$", esc):
                self.pos += 1
                out.append(following)
            else:
                out.append(ch)

    # -- variables -----------------------------------------------------------------------
    def lookup(self, name: str) -> str | None:
        if not name:  # ``${+}``: no variable has an empty name, so it is unset, not unknown
            return None
        value = self.env.get(name)
        if value is None:
            self.unknown_stack[-1].add(name)
        else:
            self.charge(len(value))
        return value

    def charge(self, added: int) -> None:
        """Count characters substitution adds; stop before the word outgrows ``limit``."""
        self.added += added
        if self.limit is not None and self.added > self.limit:
            raise ExpansionTooLarge(f"the expansion of {_excerpt(self.src)} is larger than "
                                    f"{self.limit} characters")

    def sub_word(self, stop: str, raw_escapes: bool) -> tuple[str, set[str]]:
        """Process a ``${...}`` operand; its unknowns are returned, not recorded."""
        self.unknown_stack.append(set())
        try:
            text, _ = self.process_until(stop, raw_escapes)
        finally:
            unknown = self.unknown_stack.pop()
        return text, unknown

    def dollar(self) -> str:
        start = self.pos
        depth = len(self.names)
        if self.nesting >= MAX_NESTING:
            raise self.fail(f"substitutions nested deeper than {MAX_NESTING} levels")
        self.nesting += 1
        try:
            text = self._dollar(start)
        finally:
            self.nesting -= 1
        if self.refs is not None and len(self.names) > depth and self.names[depth]:
            braced = self.src[start + 1:start + 2] == "{"
            self.refs.append(VariableReference(self.names[depth], start, self.pos, braced))
        del self.names[depth:]
        return text

    def _dollar(self, start: int) -> str:
        self.pos += 1  # '$'
        if self.peek() != "{":
            name = self.name()
            if not name:
                return "$"
            value = self.lookup(name)
            if value is None:
                return self.src[start:self.pos] if self.keep_unknown else ""
            return value
        self.pos += 1  # '{'
        first = self.peek()
        if first == _EOF:
            raise self.fail("syntax error: missing '}'")
        if first in "{}:":
            raise self.fail("syntax error: bad substitution")
        name = self.name()
        op = self.next()
        if op == "}":
            value = self.lookup(name)
            if value is None:
                return self.src[start:self.pos] if self.keep_unknown else ""
            return value
        if op == _EOF:
            raise self.fail("syntax error: missing '}'")
        if op == "/":
            return self.replace(name, start)
        null_is_unset = False
        modifier = op
        if op == ":":
            null_is_unset = True
            op = self.next()
            modifier += op
        if op not in ("+", "-", "?", "#", "%"):
            raise self.fail(f"unsupported modifier ({modifier}) in substitution")
        try:
            word, word_unknown = self.sub_word("}", raw_escapes=op in "#%")
        except ExpansionError:
            if self.peek() == _EOF:
                raise self.fail("syntax error: missing '}'") from None
            raise
        value = self.lookup(name)
        if value is None and self.keep_unknown and name:
            return self.src[start:self.pos]
        return self.apply_modifier(name, op, null_is_unset, value, word, word_unknown)

    def apply_modifier(self, name: str, op: str, null_is_unset: bool, value: str | None,
                       word: str, word_unknown: set[str]) -> str:
        is_unset = value is None or (null_is_unset and value == "")
        if op == "-":
            if is_unset:
                self.unknown_stack[-1].update(word_unknown)
                return word
            return value or ""
        if op == "+":
            if is_unset:
                return ""
            self.unknown_stack[-1].update(word_unknown)
            return word
        if op == "?":
            if value is None:
                raise self.fail(f"{name}: {word or 'is not allowed to be unset'}")
            if null_is_unset and value == "":
                raise self.fail(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        # '#' / '%': a shell pattern, shortest match; doubled operator for the longest
        self.unknown_stack[-1].update(word_unknown)
        greedy = word.startswith(op)
        if greedy:
            word = word[1:]
        subject = value or ""
        if op == "%":
            return _trim_suffix(word, subject, greedy, self)
        return _trim_prefix(word, subject, greedy, self)

    def replace(self, name: str, start: int) -> str:
        replace_all = self.peek() == "/"
        if replace_all:
            self.pos += 1
        try:
            pattern, pattern_unknown = self.sub_word("/", raw_escapes=True)
        except ExpansionError:
            if self.peek() == _EOF:
                raise self.fail("syntax error: missing '/' in ${}") from None
            raise
        try:
            replacement, repl_unknown = self.sub_word("}", raw_escapes=True)
        except ExpansionError:
            if self.peek() == _EOF:
                raise self.fail("syntax error: missing '}'") from None
            raise
        value = self.lookup(name)
        if value is None and self.keep_unknown and name:
            return self.src[start:self.pos]
        self.unknown_stack[-1].update(pattern_unknown | repl_unknown)
        _check_pattern_cost(pattern, value or "", self)
        regex = _pattern_regex(pattern, greedy=True, anchored=False, lexer=self)
        return _replace(regex, value or "", replacement, replace_all, self)

    def name(self) -> str:
        """A variable name: letters/digits/_, a run of digits, or one special parameter."""
        name = self._read_name()
        self.names.append(name)
        return name

    def _read_name(self) -> str:
        src = self.src
        start = self.pos
        if start >= len(src):
            return ""
        ch = src[start]
        if ch.isdecimal():
            end = start
            while end < len(src) and src[end].isdecimal():
                end += 1
            self.pos = end
            return src[start:end]
        if ch in _SPECIAL_PARAMS:
            self.pos += 1
            return ch
        end = start
        while end < len(src) and (src[end].isalpha() or src[end].isdecimal() or src[end] == "_"):
            end += 1
        self.pos = end
        return src[start:end]


# -- shell patterns (``${VAR#pat}``, ``${VAR/pat/repl}``) -----------------------------------

def _pattern_regex(pattern: str, *, greedy: bool, anchored: bool, lexer: _Lexer) -> re.Pattern[str]:
    """Translate a shell wildcard pattern (``*``, ``?``, backslash escapes; no brackets)."""
    parts: list[str] = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            parts.append(star)
        elif ch == "?":
            parts.append(".")
        elif ch == "\\":
            following = pattern[i] if i < n else ""
            if following in ("}", "/"):
                continue
            i += 1
            if following not in ("*", "?", "\\"):
                raise lexer.fail(f"invalid pattern ({pattern}) in substitution: invalid escape '\\{following}'")
            parts.append(re.escape(following))
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


# Shell patterns are matched with a backtracking regex: a failing match of a pattern with k
# ``*`` costs up to len(value) ** (k + 1) steps (``${A#*a*a*a*a*b}`` on 300 characters ran for
# hours). Past this many steps the word is refused instead (its value becomes unknown); real
# patterns (a star or two, values of a few hundred characters) stay far below it.
MAX_PATTERN_STEPS = 10 ** 8


def _check_pattern_cost(pattern: str, value: str, lexer: _Lexer) -> None:
    stars = pattern.count("*")
    if stars and (len(value) + 1) ** (stars + 1) > MAX_PATTERN_STEPS:
        raise lexer.fail(f"the pattern {pattern!r} is too costly to match against a value of "
                         f"{len(value)} characters")


def _trim_prefix(pattern: str, value: str, greedy: bool, lexer: _Lexer) -> str:
    _check_pattern_cost(pattern, value, lexer)
    match = _pattern_regex(pattern, greedy=greedy, anchored=True, lexer=lexer).search(value)
    return value[match.end():] if match else value


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern keeping each backslash escape in front of the character it escapes."""
    tokens: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            tokens.append(pattern[i:i + 2])
            i += 2
        else:
            tokens.append(pattern[i])
            i += 1
    return "".join(reversed(tokens))


def _trim_suffix(pattern: str, value: str, greedy: bool, lexer: _Lexer) -> str:
    # the shortest/longest match at the end is the leftmost one in the reversed string
    trimmed = _trim_prefix(_reverse_pattern(pattern), value[::-1], greedy, lexer)
    return trimmed[::-1]


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _replace(regex: re.Pattern[str], value: str, replacement: str, replace_all: bool, lexer: _Lexer) -> str:
    if not replace_all:
        match = regex.search(value)
        if not match:
            return value
        return value[:match.start()] + replacement + value[match.end():]
    # like Go's ReplaceAllString: an empty match right after a previous match is skipped
    out: list[str] = []
    last = 0
    previous_end = -1
    for match in regex.finditer(value):
        if match.start() == match.end() and match.start() == previous_end:
            continue
        out.append(value[last:match.start()])
        out.append(replacement)
        lexer.charge(len(replacement))  # an empty pattern inserts it between every character
        last = match.end()
        previous_end = match.end()
    out.append(value[last:])
    return "".join(out)
