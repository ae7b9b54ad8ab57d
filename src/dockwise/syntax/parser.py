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
from dockwise.syntax.buildkit_lines import (  # noqa: F401  (go_quote, GO_SPACE: public here too)
    _GO_SPACE_SET, _WS_RUN, _WS_SET, GO_SPACE, _byte_to_char, _byte_view, _from_byte_view,
    extract_builder_flags, go_quote, go_trim_space, parse_json_array, parse_words,
)
from dockwise.syntax.heredoc_lexer import _LexError, heredoc_words, parse_heredoc_word  # noqa: F401
from dockwise.syntax.tokens import _TokenBuilder, _char_end, _position, _span, go_upper  # noqa: F401

# Go RE2's \s is [\t\n\f\r ]
_DIRECTIVE_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_LEADING_TABS = re.compile(r"^\t+", re.M)

MAX_LINE_BYTES = 64 * 1024  # bufio.MaxScanTokenSize

_HEREDOC_KEYWORDS = frozenset(("add", "copy", "run"))
_VALID_DIRECTIVES = frozenset(("syntax", "escape", "check"))


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


