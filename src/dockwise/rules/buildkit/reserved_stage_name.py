"""Stage names BuildKit reserves."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import stage_alias, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


class ReservedStageName(DockerfileRule):
    info = RuleInfo(
        code="DW906",
        name="reserved-stage-name",
        severity=Severity.WARNING,
        summary="`scratch` and `context` are reserved and cannot name a stage.",
        rationale="`FROM scratch` and named build contexts would silently refer to something else.",
        bad_example="FROM alpine:3.20 AS scratch\n",
        good_example="FROM alpine:3.20 AS builder\n",
        aliases=("buildkit:ReservedStageName", "hadolint:DL3063"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            found = stage_alias(instr, target.dockerfile.escape) if instr.keyword == "FROM" else None
            if found is not None and found[1].value.lower() in ("scratch", "context"):
                yield target.finding(
                    self.info,
                    f"`{found[1].value}` is a reserved name: `FROM {found[1].value.lower()}` elsewhere "
                    "would not mean this stage; pick another stage name",
                    word_span(instr, found[1]))
