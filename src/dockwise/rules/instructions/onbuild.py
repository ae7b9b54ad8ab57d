"""ONBUILD triggers that cannot work."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule


class OnbuildForbidden(DockerfileRule):
    info = RuleInfo(
        code="DL3043",
        name="onbuild-forbidden-instruction",
        severity=Severity.ERROR,
        summary="ONBUILD cannot wrap FROM, MAINTAINER or ONBUILD.",
        rationale="The builder rejects these triggers when a child image builds FROM this one.",
        bad_example="FROM debian:12\nONBUILD FROM alpine\n",
        good_example="FROM debian:12\nONBUILD COPY . /app\n",
        aliases=("hadolint:DL3043",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            nested = instr.onbuild
            if instr.keyword == "ONBUILD" and nested is not None and nested.keyword in ("FROM", "MAINTAINER", "ONBUILD"):
                yield target.finding(
                    self.info,
                    f"`ONBUILD {nested.keyword}` is not allowed: every image built FROM this one "
                    "fails; remove the trigger",
                    nested.keyword_span)
