"""Tying layers to history entries, and history entries to Dockerfile instructions.

The config's ``history`` has one entry per build step; those without ``empty_layer`` made
the layers, in order. Each entry's ``created_by`` names its instruction in one of a few
dialects -- the classic builder and buildah (``/bin/sh -c #(nop) COPY file:… in /app``, a RUN
as ``|1 ARG=x /bin/sh -c cmd``), BuildKit (``RUN /bin/sh -c cmd # buildkit``, ``COPY . . #
buildkit``). We read the instruction keyword out of it and match the history, from the
newest entry backwards, against the instructions of the Dockerfile's final stage (and of the
stages it is built ``FROM``). Whatever lies below the first matched entry came with the base
image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Dockerfile, Instruction

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


@dataclass
class Stage:
    from_instruction: "Instruction"
    name: str | None
    instructions: list["Instruction"]

    @property
    def base(self) -> str:
        return self.from_instruction.args[0] if self.from_instruction.args else ""


def stages_of(dockerfile: "Dockerfile") -> list[Stage]:
    stages: list[Stage] = []
    for ins in dockerfile.instructions:
        if ins.keyword == "FROM":
            args = ins.args
            name = args[2].lower() if len(args) >= 3 and args[1].lower() == "as" else None
            stages.append(Stage(ins, name, []))
        elif stages:
            stages[-1].instructions.append(ins)
    return stages


def build_chain(stages: list[Stage], target: str | None = None) -> tuple[list["Instruction"], "Instruction | None"]:
    """Instructions that built the target stage (parent stages first) and the FROM of the
    external base image at the root of that chain."""
    if not stages:
        return [], None
    index = len(stages) - 1
    if target:
        named = [i for i, s in enumerate(stages) if s.name == target.lower()]
        if not named:
            raise ValueError(missing_stage_message(stages, target))
        index = named[0]
    chain: list[Instruction] = []
    seen = set()
    while index not in seen:
        seen.add(index)
        stage = stages[index]
        chain[:0] = stage.instructions
        parent = _stage_index(stages, stage.base, before=index)
        if parent is None:
            return chain, stage.from_instruction
        index = parent
    return chain, stages[index].from_instruction


def missing_stage_message(stages: list[Stage], target: str) -> str:
    names = [s.name for s in stages if s.name]
    known = f"its stages: {', '.join(names)}" if names else "no stage has a name: `FROM image AS name`"
    return f"no stage named {target!r} for --target ({known})"


def _stage_index(stages: list[Stage], ref: str, before: int) -> int | None:
    ref = ref.lower()
    for i in range(before - 1, -1, -1):
        if stages[i].name == ref:
            return i
    if ref.isdigit() and int(ref) < before:
        return int(ref)
    return None


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


def _same_text(step: HistoryStep, instruction: "Instruction") -> bool | None:
    """Whether a shell-form RUN's script is the command in ``created_by`` (None: cannot tell)."""
    if instruction.keyword != "RUN" or instruction.json_form or " -c " not in step.created_by:
        return None
    script = " ".join(instruction.body.split())
    if not script:
        return None
    return script in " ".join(step.created_by.split())
