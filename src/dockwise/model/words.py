"""Instruction words: an instruction body split into words with their exact positions, the one
splitter rules, fixes and the model use (so a finding can point at the offending token: the
``.`` of ``COPY . .``, the key of ``ENV``, the tag in ``FROM``), and the ``KEY[=value]``
assignments of ARG, ENV and LABEL.

::

    instruction_words(instr, escape) -> [BodyWord(raw, value, start, end)]  # JSON or shell form
    split_body(body, escape), json_words(body)
    word_span(instr, word), first_word_span(instr, escape), body_span(instr)
    stage_alias(from_instr, escape) -> (AS word, name word) | None
    assignments(instr, escape) -> [Assignment(name, name_text, value, value_start, value_end)]
"""

from __future__ import annotations

import json
from collections import namedtuple
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
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
    """The argument words of ``instr`` (JSON form or shell form), positions into ``body``;
    split once per instruction (many rules ask), so the list is read-only."""
    return instr.memo(("words", escape), lambda: _split_instruction(instr, escape))


def _split_instruction(instr: "Instruction", escape: str) -> list[BodyWord]:
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


class Assignment(namedtuple("Assignment", "name name_text value value_start value_end")):
    """One KEY[=value] pair: ``name`` (a BodyWord) and its text, ``value`` (None for an ARG
    without default) and the value's body index range. (namedtuple: see BodyWord.)"""

    __slots__ = ()


def assignments(instr: "Instruction", escape: str = "\\") -> list[Assignment]:
    """The KEY[=value] pairs of an ARG, ENV or LABEL (legacy `ENV KEY value` too), with body positions."""
    words = split_body(instr.body, escape)
    if not words:
        return []
    if instr.keyword in ("ENV", "LABEL") and "=" not in words[0].raw:
        first = words[0]
        rest_start = words[1].start if len(words) > 1 else first.end
        value = instr.body[rest_start:].strip()
        return [Assignment(first, first.value, value, rest_start, rest_start + len(value))]
    found = []
    for word in words:
        name, eq, _ = word.raw.partition("=")
        name_word = BodyWord(name, name, word.start, word.start + len(name))
        if not eq:
            found.append(Assignment(name_word, name, None, word.end, word.end))
        else:
            value = word.value.partition("=")[2]
            found.append(Assignment(name_word, name, value, word.start + len(name) + 1, word.end))
    return found
