"""The lossless token list: every character of the source in exactly one token, in order,
and the fast constructors of positions, spans and tokens the parser uses."""

from __future__ import annotations

import re
from typing import Any

from dockwise.syntax.buildkit_lines import GO_SPACE
from dockwise.syntax.tree import Position, Span, Token

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

    def __init__(self, parser: Any) -> None:  # the parser.py _Parser that cut the lines
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
