"""ARG/ENV/LABEL assignments of one instruction, as the rules read them."""

from __future__ import annotations

from collections import namedtuple

from dockwise.rules._instr_words import BodyWord, split_body


class Assignment(namedtuple("Assignment", "name name_text value value_start value_end")):
    """One KEY[=value] pair: ``name`` (a BodyWord) and its text, ``value`` (None for an ARG
    without default) and the value's body index range. (namedtuple: see BodyWord.)"""

    __slots__ = ()


def assignments(instr, escape: str) -> list[Assignment]:
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
