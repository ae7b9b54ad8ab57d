"""ARG/ENV values whose expansion grows past what dockwise expands."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.build import EXPANDED_KEYWORDS
from dockwise.rules.base import CheckTarget, DockerfileRule


class ExpansionTooLarge(DockerfileRule):
    info = RuleInfo(
        code="DW908",
        name="variable-expansion-too-large",
        severity=Severity.WARNING,
        summary="Variables expand to more text than dockwise follows (8 MiB per Dockerfile).",
        rationale=("A value that repeats another variable several times, line after line "
                   "(`ARG B=$A$A$A$A`), grows exponentially: 30 such lines ask for gigabytes. "
                   "dockwise stops expanding there and treats the values from that point on as "
                   "unknown, so the rules that read them cannot judge them. Such values are "
                   "almost always a mistake, and the build would suffer too: ARG and ENV values "
                   "are in every RUN's environment, and Linux refuses to start a command with a "
                   "single environment string over 128 KiB (`argument list too long`)."),
        bad_example=("FROM alpine:3.20\nARG A=xxxxxxxx\nARG B=$A$A$A$A$A$A$A$A\nARG C=$B$B$B$B$B$B$B$B\n"
                     "ARG D=$C$C$C$C$C$C$C$C\nARG E=$D$D$D$D$D$D$D$D\nARG F=$E$E$E$E$E$E$E$E\n"
                     "ARG G=$F$F$F$F$F$F$F$F\nARG H=$G$G$G$G$G$G$G$G\n"),
        good_example="FROM alpine:3.20\nARG A=xxxxxxxx\nARG B=$A-$A\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        model = target.model
        if model.expansion_overflow is None:
            # the build expands ARG/ENV/USER/WORKDIR; the other words are expanded on demand
            for instr in target.dockerfile.instructions:
                if instr.keyword in EXPANDED_KEYWORDS:
                    model.expanded_args(instr)
                    if model.expansion_overflow is not None:
                        break
        instr = model.expansion_overflow
        message = model.expansion_budget.first_overflow
        if instr is None or message is None:
            return
        yield target.finding(self.info, message, instr.span)
