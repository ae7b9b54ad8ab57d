"""A lossless Dockerfile parser that reproduces BuildKit's parser (frontend/dockerfile/parser).

It is a hand-written, table-driven line scanner: physical lines are joined into logical
lines exactly the way BuildKit does it (escape char, comment and empty lines inside
continuations, continuation at end of file), each logical line is split into keyword,
builder flags and arguments by the per-instruction rules BuildKit uses, and heredoc
bodies are read after the instruction that opens them. Every piece keeps its source span.

Deliberate BuildKit quirks that are reproduced (they change what BuildKit builds):

* builder flags are scanned byte by byte, so a non-ASCII flag value comes out as
  BuildKit sees it (``--chown=josé`` -> ``josÃ©``) and the bytes 0x85/0xA0 split words;
* HEALTHCHECK's type word is also found byte by byte;
* JSON arrays are decoded like Go's ``json.Decoder`` (trailing text after the array is
  ignored, NaN/overflowing numbers make it shell form, a non-string element is an error);
* a physical line longer than 64 KiB is an error (Go's ``bufio.Scanner`` limit).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from dockwise.errors import DockerfileSyntaxError
from dockwise.syntax.tree import (
    Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, Position, Span, Token,
)

# Go's unicode.IsSpace (Python's str.isspace() also accepts \x1c-\x1f, Go does not).
GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
            "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_GO_SPACE_SET = frozenset(GO_SPACE)
# BuildKit's reWhitespace: [\t\v\f\r ]+
_WS = "\t\v\f\r "
_WS_SET = frozenset(_WS)
_WS_RUN = re.compile(r"[\t\v\f\r ]+")
# Go RE2's \s is [\t\n\f\r ]
_DIRECTIVE_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_HEREDOC_RE = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\Z")
_LEADING_TABS = re.compile(r"^\t+", re.M)

MAX_LINE_BYTES = 64 * 1024  # bufio.MaxScanTokenSize

_NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"
_HEREDOC_KEYWORDS = frozenset(("add", "copy", "run"))
_VALID_DIRECTIVES = frozenset(("syntax", "escape", "check"))


def _slot_setters(cls: type, *names: str):
    return tuple(cls.__dict__[name].__set__ for name in names)


# Frozen dataclasses run object.__setattr__ per field; the parser makes hundreds of thousands
# of positions and tokens, so it fills their slots directly (3-4x faster, same objects).
_POSITION_SET = _slot_setters(Position, "line", "column", "offset")
_SPAN_SET = _slot_setters(Span, "start", "end")
_TOKEN_SET = _slot_setters(Token, "kind", "text", "span")
_new = object.__new__


def _position(line: int, column: int, offset: int) -> Position:
    p = _new(Position)
    set_line, set_column, set_offset = _POSITION_SET
    set_line(p, line)
    set_column(p, column)
    set_offset(p, offset)
    return p


def _span(start: Position, end: Position) -> Span:
    s = _new(Span)
    _SPAN_SET[0](s, start)
    _SPAN_SET[1](s, end)
    return s


def _token(kind: str, text: str, span: Span) -> Token:
    t = _new(Token)
    set_kind, set_text, set_span = _TOKEN_SET
    set_kind(t, kind)
    set_text(t, text)
    set_span(t, span)
    return t


class _LexError(ValueError):
    """BuildKit's shell lexer rejected a word (unterminated quote, bad ${...})."""


def parse(text: str, path: str | None = None) -> Dockerfile:
    """Parse Dockerfile ``text`` into a lossless :class:`Dockerfile` tree.

    Raises :class:`~dockwise.errors.DockerfileSyntaxError` for input BuildKit rejects.
    """
    return _Parser(text, path).run()


def scan_directives(text: str) -> list[Directive]:
    """The parser directives BuildKit honours at the top of ``text`` (no instruction needed).

    Raises :class:`~dockwise.errors.DockerfileSyntaxError` for a repeated directive or an
    invalid escape character, as BuildKit does.
    """
    parser = _Parser(text, None)
    for index, content in enumerate(parser.contents):
        start = parser.starts[index]
        if index == 0 and parser.bom:
            content = content[1:]
            start += 1
        stripped = content.lstrip(GO_SPACE)
        if not parser._directive(stripped, index, start + len(content) - len(stripped)):
            break
    parser._finish_directives()
    return parser.directives


# ---------------------------------------------------------------------------------------------
# Logical lines: the joined text of an instruction plus a map back to source offsets.


