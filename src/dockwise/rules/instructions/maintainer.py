"""MAINTAINER, deprecated in favour of a label."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.instructions._keywords import _unquoted, double_quoted, in_case_of, written_keyword


class MaintainerDeprecated(DockerfileRule):
    info = RuleInfo(
        code="DL4000",
        name="maintainer-deprecated",
        severity=Severity.ERROR,
        summary="MAINTAINER is deprecated; use a LABEL.",
        rationale="MAINTAINER is not part of the OCI image spec; tools read `org.opencontainers.image.authors`.",
        bad_example="FROM debian:12\nMAINTAINER Jane <jane@example.com>\n",
        good_example="FROM debian:12\nLABEL org.opencontainers.image.authors=\"Jane <jane@example.com>\"\n",
        aliases=("hadolint:DL4000", "buildkit:MaintainerDeprecated", "CKV_DOCKER_6"),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword != "MAINTAINER":
                continue
            who = instr.body.strip()
            fix = None
            if "\n" not in instr.source.rstrip("\r\n") and who:
                start = instr.span.start.offset
                end = start + len(instr.source.rstrip("\r\n"))
                label = (in_case_of(written_keyword(target, instr), "LABEL")
                         + " org.opencontainers.image.authors="
                         + double_quoted(_unquoted(who), target.dockerfile.escape))
                fix = Fix("replace MAINTAINER with LABEL org.opencontainers.image.authors", (Edit(start, end, label),))
            yield target.finding(
                self.info,
                "MAINTAINER is deprecated and invisible to OCI tooling; use "
                "`LABEL org.opencontainers.image.authors=\"…\"`",
                instr.keyword_span, fix=fix)
