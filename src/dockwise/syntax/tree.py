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
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in characters
    offset: int  # 0-based index into Dockerfile.source


@dataclass(frozen=True, slots=True)
class Span:
    start: Position
    end: Position  # exclusive

    def __contains__(self, pos: Position) -> bool:
        return self.start.offset <= pos.offset < self.end.offset


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of the source. Kinds: ``keyword``, ``flag``, ``argument``, ``comment``,
    ``directive``, ``whitespace``, ``newline``, ``continuation``, ``heredoc``, ``text``."""

    kind: str
    text: str
    span: Span


@dataclass(slots=True)
class Comment:
    text: str  # including the leading '#'
    span: Span


@dataclass(slots=True)
class Directive:
    """A parser directive BuildKit honours (``syntax``, ``escape``, ``check``)."""

    name: str  # lower-case
    value: str
    span: Span


@dataclass(slots=True)
class Flag:
    """A builder flag such as ``--mount=type=cache,target=/root/.cache``."""

    name: str  # without the leading dashes: "mount", "from", "link"
    value: str | None  # after the first '=' (BuildKit's quote/escape removal applied); None if no '='
    raw: str  # exactly as written in the file
    span: Span


@dataclass(slots=True)
class Heredoc:
    name: str  # the delimiter word, e.g. "EOF"
    quoted: bool  # <<"EOF" or <<'EOF': the body is not expanded
    chomp: bool  # <<-EOF: leading tabs are stripped from body lines
    content: str  # the body as BuildKit passes it on (after tab stripping)
    span: Span  # body lines and terminator line
    marker_span: Span  # the "<<EOF" token on the instruction line
    content_start: Position = None  # type: ignore[assignment]  # where the body text begins
    file_descriptor: int = 0  # the N of N<<EOF (0 when not given)


@dataclass(slots=True)
class Instruction:
    keyword: str  # upper-case: "RUN", "COPY", ... (unknown keywords too)
    keyword_span: Span
    flags: list[Flag]
    args: list[str]  # BuildKit's node values, as ``dockwise dump`` prints them
    json_form: bool  # exec/JSON-array form (RUN/CMD/ENTRYPOINT/SHELL/ADD/COPY/VOLUME/HEALTHCHECK)
    span: Span  # first character of the keyword to the end of the last line (heredocs included)
    source: str  # the file text covered by ``span``
    body: str  # logical text after keyword and flags (see module docstring)
    heredocs: list[Heredoc] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # comment lines inside continuations
    onbuild: "Instruction | None" = None  # for ONBUILD: the nested instruction
    # body_map: sorted (body_index, source_offset) anchors; body[i] sits at source offset
    # anchor_offset + (i - anchor_index) for the last anchor with anchor_index <= i.
    body_map: list[tuple[int, int]] = field(default_factory=list)
    # Set by the parser so that positions can be computed from offsets.
    _line_starts: list[int] = field(default_factory=list, repr=False)

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


@dataclass(slots=True)
class Dockerfile:
    source: str
    path: str | None
    escape: str  # "\\" or "`"
    directives: list[Directive]
    instructions: list[Instruction]
    comments: list[Comment]  # every comment in the file (directives excluded)
    tokens: list[Token]
    warnings: list[str] = field(default_factory=list)  # BuildKit parser warnings (e.g. empty continuation lines)

    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    def directive(self, name: str) -> Directive | None:
        for d in self.directives:
            if d.name == name:
                return d
        return None