class _Logical:
    """A logical line: ``text`` and sorted segments ``(text_index, source_offset)``."""

    __slots__ = ("text", "seg_index", "seg_offset")

    def __init__(self) -> None:
        self.text = ""
        self.seg_index: list[int] = []
        self.seg_offset: list[int] = []

    def append(self, piece: str, source_offset: int) -> None:
        if piece or not self.seg_index:
            self.seg_index.append(len(self.text))
            self.seg_offset.append(source_offset)
            self.text += piece

    def offset(self, index: int) -> int:
        """Source offset of ``text[index]`` (index may equal len(text): one past the end)."""
        if not self.seg_index:
            return 0
        i = bisect_right(self.seg_index, index) - 1
        if i < 0:
            i = 0
        return self.seg_offset[i] + index - self.seg_index[i]

    def end_offset(self, end: int) -> int:
        """Source offset just after ``text[end - 1]``."""
        if end <= 0:
            return self.offset(0)
        return self.offset(end - 1) + 1

    def body_map(self, start: int, end: int) -> list[tuple[int, int]]:
        """Anchors for ``text[start:end]`` re-based to 0."""
        anchors = [(0, self.offset(start))]
        for idx, off in zip(self.seg_index, self.seg_offset):
            if start < idx < end:
                anchors.append((idx - start, off))
        return anchors


# ---------------------------------------------------------------------------------------------
# Go helpers


def go_trim_space(s: str) -> tuple[int, int]:
    """Bounds of ``strings.TrimSpace(s)``."""
    a = len(s) - len(s.lstrip(GO_SPACE))
    b = len(s.rstrip(GO_SPACE))
    if b < a:
        b = a
    return a, b


def go_quote(s: str) -> str:
    """Go's strconv.Quote (surrogate escapes stand for invalid bytes and print as \\xNN)."""
    if s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        else:
            o = ord(ch)
            if 0xDC80 <= o <= 0xDCFF:
                out.append("\\x%02x" % (o - 0xDC00))
            elif 0xD800 <= o <= 0xDFFF:
                out.append("\\ufffd")
            elif o < 0x20 or o == 0x7F:
                out.append("\\x%02x" % o)
            elif o < 0x10000:
                out.append("\\u%04x" % o)
            else:
                out.append("\\U%08x" % o)
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _byte_view(s: str) -> str:
    """The UTF-8 bytes of ``s`` as one char per byte (how Go's ``rune(line[pos])`` sees them)."""
    return s if s.isascii() else s.encode("utf-8", "surrogatepass").decode("latin-1")


def _from_byte_view(v: str) -> str:
    return v if v.isascii() else v.encode("latin-1").decode("utf-8", "surrogateescape")


def _byte_to_char(s: str) -> list[int]:
    """For non-ASCII ``s``: char index of each byte offset (plus one past the end)."""
    table: list[int] = []
    for ci, ch in enumerate(s):
        table.extend([ci] * len(ch.encode("utf-8", "surrogatepass")))
    table.append(len(s))
    return table


# ---------------------------------------------------------------------------------------------
# BuildKit's line parsers (split_command.go / line_parsers.go), on plain strings.


def extract_builder_flags(rest: str) -> tuple[int, list[tuple[str, int, int]]]:
    """Flags at the start of ``rest``: (index where the arguments start, [(word, start, end)]).

    Works on the byte view like BuildKit; indices are byte-view indices.
    """
    n = len(rest)
    pos = 0
    words: list[tuple[str, int, int]] = []
    word: list[str] = []
    phase = 0  # 0 spaces, 1 word, 2 quote
    quote = ""
    blank_ok = False
    wstart = 0
    spaces = _GO_SPACE_SET
    while True:
        if phase == 0:
            if pos >= n:
                return n, words
            ch = rest[pos]
            if ch in spaces:
                pos += 1
                continue
            if ch != "-" or pos + 1 >= n or rest[pos + 1] != "-":
                return pos, words
            phase = 1
            wstart = pos
        if pos >= n:
            w = "".join(word)
            if w != "--" and (blank_ok or w):
                words.append((w, wstart, n))
            return n, words
        ch = rest[pos]
        if phase == 1:
            if ch in spaces:
                w = "".join(word)
                if w == "--":
                    return pos, words
                if blank_ok or w:
                    words.append((w, wstart, pos))
                phase = 0
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch == "'" or ch == '"':
                quote = ch
                blank_ok = True
                phase = 2
                pos += 1
                continue
            if ch == "\\":
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        # in quote
        if ch == quote:
            phase = 1
            pos += 1
            continue
        if ch == "\\":
            if pos + 1 == n:
                phase = 1
                pos += 1
                continue
            pos += 1
            ch = rest[pos]
        word.append(ch)
        pos += 1


def parse_words(rest: str, escape: str) -> list[str]:
    """BuildKit's parseWords: shell-like words, quotes and escapes kept in the words."""
    words: list[str] = []
    n = len(rest)
    phase = 0
    word: list[str] = []
    quote = ""
    blank_ok = False
    pos = 0
    spaces = _GO_SPACE_SET
    while pos <= n:
        if phase == 0:
            if pos == n:
                break
            if rest[pos] in spaces:
                pos += 1
                continue
            phase = 1
        if pos == n:
            if blank_ok or word:
                words.append("".join(word))
            break
        ch = rest[pos]
        if phase == 1:
            if ch in spaces:
                phase = 0
                if blank_ok or word:
                    words.append("".join(word))
                word = []
                blank_ok = False
                pos += 1
                continue
            if ch == "'" or ch == '"':
                quote = ch
                blank_ok = True
                phase = 2
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                word.append(ch)
                pos += 1
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        # in quote
        if ch == quote:
            phase = 1
        if ch == escape and quote != "'":
            if pos + 1 == n:
                phase = 1
                pos += 1
                continue
            word.append(ch)
            pos += 1
            ch = rest[pos]
        word.append(ch)
        pos += 1
    return words


