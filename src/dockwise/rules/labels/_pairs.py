"""The LABEL pairs of a Dockerfile, and the shape of the label-schema rules."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._record import Record
from dockwise.findings import RuleInfo, Severity
from dockwise.rules._instr_words import word_span
from dockwise.rules.base import CheckTarget


class LabelPair(Record):
    """One ``key=value`` of a LABEL instruction, expanded, with the spans findings point at."""

    __slots__ = ("instruction", "stage", "key", "value", "known", "key_span", "value_span")

    def __init__(self, instruction, stage, key: str, value: str, known: bool, key_span, value_span) -> None:
        self.instruction = instruction
        self.stage = stage  # None before the first FROM
        self.key = key
        self.value = value
        self.known = known  # False: the value depends on a variable unknown at lint time
        self.key_span = key_span
        self.value_span = value_span


def label_pairs(target: CheckTarget) -> list[LabelPair]:
    """Every label this Dockerfile sets (ONBUILD triggers excluded), in file order."""
    return target.memo("label-pairs", lambda: list(_label_pairs(target)))


def _label_pairs(target: CheckTarget) -> Iterator[LabelPair]:
    from dockwise.rules._assignments import assignments

    model = target.model
    for instr in target.dockerfile.instructions:
        if instr.keyword != "LABEL":
            continue
        values = model.expanded_args(instr)
        written = assignments(instr, target.dockerfile.escape)
        spans_match = len(written) * 2 == len(values)
        for index in range(0, len(values) - 1, 2):
            key, value = values[index], values[index + 1]
            if not key.known:
                continue  # `LABEL $NAME=...`: the key is not known, so neither is its schema entry
            if spans_match:
                pair = written[index // 2]
                key_span = word_span(instr, pair.name)
                value_span = instr.span_of(pair.value_start, pair.value_end)
            else:
                key_span = value_span = instr.keyword_span
            yield LabelPair(instr, model.stage_of(instr), key.text, value.text, value.known,
                            key_span, value_span)


# -- rules ---------------------------------------------------------------------------------------

ACTIVATION = (" Active only when .hadolint.yaml declares a `label-schema` or "
              "`dockwise check --require-label NAME:TYPE` names labels.")


def _info(code: str, name: str, severity: Severity, summary: str, rationale: str, bad: str,
          good: str, activation: str = ACTIVATION) -> RuleInfo:
    return RuleInfo(code=code, name=name, severity=severity, summary=summary,
                    rationale=rationale + activation, bad_example=bad, good_example=good,
                    aliases=(f"hadolint:{code}",))
