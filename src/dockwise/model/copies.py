"""The sources of COPY and ADD, as the builder reads them.

BuildKit expands each source with the ARGs/ENVs in scope before it looks the path up; so does
this module: ``COPY ${APP}/src .`` after ``ARG APP=api`` copies ``api/src``. A source whose
value depends on a variable nobody gave a value stays unknown (``value.known`` is False), never
guessed. An ONBUILD trigger runs in a later build whose variables are unknown here.

::

    copy_sources(model, instr) -> [CopySource(instruction, raw, value, start, end, onbuild)]
    all_copy_sources(model)    -> the same for every COPY/ADD, ONBUILD triggers included
    CopySource: .raw (the argument BuildKit reads) .written (as in the file) .text (expanded)
                .known .is_url .from_context .span

The sources are the instruction's arguments as BuildKit splits them (at blanks, quotes do not
group: ``COPY "a b" /x`` is an error to BuildKit), every one but the destination.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise._lazyre import lazy_compile
from dockwise._record import Record
from dockwise.model.values import Scope, Value
from dockwise.model.words import json_words

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.build import BuildModel
    from dockwise.syntax.tree import Instruction, Span

# ADD fetches these; COPY refuses them (a URL or a git remote is never a context path).
_REMOTE = lazy_compile(r"(?i)^(?:[a-z][a-z0-9+.-]*://|git@)")


class CopySource(Record):
    """One source of a COPY/ADD: ``raw`` the argument (a JSON string decoded), ``value`` expanded at the instruction,
    ``start``/``end`` its place in the instruction's body (None when it cannot be located)."""

    __slots__ = ("instruction", "raw", "value", "start", "end", "onbuild")
    _repr_fields = ("raw", "value")

    instruction: "Instruction"  # the COPY/ADD itself (an ONBUILD's trigger, not the ONBUILD)
    raw: str
    value: Value
    start: int | None
    end: int | None
    onbuild: bool

    def __init__(self, instruction: "Instruction", raw: str, value: Value, start: int | None = None,
                 end: int | None = None, onbuild: bool = False) -> None:
        self.instruction = instruction
        self.raw = raw
        self.value = value
        self.start = start
        self.end = end
        self.onbuild = onbuild

    @property
    def written(self) -> str:
        """The source exactly as written in the Dockerfile (a JSON string keeps its quotes)."""
        if self.start is None or self.end is None:
            return self.raw
        return self.instruction.body[self.start:self.end]

    @property
    def text(self) -> str:
        """The expanded source (unknown variables kept as written)."""
        return self.value.text

    @property
    def known(self) -> bool:
        return self.value.known

    @property
    def is_url(self) -> bool:
        """A URL or git remote (ADD downloads it), not a path in the build context."""
        return bool(_REMOTE.match(self.value.text))

    @property
    def from_context(self) -> bool:
        """Read from the build context: no ``--from``, not a URL (heredoc sources are never
        listed here: their content is in the Dockerfile)."""
        return self.instruction.flag("from") is None and not self.is_url

    @property
    def span(self) -> "Span":
        if self.start is None or self.end is None:
            return self.instruction.span
        return self.instruction.span_of(self.start, self.end)


_ARGUMENT = lazy_compile(r"[^\t\n\v\f\r ]+")


def _positions(instr: "Instruction") -> list[tuple[int, int]] | None:
    """Where each argument sits in the body (None when they cannot be matched one to one)."""
    if instr.json_form:
        words = json_words(instr.body)
        found = [(w.start, w.end) for w in words] if words is not None else None
    else:
        found = [(m.start(), m.end()) for m in _ARGUMENT.finditer(instr.body)]
    return found if found is not None and len(found) == len(instr.args) else None


def copy_sources(model: "BuildModel", instr: "Instruction", onbuild: bool = False) -> list[CopySource]:
    """The sources of a COPY or ADD (every argument but the destination; none for a heredoc
    COPY, whose sources are in the Dockerfile, or for any other instruction)."""
    args = instr.args
    if instr.keyword not in ("COPY", "ADD") or instr.heredocs or len(args) < 2:
        return []
    escape = model.dockerfile.escape or "\\"
    scope = Scope({}) if onbuild else model.scope_at(instr)
    positions = _positions(instr)
    found = []
    for i, raw in enumerate(args[:-1]):
        start, end = positions[i] if positions is not None else (None, None)
        found.append(CopySource(instr, raw, scope.expand(raw, escape), start, end, onbuild))
    return found


def all_copy_sources(model: "BuildModel") -> list[CopySource]:
    """Sources of every COPY/ADD of the file, ONBUILD triggers included, in file order."""
    found: list[CopySource] = []
    for instr in model.dockerfile.instructions:
        if instr.keyword == "ONBUILD" and instr.onbuild is not None:
            found.extend(copy_sources(model, instr.onbuild, onbuild=True))
        else:
            found.extend(copy_sources(model, instr))
    return found
