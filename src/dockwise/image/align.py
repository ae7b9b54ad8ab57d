"""Tying layers to history entries, and history entries to Dockerfile instructions.

The config's ``history`` has one entry per build step; those without ``empty_layer`` made
the layers, in order. Each entry's ``created_by`` names its instruction in one of a few
dialects -- the classic builder and buildah (``/bin/sh -c #(nop) COPY file:… in /app``, a RUN
as ``|1 ARG=x /bin/sh -c cmd``), BuildKit (``RUN /bin/sh -c cmd # buildkit``, ``COPY . . #
buildkit``). We read the instruction keyword out of it and match the history, from the
newest entry backwards, against the instructions that built the target: the build model's
:func:`~dockwise.model.stages.build_chain` (the final stage and the stages it is built
``FROM``, with their ARGs expanded as BuildKit does). Whatever lies below the first matched
entry came with the base image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Instruction

KEYWORDS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})


@dataclass
class HistoryStep:
    created_by: str
    empty_layer: bool
    keyword: str  # the instruction keyword read from created_by ("RUN" when unsure)
    layer: int | None = None  # 0-based layer index for non-empty steps
    instruction: "Instruction | None" = None
    base: bool = False  # came with the base image


def created_by_keyword(created_by: str) -> str:
    text = created_by.strip()
    if text.endswith("# buildkit"):
        text = text[: -len("# buildkit")].rstrip()
    if "#(nop)" in text:
        after = text.split("#(nop)", 1)[1].split()
        return after[0].upper() if after else ""
    first = text.split(maxsplit=1)[0] if text else ""
    if first in KEYWORDS:
        return first
    return "RUN"


def history_steps(config: dict[str, Any], layer_count: int) -> list[HistoryStep]:
    """The config's history with layer indexes filled in. When the history does not account
    for exactly ``layer_count`` layers it is unusable, and one anonymous step per layer is
    returned instead."""
    raw = config.get("history")
    steps = []
    if isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict):
                continue
            created_by = str(item.get("created_by") or "")
            steps.append(HistoryStep(created_by, bool(item.get("empty_layer")), created_by_keyword(created_by)))
    if sum(not s.empty_layer for s in steps) != layer_count:
        return [HistoryStep("", False, "", layer=i) for i in range(layer_count)]
    layer = 0
    for step in steps:
        if not step.empty_layer:
            step.layer = layer
            layer += 1
    return steps


def missing_stage_message(names: list[str], target: str) -> str:
    """The error for a ``--target`` that names no stage (``names``: the stages' names)."""
    known = f"its stages: {', '.join(names)}" if names else "no stage has a name: `FROM image AS name`"
    return f"no stage named {target!r} for --target ({known})"


def align(steps: list[HistoryStep], chain: list["Instruction"]) -> int:
    """Pair history steps with ``chain`` instructions, newest first; mark older steps as base.
    Returns how many instructions were matched."""
    i, j, matched = len(steps) - 1, len(chain) - 1, 0
    lowest = len(steps)
    while i >= 0 and j >= 0:
        if steps[i].keyword == chain[j].keyword:
            if _same_text(steps[i], chain[j]) is False and any(
                    _same_text(steps[i], chain[k]) for k in range(j)):
                j -= 1  # this RUN is not the one the history ran; an earlier one is
                continue
            steps[i].instruction = chain[j]
            lowest = i
            matched += 1
            i -= 1
        j -= 1
    if matched:
        for step in steps[:lowest]:
            step.base = True
    return matched


def ran_other_command(step: HistoryStep) -> bool:
    """The step was paired with a shell-form RUN whose script is not the command its history
    ran (the Dockerfile changed since the image was built)."""
    return step.instruction is not None and _same_text(step, step.instruction) is False


def _same_text(step: HistoryStep, instruction: "Instruction") -> bool | None:
    """Whether a shell-form RUN's script is the command in ``created_by`` (None: cannot tell)."""
    if instruction.keyword != "RUN" or instruction.json_form or " -c " not in step.created_by:
        return None
    script = " ".join(instruction.body.split())
    if not script:
        return None
    return script in " ".join(step.created_by.split())