_json_decoder = None
_OVERFLOW = object()


def _json_float(s: str) -> object:
    v = float(s)
    return _OVERFLOW if v in (float("inf"), float("-inf")) else v


def _json_int(s: str) -> object:
    try:
        return _json_float(s)
    except OverflowError:
        return _OVERFLOW


def _json_constant(s: str) -> object:
    raise ValueError(s)


def parse_json_array(rest: str) -> list[str] | None:
    """BuildKit's parseJSON: the strings of a JSON array at the start of ``rest``, or None.

    Raises ValueError(_NOT_STRING_ARRAY) for a valid array holding a non-string.
    """
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    global _json_decoder
    if _json_decoder is None:
        import json

        _json_decoder = json.JSONDecoder(parse_float=_json_float, parse_int=_json_int,
                                         parse_constant=_json_constant)
    try:
        value, _ = _json_decoder.raw_decode(rest)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if any(v is _OVERFLOW for v in _walk(value)):
        return None
    out = []
    for v in value:
        if not isinstance(v, str):
            raise ValueError(_NOT_STRING_ARRAY)
        out.append(_fix_surrogates(v))
    return out


def _walk(value: object):
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        else:
            yield v


def _fix_surrogates(s: str) -> str:
    """Go's JSON decoder turns lone surrogate escapes into U+FFFD."""
    if s.isascii():
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)


# ---------------------------------------------------------------------------------------------
# BuildKit's shell lexer, reduced to what heredoc detection needs (empty env, unset vars kept).


class _Lexer:
    __slots__ = ("s", "i", "n", "raw_quotes", "raw_escapes")

    def __init__(self, s: str, raw_quotes: bool, raw_escapes: bool) -> None:
        self.s = s
        self.i = 0
        self.n = len(s)
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def words(self) -> list[tuple[str, int, int]]:
        _, words = self._process(None, self.raw_escapes)
        return words

    def _process(self, stop: str | None, raw_escapes: bool):
        s = self.s
        result: list[str] = []
        words: list[tuple[str, int, int]] = []
        word = ""
        in_word = False
        wstart = 0
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            while self.i < self.n:
                ch = s[self.i]
                if stop is not None and ch == stop:
                    self.i += 1
                    if word:
                        words.append((word, wstart, self.i - 1))
                    return "".join(result), words
                start = self.i
                if ch == "$" or ch == "'" or ch == '"' or ch == "<":
                    if ch == "$":
                        tmp = self._dollar()
                    elif ch == "'":
                        tmp = self._single()
                    elif ch == '"':
                        tmp = self._double()
                    else:
                        tmp = self._possible_heredoc()
                    result.append(tmp)
                    if ch == "$":
                        for c in tmp:  # addChar: whitespace splits words
                            if c in _GO_SPACE_SET:
                                if in_word and word:
                                    words.append((word, wstart, self.i))
                                    word = ""
                                    in_word = False
                            else:
                                if not word:
                                    wstart = start
                                word += c
                                in_word = True
                    else:
                        if not word:
                            wstart = start
                        word += tmp
                        in_word = True
                    continue
                self.i += 1
                if ch == "\\":
                    if self.raw_escapes:
                        if not word:
                            wstart = start
                        word += ch
                        in_word = True
                        result.append(ch)
                    if self.i >= self.n:
                        break
                    ch = s[self.i]
                    self.i += 1
                    if not word:
                        wstart = start
                    word += ch
                    in_word = True
                elif ch in _GO_SPACE_SET:
                    if in_word and word:
                        words.append((word, wstart, start))
                        word = ""
                        in_word = False
                else:
                    if not word:
                        wstart = start
                    word += ch
                    in_word = True
                result.append(ch)
            if stop is not None:
                raise _LexError(f"unexpected end of statement while looking for matching {stop}")
            if word:
                words.append((word, wstart, self.i))
            return "".join(result), words
        finally:
            self.raw_escapes = saved

    def _single(self) -> str:
        s = self.s
        out = []
        self.i += 1
        if self.raw_quotes:
            out.append("'")
        end = s.find("'", self.i)
        if end < 0:
            raise _LexError("unexpected end of statement while looking for matching single-quote")
        out.append(s[self.i:end])
        self.i = end + 1
        if self.raw_quotes:
            out.append("'")
        return "".join(out)

    def _double(self) -> str:
        s = self.s
        out = []
        self.i += 1
        if self.raw_quotes:
            out.append('"')
        while True:
            if self.i >= self.n:
                raise _LexError("unexpected end of statement while looking for matching double-quote")
            ch = s[self.i]
            if ch == '"':
                self.i += 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
                continue
            self.i += 1
            if ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                if self.i >= self.n:
                    continue
                if s[self.i] in '"$\\':
                    ch = s[self.i]
                    self.i += 1
            out.append(ch)

    def _name(self) -> str:
        s = self.s
        start = self.i
        if self.i < self.n:
            ch = s[self.i]
            if ch.isdecimal():
                while self.i < self.n and s[self.i].isdecimal():
                    self.i += 1
                return s[start:self.i]
            if ch in "@*#?-$!0":
                self.i += 1
                return ch
        while self.i < self.n and (s[self.i].isalpha() or s[self.i].isdecimal() or s[self.i] == "_"):
            self.i += 1
        return s[start:self.i]

    def _dollar(self) -> str:
        s = self.s
        self.i += 1
        if self.i >= self.n or s[self.i] != "{":
            name = self._name()
            return "$" + name
        self.i += 1
        if self.i >= self.n:
            raise _LexError("syntax error: missing '}'")
        if s[self.i] in "{}:":
            raise _LexError("syntax error: bad substitution")
        name = self._name()
        if self.i >= self.n:
            raise _LexError("unsupported modifier () in substitution")
        ch = s[self.i]
        self.i += 1
        chs = ch
        if ch == "}":
            return "${" + name + "}"
        if ch == ":":
            if self.i >= self.n:
                raise _LexError("syntax error: missing '}'")
            ch = s[self.i]
            self.i += 1
            chs += ch
            return self._modifier(name, chs, ch)
        if ch in "+-?#%":
            return self._modifier(name, chs, ch)
        if ch == "/":
            replace_all = self.i < self.n and s[self.i] == "/"
            if replace_all:
                self.i += 1
            pattern, _ = self._stop_on("/", True)
            replacement, _ = self._stop_on("}", True)
            return "${%s/%s/%s}" % (name, pattern, replacement)
        raise _LexError(f"unsupported modifier ({chs}) in substitution")

    def _modifier(self, name: str, chs: str, ch: str) -> str:
        word, _ = self._stop_on("}", ch in "#%")
        return "${%s%s%s}" % (name, chs, word)

    def _stop_on(self, stop: str, raw_escapes: bool):
        try:
            return self._process(stop, raw_escapes)
        except _LexError:
            if self.i >= self.n:
                raise _LexError("syntax error: missing '}'") from None
            raise

    def _possible_heredoc(self) -> str:
        s = self.s
        self.i += 1
        if self.i >= self.n or s[self.i] != "<":
            return "<"
        self.i += 1
        out = "<<"
        if self.i < self.n and s[self.i] == "-":
            out += "-"
            self.i += 1
        j = self.i
        while j < self.n and s[j] in " \t":
            j += 1
        out += s[self.i:j]
        self.i = j
        return out


