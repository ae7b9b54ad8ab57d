"""BuildKit's shell lexer, reduced to what heredoc detection needs (empty env, unset variables
kept): ``ParseHeredoc`` and ``heredocsFromLine`` with word positions."""

from __future__ import annotations

import re

from dockwise.syntax.buildkit_lines import _GO_SPACE_SET

_HEREDOC_RE = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)\Z")


class _LexError(ValueError):
    """BuildKit's shell lexer rejected a word (unterminated quote, bad ${...})."""



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

