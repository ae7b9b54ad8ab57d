"""Every RUN instruction of the file, ONBUILD RUN included."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.rules._instr_words import all_instructions
from dockwise.rules.base import CheckTarget


def _runs(target: CheckTarget) -> Iterator:
    """Every RUN, ONBUILD RUN included (hadolint checks both alike)."""
    for instr in all_instructions(target.model):
        if instr.keyword == "RUN":
            yield instr