def parse_heredoc_word(word: str) -> tuple[str, bool, bool, int] | None:
    """BuildKit's ParseHeredoc: (name, quoted, chomp, fd) or None; raises _LexError."""
    m = _HEREDOC_RE.match(word)
    if m is None:
        return None
    fd_text, dash, rest = m.groups()
    if not rest:
        return None
    fd = min(int(fd_text), 2**64 - 1) if fd_text else 0  # Go's ParseUint saturates
    plain = _Lexer(rest, False, False).words()
    if len(plain) != 1:
        return None
    raw = _Lexer(rest, True, False).words()
    if len(raw) != len(plain):
        raise _LexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name = plain[0][0]
    count = name.count("'") + name.count('"')
    raw_count = raw[0][0].count("'") + raw[0][0].count('"')
    return name, count != raw_count, dash == "-", fd


def heredoc_words(line: str) -> list[tuple[tuple[str, bool, bool, int], int, int]]:
    """BuildKit's heredocsFromLine, with the position of each heredoc word in ``line``."""
    try:
        words = _Lexer(line, True, True).words()
    except _LexError:
        return []
    found = []
    for text, start, end in words:
        if "<<" not in text:
            continue
        doc = parse_heredoc_word(text)
        if doc is not None:
            found.append((doc, start, end))
    return found


# ---------------------------------------------------------------------------------------------
# The parser


class _Node:
    """What newNodeFromLine produces, with positions in the logical line."""

    __slots__ = ("cmd", "cmd_start", "cmd_end", "flags", "args", "json", "child",
                 "body_start", "body_end")

    def __init__(self) -> None:
        self.cmd = ""
        self.cmd_start = 0
        self.cmd_end = 0
        self.flags: list[tuple[str, int, int]] = []
        self.args: list[str] = []
        self.json = False
        self.child: _Node | None = None
        self.body_start = 0
        self.body_end = 0


class _LazyTokens(Dockerfile):
    """A Dockerfile whose ``tokens`` list is built on first use (rules rarely need it)."""

    __slots__ = ("_token_builder",)

    @property  # type: ignore[override]
    def tokens(self) -> list[Token]:
        value = _TOKENS_SLOT.__get__(self)
        if value is None:
            value = self._token_builder()
            _TOKENS_SLOT.__set__(self, value)
            self._token_builder = None
        return value

    @tokens.setter
    def tokens(self, value: list[Token] | None) -> None:
        _TOKENS_SLOT.__set__(self, value)


_TOKENS_SLOT = Dockerfile.__dict__["tokens"]


