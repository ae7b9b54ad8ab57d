"""Small helpers shared by the user/signals/cache/instructions/secrets/runtimes/misc rule families.

They turn an instruction's ``body`` into words with exact source spans, so that findings can
point at the offending token (the ``.`` of ``COPY . .``, the key of ``ENV``, the tag in FROM).
"""

from __future__ import annotations

import json
from collections import namedtuple
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model import BuildModel, Stage
    from dockwise.syntax.tree import Instruction, Span


class BodyWord(namedtuple("BodyWord", "raw value start end")):
    """One whitespace-separated word of an instruction body: ``raw`` as written (quotes kept),
    ``value`` with quotes removed and escapes resolved, ``start``/``end`` its index range in
    ``instruction.body`` (end exclusive).

    A plain namedtuple: ``typing.NamedTuple`` compiles every string annotation at import
    (~0.5 ms a field), and ``dockwise check`` has a 150 ms budget."""

    __slots__ = ()


def split_body(body: str, escape: str = "\\") -> list[BodyWord]:
    """Split ``body`` into words the way BuildKit splits shell-form arguments.

    Quotes group characters; the escape character escapes the next one (outside single quotes).
    Linear in the length of the body.
    """
    found: list[BodyWord] = []
    i, n = 0, len(body)
    while i < n:
        while i < n and body[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        start = i
        value: list[str] = []
        quote = ""
        while i < n:
            ch = body[i]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == escape and quote == '"' and i + 1 < n:
                    i += 1
                    value.append(body[i])
                else:
                    value.append(ch)
            elif ch in " \t\r\n":
                break
            elif ch in "\"'":
                quote = ch
            elif ch == escape and i + 1 < n:
                i += 1
                value.append(body[i])
            else:
                value.append(ch)
            i += 1
        found.append(BodyWord(body[start:i], "".join(value), start, i))
    return found


def json_words(body: str) -> list[BodyWord] | None:
    """The strings of a JSON-array body with their positions, or None if it is not one."""
    try:
        items = json.loads(body)
    except ValueError:
        return None
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        return None
    found: list[BodyWord] = []
    decoder = json.JSONDecoder()
    i = body.index("[") + 1
    for _ in items:
        while body[i] in " \t\r\n,":
            i += 1
        value, end = decoder.raw_decode(body, i)
        found.append(BodyWord(body[i:end], value, i, end))
        i = end
    return found


def instruction_words(instr: "Instruction", escape: str = "\\") -> list[BodyWord]:
    """The argument words of ``instr`` (JSON form or shell form), positions into ``body``."""
    if instr.json_form:
        words = json_words(instr.body)
        if words is not None:
            return words
    return split_body(instr.body, escape)


def word_span(instr: "Instruction", word: BodyWord) -> "Span":
    return instr.span_of(word.start, word.end)


def first_word_span(instr: "Instruction", escape: str = "\\") -> "Span":
    """The span of the first argument word (the image of a FROM), else of the keyword."""
    words = instruction_words(instr, escape)
    return word_span(instr, words[0]) if words else instr.keyword_span


def body_span(instr: "Instruction") -> "Span":
    """The span of the whole body (the command of a CMD, the script of a RUN)."""
    text = instr.body
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if end <= start:
        return instr.keyword_span
    return instr.span_of(start, end)


def stage_alias(from_instr: "Instruction", escape: str = "\\") -> tuple[BodyWord, BodyWord] | None:
    """The ``AS`` keyword and the name word of ``FROM image AS name``, or None."""
    words = split_body(from_instr.body, escape)
    if len(words) >= 3 and words[-2].value.lower() == "as":
        return words[-2], words[-1]
    return None


def is_root_user(text: str) -> bool:
    """``root``, ``0``, ``root:root``, ``0:0``, ``root:staff``..."""
    user = text.strip().split(":", 1)[0]
    return user in ("root", "0")


def stage_chain(stage: "Stage | None") -> Iterator["Stage"]:
    """``stage`` and the stages it is built FROM (nearest first), stopping on cycles."""
    seen: set[int] = set()
    while stage is not None and id(stage) not in seen:
        seen.add(id(stage))
        yield stage
        stage = stage.base_stage


def stages_with_loose(model: "BuildModel") -> list[tuple[object, list["Instruction"]]]:
    """Instructions grouped by stage; instructions before any FROM form their own group.

    hadolint treats a file without FROM as one stage; so do the per-stage counting rules.
    """
    groups: list[tuple[object, list[Instruction]]] = []
    loose = [i for i in model.dockerfile.instructions
             if i.keyword not in ("FROM", "ARG") and model.stage_of(i) is None]
    if loose:
        groups.append((None, loose))
    for stage in model.stages:
        groups.append((stage, list(stage.instructions)))
    return groups


def last_of(instructions: list["Instruction"], keyword: str) -> "Instruction | None":
    for instr in reversed(instructions):
        if instr.keyword == keyword:
            return instr
    return None


def effective_instruction(stage: "Stage | None", keyword: str) -> "Instruction | None":
    """The last ``keyword`` instruction (CMD, ENTRYPOINT, HEALTHCHECK, USER) that applies to
    ``stage``'s image, looking through the stages it is built FROM."""
    for s in stage_chain(stage):
        found = last_of(s.instructions, keyword)
        if found is not None:
            return found
    return None


def all_instructions(model: "BuildModel") -> Iterator["Instruction"]:
    """Every instruction, with ONBUILD's nested instruction in place of the ONBUILD."""
    for instr in model.dockerfile.instructions:
        yield instr.onbuild if instr.onbuild is not None else instr
