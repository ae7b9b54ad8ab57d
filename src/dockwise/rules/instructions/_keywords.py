"""Instruction keywords as the file spells them, and words written back into it."""

from __future__ import annotations

from dockwise.rules.base import CheckTarget


def _unquoted(text: str) -> str:
    """``"Jane"`` -> ``Jane``: one pair of matching quotes around the whole text goes (a quote
    that only ends the text is part of it)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def written_keyword(target: CheckTarget, instr) -> str:
    """The instruction's keyword as the file spells it (``instr.keyword`` is uppercased)."""
    span = instr.keyword_span
    return target.dockerfile.source[span.start.offset:span.end.offset]


def in_case_of(written: str, keyword: str) -> str:
    """``keyword`` in the case of the keyword it replaces (``add`` -> ``copy``), so a fix does
    not bring a new mixed-case finding (DW905) with it."""
    return keyword.lower() if written.islower() else keyword


def double_quoted(value: str, escape: str) -> str:
    """``value`` as one double-quoted Dockerfile word that reads back as exactly ``value``:
    only ``"``, ``$`` and the escape character are escaped (with the file's escape
    character), as BuildKit's lexer unescapes them; everything else, non-ASCII too, stays."""
    out = "".join(escape + c if c in ('"', "$", escape) else c for c in value)
    return f'"{out}"'