class _Parser:
    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self.escape = "\\"
        self.directives: list[Directive] = []
        self.instructions: list[Instruction] = []
        self.comments: list[Comment] = []
        self.warnings: list[str] = []
        self.directives_done = False
        self.seen: set[str] = set()
        self._positions: dict[int, Position] = {}
        self._split_lines()

    # -- physical lines ------------------------------------------------------------------------

    def _split_lines(self) -> None:
        text = self.text
        pieces = text.split("\n")
        starts = []
        contents = []
        pos = 0
        last = len(pieces) - 1
        for idx, piece in enumerate(pieces):
            if idx == last and not piece:
                break
            starts.append(pos)
            content = piece.rstrip("\r") if piece.endswith("\r") else piece
            contents.append(content)
            if len(piece) >= 16384:
                self._check_length(piece, idx, has_newline=idx != last)
            pos += len(piece) + 1
        self.starts = starts
        self.contents = contents
        # Line starts for positions: every line, plus the empty line after a final newline.
        self.line_starts = starts + [len(text)] if text.endswith("\n") or not text else list(starts)
        if not self.line_starts:
            self.line_starts = [0]
        self.bom = text.startswith("\ufeff")
        if self.bom:
            # Editors do not show a byte-order mark: columns on line 1 count from after it.
            self.line_starts[0] = 1

    def _check_length(self, piece: str, idx: int, has_newline: bool) -> None:
        size = len(piece.encode("utf-8", "surrogatepass")) + (1 if has_newline else 0)
        if size > MAX_LINE_BYTES or (not has_newline and size >= MAX_LINE_BYTES):
            raise DockerfileSyntaxError(
                f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES - 1}",
                line=idx + 1, path=self.path)

    def pos(self, offset: int) -> Position:
        cached = self._positions.get(offset)
        if cached is None:
            starts = self.line_starts
            line = bisect_right(starts, offset) or 1
            column = max(offset - starts[line - 1] + 1, 1)
            cached = self._positions[offset] = _position(line, column, offset)
        return cached

    def span(self, start: int, end: int) -> Span:
        return _span(self.pos(start), self.pos(end))

    def error(self, message: str, line: int, column: int = 1) -> DockerfileSyntaxError:
        return DockerfileSyntaxError(message, line=line, column=column, path=self.path)

    # -- main loop -------------------------------------------------------------------------------

    def run(self) -> Dockerfile:
        contents = self.contents
        starts = self.starts
        n = len(contents)
        i = 0
        while i < n:
            content = contents[i]
            start = starts[i]
            if i == 0 and self.bom:
                content = content[1:]
                start += 1
            stripped = content.lstrip(GO_SPACE)
            lead = len(content) - len(stripped)
            is_comment = stripped.startswith("#")
            if not self.directives_done:
                if self._directive(stripped, i, start + lead):
                    i += 1
                    continue
            if is_comment:
                self._comment(stripped, start + lead)
                i += 1
                continue
            cont, kept = self._trim_continuation(stripped)
            if not cont and not kept:
                i += 1
                continue
            i = self._instruction(i, start + lead, cont, kept)
        if not self.instructions:
            raise self.error("file with no instructions", line=max(n, 1))
        return self._result()

    def _result(self) -> Dockerfile:
        dockerfile = _LazyTokens(
            source=self.text, path=self.path, escape=self.escape, directives=self.directives,
            instructions=self.instructions, comments=self.comments, tokens=None,
            warnings=self.warnings)
        dockerfile._token_builder = self._build_tokens
        self._finish_directives()
        return dockerfile

    def _trim_continuation(self, s: str) -> tuple[bool, str]:
        esc = self.escape
        if esc not in s:
            return False, s
        r = s.rstrip(" \t")
        if r.endswith(esc) and (len(r) == 1 or r[-2] != esc):
            return True, r[:-1]
        return False, s

    def _comment(self, stripped: str, offset: int) -> Comment:
        comment = Comment(stripped, self.span(offset, offset + len(stripped)))
        self.comments.append(comment)
        return comment

    # -- directives --------------------------------------------------------------------------

    def _directive(self, stripped: str, index: int, offset: int) -> bool:
        """BuildKit's DirectiveParser.ParseLine on a (left-trimmed) physical line."""
        if not stripped.startswith("#"):
            self.directives_done = True
            return False
        m = _DIRECTIVE_RE.match(stripped[1:].lstrip(GO_SPACE))
        if m is None or m.group(1).lower() not in _VALID_DIRECTIVES:
            self.directives_done = True
            return False
        name = m.group(1).lower()
        value = m.group(2)
        if name in self.seen:
            raise self.error(f"only one {name} parser directive can be used", line=index + 1)
        self.seen.add(name)
        if name == "escape":
            if value not in ("`", "\\"):
                raise self.error(f"invalid escape token '{value}' does not match ` or \\", line=index + 1)
            self.escape = value
        self.directives.append(Directive(name, value, self.span(offset, offset + len(stripped))))
        return True

    def _finish_directives(self) -> None:
        """``syntax`` and ``check`` as the frontend detects them (DetectSyntax/ParseDirective):
        also after a shebang line; ``syntax`` also as ``//syntax=`` or a JSON document."""
        if not self.contents:
            return
        lines = list(self.contents)
        offsets = list(self.starts)
        if self.bom:
            lines[0] = lines[0][1:]
            offsets[0] += 1
        first = 1 if lines[0].startswith("#!") else 0
        names = {d.name for d in self.directives}
        for key in ("syntax", "check"):
            if key in names:
                continue
            found = self._detect(key, lines, offsets, first, "#")
            if found is None and key == "syntax":
                found = self._detect(key, lines, offsets, first, "//")
                if found is None and first < len(lines) and lines[first].startswith("{"):
                    found = self._json_syntax(offsets[first])
            if found is not None:
                self.directives.append(found)

    def _detect(self, key: str, lines: list[str], offsets: list[int], first: int,
                prefix: str) -> Directive | None:
        seen: set[str] = set()
        for idx in range(first, len(lines)):
            line = lines[idx]
            if not line.startswith(prefix):
                return None
            m = _DIRECTIVE_RE.match(line[len(prefix):].lstrip(GO_SPACE))
            if m is None or m.group(1).lower() not in _VALID_DIRECTIVES:
                return None
            name = m.group(1).lower()
            if name in seen:
                return None
            seen.add(name)
            if name == key:
                return Directive(name, m.group(2), self.span(offsets[idx], offsets[idx] + len(line)))
        return None

    def _json_syntax(self, offset: int) -> Directive | None:
        """A whole-file JSON document ``{"syntax": "..."}`` also selects the frontend."""
        import json

        try:
            document = json.loads(self.text[offset:])
        except ValueError:
            return None
        if isinstance(document, dict) and isinstance(document.get("syntax"), str):
            return Directive("syntax", document["syntax"], self.span(offset, len(self.text)))
        return None

    # -- instructions ------------------------------------------------------------------------

    def _instruction(self, i: int, first_offset: int, cont: bool, kept: str) -> int:
        contents = self.contents
        starts = self.starts
        n = len(contents)
        logical = _Logical()
        logical.append(kept, first_offset)
        first_line = i
        inner_comments: list[Comment] = []
        empty_continuation = False
        i += 1
        while cont and i < n:
            content = contents[i]
            stripped = content.lstrip(GO_SPACE)
            if stripped.startswith("#"):
                inner_comments.append(self._comment(stripped, starts[i] + len(content) - len(stripped)))
                i += 1
                continue
            if not stripped:
                empty_continuation = True
                i += 1
                continue
            cont, kept = self._trim_continuation(content)
            logical.append(kept, starts[i])
            i += 1
        last_line = i - 1
        line = logical.text
        if empty_continuation:
            self.warnings.append("Empty continuation line found in: " + line)
        try:
            node = self._node(line, 0)
        except ValueError as exc:
            where = self.pos(first_offset)
            raise self.error(str(exc), line=where.line, column=where.column) from None
        heredocs: list[Heredoc] = []
        target = node.child if node.cmd.lower() == "onbuild" and node.child is not None else node
        if target.cmd.lower() in _HEREDOC_KEYWORDS and not target.json and "<<" in line:
            i, last_line = self._heredocs(line, logical, heredocs, i, first_line)
        end_offset = starts[last_line] + len(contents[last_line])
        instruction = self._make_instruction(node, logical, end_offset, heredocs, inner_comments)
        self.instructions.append(instruction)
        return i

    def _heredocs(self, line: str, logical: _Logical, heredocs: list[Heredoc], i: int,
                  first_line: int) -> tuple[int, int]:
        try:
            found = heredoc_words(line)
        except _LexError as exc:
            raise self.error(str(exc), line=first_line + 1) from None
        contents = self.contents
        starts = self.starts
        n = len(contents)
        last_line = i - 1
        for (name, quoted, chomp, fd), wstart, wend in found:
            body_first = i
            body_lines = []
            terminated = False
            while i < n:
                content = contents[i]
                candidate = content.lstrip("\t") if chomp else content
                i += 1
                if candidate == name:
                    terminated = True
                    break
                body_lines.append(i - 1)
            if not terminated:
                where = self.pos(logical.offset(wstart))
                raise self.error(f"unterminated heredoc: no line {name!r} ends the heredoc opened here",
                                 line=where.line, column=where.column)
            term = i - 1
            last_line = term
            body_start = starts[body_first]
            body_end = starts[term]
            content = self.text[body_start:body_end]
            if chomp:
                content = _LEADING_TABS.sub("", content)
            marker_span = self.span(logical.offset(wstart), logical.end_offset(wend))
            heredocs.append(Heredoc(
                name=name, quoted=quoted, chomp=chomp, content=content,
                span=self.span(body_start, starts[term] + len(contents[term])),
                marker_span=marker_span, content_start=self.pos(body_start), file_descriptor=fd))
        return i, last_line

    def _make_instruction(self, node: _Node, logical: _Logical, end_offset: int,
                          heredocs: list[Heredoc], comments: list[Comment]) -> Instruction:
        start = logical.offset(node.cmd_start)
        if end_offset < start:
            end_offset = start
        flags = [self._flag(word, logical, s, e) for word, s, e in node.flags]
        body = logical.text[node.body_start:node.body_end]
        child = None
        if node.child is not None:
            child = self._make_instruction(node.child, logical, end_offset, heredocs, [])
        return Instruction(
            keyword=go_upper(node.cmd),
            keyword_span=self.span(start, logical.end_offset(node.cmd_end) if node.cmd_end > node.cmd_start else start),
            flags=flags,
            args=node.args,
            json_form=node.json,
            span=self.span(start, end_offset),
            source=self.text[start:end_offset],
            body=body,
            heredocs=heredocs,
            comments=comments,
            onbuild=child,
            body_map=logical.body_map(node.body_start, node.body_end),
            _line_starts=self.line_starts,
        )

    def _flag(self, word: str, logical: _Logical, s: int, e: int) -> Flag:
        start = logical.offset(s)
        end = logical.end_offset(e)
        text = word[2:]
        name, eq, value = text.partition("=")
        return Flag(name=name, value=value if eq else None, raw=self.text[start:end],
                    span=self.span(start, end))

    def _node(self, line: str, base: int) -> _Node:
        """newNodeFromLine on ``line`` (which sits at index ``base`` of the logical line)."""
        node = _Node()
        a, b = go_trim_space(line)
        k = a
        while k < b and line[k] not in _WS_SET:
            k += 1
        node.cmd = line[a:k]
        node.cmd_start = base + a
        node.cmd_end = base + k
        args_start = args_end = k
        if k < b:
            r = k
            while line[r] in _WS_SET:
                r += 1
            rest = line[r:b]
            view = _byte_view(rest)
            arg_pos, words = extract_builder_flags(view)
            if view is not rest and (words or arg_pos):
                table = _byte_to_char(rest)
                words = [(w, table[s], _char_end(table, e)) for w, s, e in words]
                arg_pos = table[arg_pos]
            node.flags = [(w, base + r + s, base + r + e) for w, s, e in words]
            ta, tb = go_trim_space(rest[arg_pos:])
            args_start = r + arg_pos + ta
            args_end = r + arg_pos + tb
        node.body_start = base + args_start
        node.body_end = base + args_end
        args = line[args_start:args_end]
        self._dispatch(node, args, base + args_start)
        return node

    def _dispatch(self, node: _Node, rest: str, base: int) -> None:
        cmd = node.cmd.lower()
        if cmd in ("run", "cmd", "entrypoint", "shell"):
            self._maybe_json(node, rest)
        elif cmd in ("add", "copy", "volume"):
            values = parse_json_array(rest)
            if values is not None:
                node.args, node.json = values, True
            elif rest:
                node.args = _WS_RUN.split(rest)
        elif cmd in ("from", "expose"):
            if rest:
                node.args = _WS_RUN.split(rest)
        elif cmd in ("maintainer", "user", "workdir", "stopsignal"):
            if rest:
                node.args = [rest]
        elif cmd == "arg":
            node.args = parse_words(rest, self.escape)
        elif cmd in ("env", "label"):
            node.args = self._name_val(rest, cmd.upper())
        elif cmd == "healthcheck":
            self._health(node, rest)
        elif cmd == "onbuild":
            if rest:
                node.child = self._node(rest, base)
        else:
            node.args = [""]

    def _maybe_json(self, node: _Node, rest: str) -> None:
        if not rest:
            return
        values = parse_json_array(rest)
        if values is not None:
            node.args, node.json = values, True
        else:
            node.args = [rest]

    def _name_val(self, rest: str, key: str) -> list[str]:
        words = parse_words(rest, self.escape)
        if not words:
            return []
        if "=" not in words[0]:
            parts = _WS_RUN.split(rest, 1)
            if len(parts) < 2:
                raise ValueError(f"{key} must have two arguments")
            return [parts[0], parts[1], ""]
        out = []
        for word in words:
            if "=" not in word:
                raise ValueError(f"Syntax error - can't find = in {go_quote(word)}. "
                                 "Must be of the form: name=value")
            k, _, v = word.partition("=")
            out += [k, v, "="]
        return out

    def _health(self, node: _Node, rest: str) -> None:
        view = _byte_view(rest)
        n = len(view)
        sep = 0
        while sep < n and view[sep] not in _GO_SPACE_SET:
            sep += 1
        nxt = sep
        while nxt < n and view[nxt] in _GO_SPACE_SET:
            nxt += 1
        if sep == 0:
            return
        typ = _from_byte_view(view[:sep])
        tail = _from_byte_view(view[nxt:])
        sub = _Node()
        self._maybe_json(sub, tail)
        node.args = [typ] + sub.args
        node.json = sub.json

    # -- tokens --------------------------------------------------------------------------------

    def _build_tokens(self) -> list[Token]:
        return _TokenBuilder(self).build()


