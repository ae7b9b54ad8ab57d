"""What a target ships, layer by layer: stage lineage, the shipped stages, the layer index.

A stage built ``FROM`` an earlier stage starts from that stage's filesystem, so the image of the
final stage (the target) carries the layers of every stage in its lineage -- and nothing of the
stages it only copies from. Only RUN, COPY and ADD write a layer; the others change the config.

::

    lineage(stage)                    # the stage and those it is built FROM, nearest first
    shipped_stages(model)             # the lineage of the final stage (the target)
    ships(model, instr)               # does the layer of instr end up in the target image?
    layer_number(model, instr)        # 1-based place among the layers of its stage's lineage
    layer_instructions(model)         # RUN/COPY/ADD of the target, in build order
    build_chain(model)                # every instruction of the target, root stage first, + base FROM
    effective_instruction(stage, "USER")  # the last one that applies to the stage's image
    is_root_user("0:0")               # a USER value that runs as root
    all_instructions(model)           # every instruction, ONBUILD's trigger in place of the ONBUILD
    instruction_groups(model)         # instructions by stage; those before any FROM form a group
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.build import BuildModel, Stage
    from dockwise.syntax.tree import Instruction

LAYER_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})


def _memo(model: "BuildModel", key: str, compute: Any) -> Any:
    """Per-model cache of what is derived here (the model is immutable once built)."""
    derived = model.derived
    if key not in derived:
        derived[key] = compute()
    return derived[key]


def lineage(stage: "Stage | None") -> list["Stage"]:
    """``stage`` and the stages it is built FROM, nearest first (none for None)."""
    return stage.lineage if stage is not None else []


def shipped_stages(model: "BuildModel") -> list["Stage"]:
    """The stages whose layers make the target image: the final stage and its lineage."""
    return _memo(model, "shipped", lambda: lineage(model.final_stage))


def shipped_stage_indexes(model: "BuildModel") -> frozenset[int]:
    return _memo(model, "shipped-indexes", lambda: frozenset(s.index for s in shipped_stages(model)))


def ships(model: "BuildModel", instr: "Instruction") -> bool:
    """True when ``instr`` belongs to a shipped stage (or to no stage: nothing to rule out)."""
    stage = model.stage_of(instr)
    return stage is None or stage.index in shipped_stage_indexes(model)


def layer_number(model: "BuildModel", instr: "Instruction") -> int | None:
    """1-based position of ``instr`` among the layer-writing instructions (RUN/COPY/ADD) of its
    stage's lineage, root stage first; None when it writes no layer or is in no stage."""
    stage = model.stage_of(instr)
    if stage is None or instr.keyword not in LAYER_KEYWORDS:
        return None
    numbers = _memo(model, f"layers-{stage.index}", lambda: _number_layers(stage))
    return numbers.get(id(instr))


def _number_layers(stage: "Stage") -> dict[int, int]:
    numbers: dict[int, int] = {}
    for ancestor in reversed(stage.lineage):
        for instr in ancestor.instructions:
            if instr.keyword in LAYER_KEYWORDS:
                numbers[id(instr)] = len(numbers) + 1
    return numbers


def build_chain(model: "BuildModel") -> tuple[list["Instruction"], "Instruction | None"]:
    """Every instruction that built the target (root stage first, in file order within a stage)
    and the FROM of the image (or scratch) at the root of that lineage."""
    stages = shipped_stages(model)
    if not stages:
        return [], None
    chain = [instr for stage in reversed(stages) for instr in stage.instructions]
    return chain, stages[-1].from_instruction


def layer_instructions(model: "BuildModel") -> list["Instruction"]:
    """The RUN/COPY/ADD instructions that write the target's layers, in build order."""
    return [instr for instr in build_chain(model)[0] if instr.keyword in LAYER_KEYWORDS]


def last_of(instructions: list["Instruction"], keyword: str) -> "Instruction | None":
    for instr in reversed(instructions):
        if instr.keyword == keyword:
            return instr
    return None


def effective_instruction(stage: "Stage | None", keyword: str) -> "Instruction | None":
    """The last ``keyword`` instruction (CMD, ENTRYPOINT, HEALTHCHECK, USER) that applies to
    ``stage``'s image, looking through the stages it is built FROM."""
    for ancestor in lineage(stage):
        found = last_of(ancestor.instructions, keyword)
        if found is not None:
            return found
    return None


def is_root_user(text: str) -> bool:
    """``root``, ``0``, ``root:root``, ``0:0``, ``root:staff``...: a USER value that runs as root."""
    user = text.strip().split(":", 1)[0]
    return user in ("root", "0")


def all_instructions(model: "BuildModel") -> Iterator["Instruction"]:
    """Every instruction, with ONBUILD's nested instruction in place of the ONBUILD."""
    for instr in model.dockerfile.instructions:
        yield instr.onbuild if instr.onbuild is not None else instr


def instruction_groups(model: "BuildModel") -> list[tuple[object, list["Instruction"]]]:
    """Instructions grouped by stage; instructions before any FROM form their own group
    (hadolint treats a file without FROM as one stage; so do the per-stage counting rules)."""
    groups: list[tuple[object, list[Instruction]]] = []
    loose = [i for i in model.dockerfile.instructions
             if i.keyword not in ("FROM", "ARG") and model.stage_of(i) is None]
    if loose:
        groups.append((None, loose))
    for stage in model.stages:
        groups.append((stage, list(stage.instructions)))
    return groups
