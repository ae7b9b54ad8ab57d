"""BuildKit's line parsers (``split_command.go``, ``line_parsers.go``) and the Go string helpers
they rely on, on plain strings: builder flags, ``parseWords``, JSON arrays, ``strings.TrimSpace``,
``strconv.Quote``, Go's ``unicode.IsSpace``."""

from __future__ import annotations

import re

# Go's unicode.IsSpace (Python's str.isspace() also accepts \x1c-\x1f, Go does not).
GO_SPACE = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
            "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_GO_SPACE_SET = frozenset(GO_SPACE)
# BuildKit's reWhitespace: [\t\v\f\r ]+
_WS = "\t\v\f\r "
_WS_SET = frozenset(_WS)
_WS_RUN = re.compile(r"[\t\v\f\r ]+")
_NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"


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