def go_upper(word: str) -> str:
    """Go's strings.ToUpper: simple per-character case mapping (Python's 'ß'.upper() is 'SS')."""
    if word.isascii():
        return word.upper()
    return "".join(u if len(u := c.upper()) == 1 else c for c in word)


def _char_end(table: list[int], e: int) -> int:
    """Char index for an exclusive byte end, rounded up to a whole character."""
    c = table[e]
    if e > 0 and table[e - 1] == c and e < len(table) - 1:
        return c + 1
    return c


_GAP_PATTERNS: dict[str, "re.Pattern[str]"] = {}


def _gap_pattern(escape: str) -> "re.Pattern[str]":
    """Tokens between the marked pieces of an instruction: newline, continuation, space, argument."""
    pattern = _GAP_PATTERNS.get(escape)
    if pattern is None:
        e = re.escape(escape)
        sp = "".join(c for c in GO_SPACE if c not in "\r\n")
        eol = r"(?:\r*\n|\r*\Z)"
        pattern = re.compile(
            rf"(?P<newline>\r*\n|\r+\Z)"
            rf"|(?P<continuation>(?<!{e}){e}[ \t]*(?={eol}))"
            rf"|(?P<whitespace>(?:[{re.escape(sp)}]|\r(?!{eol}))+)"
            rf"|(?P<argument>(?:[^{re.escape(GO_SPACE)}{e}]|{e}(?![ \t]*{eol})|(?<={e}){e})+)")
        _GAP_PATTERNS[escape] = pattern
    return pattern


