"""Shared edits of the BuildKit style checks."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Edit, Fix
from dockwise.rules.base import CheckTarget


# -- BuildKit's style and format checks (same semantics, dockwise codes, BuildKit name as alias) --

def _with_triggers(target: CheckTarget) -> Iterator:
    """Every instruction, with the one an ONBUILD wraps right after it (`ONBUILD run make`)."""
    for instr in target.dockerfile.instructions:
        yield instr
        if instr.onbuild is not None:
            yield instr.onbuild


def _keyword_text(target: CheckTarget, instr) -> str:
    span = instr.keyword_span
    return target.dockerfile.source[span.start.offset:span.end.offset]


def _replace(span, text: str, description: str) -> Fix:
    return Fix(description, (Edit(span.start.offset, span.end.offset, text),))
