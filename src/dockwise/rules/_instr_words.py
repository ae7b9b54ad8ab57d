"""Instruction words and stage helpers for the rules, read from the model.

The splitter (:mod:`dockwise.model.words`) and the stage lineage (:mod:`dockwise.model.stages`)
live in the model; this module only keeps the rules' import path and one rule-side test.
"""

from __future__ import annotations

from dockwise.model.stages import (  # noqa: F401  (re-exported for the rules)
    all_instructions, effective_instruction, instruction_groups as stages_with_loose, last_of,
    lineage as stage_chain,
)
from dockwise.model.words import (  # noqa: F401
    BodyWord, body_span, first_word_span, instruction_words, json_words, split_body, stage_alias, word_span,
)


def is_root_user(text: str) -> bool:
    """``root``, ``0``, ``root:root``, ``0:0``, ``root:staff``..."""
    user = text.strip().split(":", 1)[0]
    return user in ("root", "0")