class _TokenBuilder:
    """Cuts the source into tokens: every character in exactly one token, in order."""

    def __init__(self, parser: _Parser) -> None:
        self.p = parser
        self.tokens: list[Token] = []
        self.line = 0  # index into line_starts of the line holding the last position made
        self.starts = parser.line_starts
        self.last = Position(1, 1, 0)

    def position(self, offset: int) -> Position:
        starts = self.starts
        li = self.line
        last = len(starts) - 1
        while li < last and starts[li + 1] <= offset:
            li += 1
        self.line = li
        return _position(li + 1, max(offset - starts[li] + 1, 1), offset)

    def add(self, kind: str, start: int, end: int) -> None:
        if end > start:
            # Adjacent tokens share the Position where one ends and the next begins.
            first = self.last if self.last.offset == start else self.position(start)
            self.last = self.position(end)
            self.tokens.append(_token(kind, self.p.text[start:end], _span(first, self.last)))

    def build(self) -> list[Token]:
        p = self.p
        marks: list[tuple[int, int, str]] = []
        for d in p.directives:
            marks.append((d.span.start.offset, d.span.end.offset, "directive"))
        for c in p.comments:
            marks.append((c.span.start.offset, c.span.end.offset, "comment"))
        for ins in p.instructions:
            for node in (ins, ins.onbuild):
                if node is None:
                    continue
                marks.append((node.keyword_span.start.offset, node.keyword_span.end.offset, "keyword"))
                for f in node.flags:
                    marks.append((f.span.start.offset, f.span.end.offset, "flag"))
            for h in ins.heredocs:
                marks.append((h.marker_span.start.offset, h.marker_span.end.offset, "argument"))
                marks.append((h.span.start.offset, h.span.end.offset, "heredoc"))
        marks = sorted(m for m in marks if m[1] > m[0])
        pos = 0
        if p.bom:
            self.add("text", 0, 1)
            pos = 1
        n = len(p.text)
        marks.append((n, n, ""))
        for start, end, kind in marks:
            if end <= pos:
                continue
            start = max(start, pos)
            self.gap(pos, start)
            if kind == "heredoc":
                self.heredoc_body(start, end)
            elif kind:
                self.add(kind, start, end)
            pos = end
        return self.tokens

    def gap(self, pos: int, limit: int) -> None:
        """Tokens of an unmarked stretch (the hot loop: object creation is inlined)."""
        if pos >= limit:
            return
        text = self.p.text
        tokens = self.tokens
        starts = self.starts
        top = len(starts) - 1
        first = self.last if self.last.offset == pos else self.position(pos)
        li = self.line
        set_line, set_column, set_offset = _POSITION_SET
        set_start, set_end = _SPAN_SET
        set_kind, set_text, set_span = _TOKEN_SET
        new = _new
        for m in _gap_pattern(self.p.escape).finditer(text, pos):
            start, end = m.span()
            if start >= limit:
                break
            if end > limit:
                end = limit
            while li < top and starts[li + 1] <= end:
                li += 1
            last = new(Position)
            set_line(last, li + 1)
            set_column(last, end - starts[li] + 1)
            set_offset(last, end)
            span = new(Span)
            set_start(span, first)
            set_end(span, last)
            token = new(Token)
            set_kind(token, m.lastgroup)
            set_text(token, text[start:end])
            set_span(token, span)
            tokens.append(token)
            first = last
        self.line = li
        self.last = first

    def heredoc_body(self, pos: int, end: int) -> None:
        """One ``heredoc`` token per body line (and the terminator), newlines between."""
        text = self.p.text
        while pos < end:
            nl = text.find("\n", pos, end)
            stop = end if nl < 0 else nl
            content_end = stop
            while content_end > pos and text[content_end - 1] == "\r":
                content_end -= 1
            self.add("heredoc", pos, content_end)
            if nl < 0:
                self.add("whitespace", content_end, end)
                return
            self.add("newline", content_end, nl + 1)
            pos = nl + 1
