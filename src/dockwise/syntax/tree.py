"""The lossless Dockerfile syntax tree (data only; :mod:`dockwise.syntax.parser` builds it).

Contract used by ``model``, ``rules``, ``fix``, ``context`` and ``image``:

* ``Dockerfile.source`` is the file text exactly as read (CRLF and all);
  ``"".join(t.text for t in Dockerfile.tokens) == Dockerfile.source``.
* Positions: ``line`` and ``column`` are 1-based, ``column`` counts characters (code points),
  ``offset`` is the 0-based character index into ``Dockerfile.source``. Span ends are exclusive.
* ``Instruction.args`` are exactly the values BuildKit's parser produces (what ``dockwise dump``
  prints); ``Instruction.body`` is the logical text after the keyword and flags (continuations
  joined the BuildKit way, comment lines dropped) -- for a shell-form RUN it is the script the
  shell receives. ``Instruction.span_of(i, j)`` maps ``body[i:j]`` back to the file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Hashable
from typing import TypeVar

from dockwise._record import DataRecord, FrozenRecord

T = TypeVar("T")


class Position(FrozenRecord):
    __slots__ = ("line", "column", "offset")

    line: int  # 1-based
    column: int  # 1-based, in characters
    offset: int  # 0-based index into Dockerfile.source

    def __init__(self, line: int, column: int, offset: int) -> None:
        set_ = object.__setattr__
        set_(self, "line", line)
        set_(self, "column", column)
        set_(self, "offset", offset)


class Span(FrozenRecord):
    __slots__ = ("start", "end")

    start: Position
    end: Position  # exclusive

    def __init__(self, start: Position, end: Position) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def __contains__(self, pos: Position) -> bool:
        return self.start.offset <= pos.offset < self.end.offset


class Token(FrozenRecord):
    """A piece of the source. Kinds: ``keyword``, ``flag``, ``argument``, ``comment``,
    ``directive``, ``whitespace``, ``newline``, ``continuation``, ``heredoc``, ``text``."""

    __slots__ = ("kind", "text", "span")

    kind: str
    text: str
    span: Span

    def __init__(self, kind: str, text: str, span: Span) -> None:
        set_ = object.__setattr__
        set_(self, "kind", kind)
        set_(self, "text", text)
        set_(self, "span", span)


class Comment(DataRecord):
    __slots__ = ("text", "span")

    text: str  # including the leading '#'
    span: Span

    def __init__(self, text: str, span: Span) -> None:
        self.text = text
        self.span = span


class Directive(DataRecord):
    """A parser directive BuildKit honours (``syntax``, ``escape``, ``check``)."""

    __slots__ = ("name", "value", "span")

    name: str  # lower-case
    value: str
    span: Span

    def __init__(self, name: str, value: str, span: Span) -> None:
        self.name = name
        self.value = value
        self.span = span


class Flag(DataRecord):
    """A builder flag such as ``--mount=type=cache,target=/root/.cache``."""

    __slots__ = ("name", "value", "raw", "span")

    name: str  # without the leading dashes: "mount", "from", "link"
    value: str | None  # after the first '=' (BuildKit's quote/escape removal applied); None if no '='
    raw: str  # exactly as written in the file
    span: Span

    def __init__(self, name: str, value: str | None, raw: str, span: Span) -> None:
        self.name = name
        self.value = value
        self.raw = raw
        self.span = span


class Heredoc(DataRecord):
    __slots__ = ("name", "quoted", "chomp", "content", "span", "marker_span", "content_start",
                 "file_descriptor")

    name: str  # the delimiter word, e.g. "EOF"
    quoted: bool  # <<"EOF" or <<'EOF': the body is not expanded
    chomp: bool  # <<-EOF: leading tabs are stripped from body lines
    content: str  # the body as BuildKit passes it on (after tab stripping)
    span: Span  # body lines and terminator line
    marker_span: Span  # the "<<EOF" token on the instruction line
    content_start: Position  # where the body text begins
    file_descriptor: int  # the N of N<<EOF (0 when not given)

    def __init__(self, name: str, quoted: bool, chomp: bool, content: str, span: Span,
                 marker_span: Span, content_start: Position | None = None,
                 file_descriptor: int = 0) -> None:
        self.name = name
        self.quoted = quoted
        self.chomp = chomp
        self.content = content
        self.span = span
        self.marker_span = marker_span
        self.content_start = content_start  # type: ignore[assignment]
        self.file_descriptor = file_descriptor


class Instruction(DataRecord):
    __slots__ = ("keyword", "keyword_span", "flags", "args", "json_form", "span", "source", "body",
                 "heredocs", "comments", "onbuild", "body_map", "_line_starts", "_derived")
    _transient = ("_derived",)

    keyword: str  # upper-case: "RUN", "COPY", ... (unknown keywords too)
    keyword_span: Span
    flags: list[Flag]
    args: list[str]  # BuildKit's node values, as ``dockwise dump`` prints them
    json_form: bool  # exec/JSON-array form (RUN/CMD/ENTRYPOINT/SHELL/ADD/COPY/VOLUME/HEALTHCHECK)
    span: Span  # first character of the keyword to the end of the last line (heredocs included)
    source: str  # the file text covered by ``span``
    body: str  # logical text after keyword and flags (see module docstring)
    heredocs: list[Heredoc]
    comments: list[Comment]  # comment lines inside continuations
    onbuild: "Instruction | None"  # for ONBUILD: the nested instruction
    # body_map: sorted (body_index, source_offset) anchors; body[i] sits at source offset
    # anchor_offset + (i - anchor_index) for the last anchor with anchor_index <= i.
    body_map: list[tuple[int, int]]
    # Set by the parser so that positions can be computed from offsets.
    _line_starts: list[int]

    def __init__(self, keyword: str, keyword_span: Span, flags: list[Flag], args: list[str],
                 json_form: bool, span: Span, source: str, body: str,
                 heredocs: list[Heredoc] | None = None, comments: list[Comment] | None = None,
                 onbuild: "Instruction | None" = None, body_map: list[tuple[int, int]] | None = None,
                 _line_starts: list[int] | None = None) -> None:
        self.keyword = keyword
        self.keyword_span = keyword_span
        self.flags = flags
        self.args = args
        self.json_form = json_form
        self.span = span
        self.source = source
        self.body = body
        self.heredocs = [] if heredocs is None else heredocs
        self.comments = [] if comments is None else comments
        self.onbuild = onbuild
        self.body_map = [] if body_map is None else body_map
        self._line_starts = [] if _line_starts is None else _line_starts
        self._derived: dict | None = None

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What the layers above read from this instruction (its words, say), computed once
        whichever rule asks first. The instruction never changes, so neither does the answer;
        callers must treat what they get as read-only."""
        cache = self._derived
        if cache is None:
            cache = self._derived = {}
        try:
            return cache[key]
        except KeyError:
            value = cache[key] = compute()
            return value

    @property
    def line(self) -> int:
        return self.span.start.line

    @property
    def end_line(self) -> int:
        return self.span.end.line

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name`` (BuildKit lets a later flag win), or None."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f
        return found

    def source_offset(self, body_index: int) -> int:
        """Source offset of ``body[body_index]`` (``len(body)`` maps to just after the end)."""
        if not self.body_map:
            return self.span.end.offset
        keys = [k for k, _ in self.body_map]
        i = max(bisect_right(keys, body_index) - 1, 0)
        anchor_index, anchor_offset = self.body_map[i]
        return anchor_offset + (body_index - anchor_index)

    def position(self, offset: int) -> Position:
        """The Position of a source offset (offset must lie in this file)."""
        starts = self._line_starts  # line 1 starts after a byte-order mark, as editors count
        line = bisect_right(starts, offset) or 1
        return Position(line=line, column=max(offset - starts[line - 1] + 1, 1), offset=offset)

    def span_of(self, start: int, end: int) -> Span:
        """The source span of ``body[start:end]`` (end exclusive)."""
        if end <= start:
            p = self.position(self.source_offset(start))
            return Span(p, p)
        last = self.source_offset(end - 1)
        return Span(self.position(self.source_offset(start)), self.position(last + 1))


class Dockerfile(DataRecord):
    __slots__ = ("source", "path", "escape", "directives", "instructions", "comments", "tokens",
                 "warnings")

    source: str
    path: str | None
    escape: str  # "\\" or "`"
    directives: list[Directive]
    instructions: list[Instruction]
    comments: list[Comment]  # every comment in the file (directives excluded)
    tokens: list[Token]
    warnings: list[str]  # BuildKit parser warnings (e.g. empty continuation lines)

    def __init__(self, source: str, path: str | None, escape: str, directives: list[Directive],
                 instructions: list[Instruction], comments: list[Comment], tokens: list[Token],
                 warnings: list[str] | None = None) -> None:
        self.source = source
        self.path = path
        self.escape = escape
        self.directives = directives
        self.instructions = instructions
        self.comments = comments
        self.tokens = tokens
        self.warnings = [] if warnings is None else warnings

    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    def directive(self, name: str) -> Directive | None:
        for d in self.directives:
            if d.name == name:
                return d
        return None
