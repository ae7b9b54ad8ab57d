"""A Dockerfile as the cure rewrites it: stages of instruction texts, rendered back to text.

Each :class:`Line` keeps the exact text it came from (the comments above it included), so a
stage the cure does not touch renders byte for byte as it was. New lines carry a ``role`` so a
later transformation can find what an earlier one added (one package install per stage, one
user creation) instead of adding a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise._record import Record

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model import BuildModel, Stage
    from dockwise.syntax.tree import Instruction


class Line(Record):
    """One instruction of a draft: ``keyword`` upper-case, ``text`` as written (ending in a
    newline, comments above it included), ``origin`` the instruction it came from (None for
    a line the cure wrote), ``role`` what a cure-written line is for ("packages", "user")."""

    __slots__ = ("keyword", "text", "origin", "role", "data", "lead")

    def __init__(self, keyword: str, text: str, origin: "Instruction | None" = None,
                 role: str | None = None, data: tuple = (), lead: int = 0) -> None:
        self.keyword = keyword
        self.text = text if text.endswith("\n") else text + "\n"
        self.origin = origin
        self.role = role
        self.data = data  # what a role line holds (the packages it installs)
        self.lead = lead  # characters of comments and blank lines before the instruction

    @property
    def comments(self) -> str:
        """The comment and blank lines above the instruction (kept when it is rewritten)."""
        return self.text[:self.lead]

    @property
    def quoted(self) -> str:
        """The instruction as a note names it: its first line, cut short (line numbers would
        name the lines of a text the fix loop has already changed)."""
        first = self.text[self.lead:].split("\n", 1)[0].rstrip("\\ ")
        return f"`{first if len(first) <= 50 else first[:47] + '...'}`"

    @classmethod
    def new(cls, text: str, role: str | None = None, data: tuple = ()) -> "Line":
        """A line the cure writes; its keyword is the first word that is not a comment."""
        first = next(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
        return cls(first.split(None, 1)[0].upper(), text, None, role, data)


class StageDraft(Record):
    """One stage: its FROM line and its instruction lines. ``stage`` is the model's stage it
    came from (None for a stage the cure added)."""

    __slots__ = ("from_line", "lines", "stage")

    def __init__(self, from_line: Line, lines: list[Line], stage: "Stage | None" = None) -> None:
        self.from_line = from_line
        self.lines = lines
        self.stage = stage

    def index_of(self, origin: "Instruction") -> int | None:
        for i, line in enumerate(self.lines):
            if line.origin is origin:
                return i
        return None

    def with_role(self, role: str) -> Line | None:
        return next((line for line in self.lines if line.role == role), None)

    def keywords(self) -> list[str]:
        return [line.keyword for line in self.lines]


class Draft(Record):
    """The whole file: the text before the first FROM (parser directives, global ARGs,
    comments), the stages, and the text after the last instruction."""

    __slots__ = ("head", "stages", "tail")

    def __init__(self, head: str, stages: list[StageDraft], tail: str = "") -> None:
        self.head = head
        self.stages = stages
        self.tail = tail

    @property
    def final(self) -> StageDraft:
        return self.stages[-1]

    def render(self) -> str:
        out = [self.head]
        for i, stage in enumerate(self.stages):
            if i and stage.stage is None and not out[-1].endswith("\n\n"):
                out.append("\n")  # a stage the cure adds stands apart
            out.append(stage.from_line.text)
            out.extend(line.text for line in stage.lines)
            if stage.stage is None and i + 1 < len(self.stages):
                out.append("\n")
        out.append(self.tail)
        return "".join(out)

    def copy(self) -> "Draft":
        return Draft(self.head, [StageDraft(s.from_line, list(s.lines), s.stage) for s in self.stages],
                     self.tail)


def draft_of(text: str, model: "BuildModel") -> Draft:
    """The draft of ``text``: each instruction with the text since the previous one ended."""
    stages = model.stages
    first = stages[0].from_instruction.span.start.offset if stages else len(text)
    head_end = _line_start(text, first)
    drafts = []
    cursor = head_end
    for stage in stages:
        from_line, cursor = _take(text, stage.from_instruction, cursor)
        lines = []
        for instr in stage.instructions:
            if instr is stage.from_instruction:
                continue
            line, cursor = _take(text, instr, cursor)
            lines.append(line)
        drafts.append(StageDraft(from_line, lines, stage))
    return Draft(text[:head_end], drafts, text[cursor:])


def _take(text: str, instr: "Instruction", cursor: int) -> tuple[Line, int]:
    end = instr.span.end.offset
    newline = text.find("\n", end)
    stop = len(text) if newline < 0 else newline + 1
    return Line(instr.keyword, text[cursor:stop], instr, lead=instr.span.start.offset - cursor), stop


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1
