"""``cd`` in a RUN where WORKDIR says it for every later instruction."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._run_instructions import _runs
from dockwise.rules.base import CheckTarget, DockerfileRule


class CdInRun(DockerfileRule):
    info = RuleInfo(
        code="DL3003",
        name="cd-instead-of-workdir",
        severity=Severity.WARNING,
        summary="Use WORKDIR to switch directories, not `cd` in RUN.",
        rationale=("`cd` lasts only for one RUN; the next instruction is back in the old directory, "
                   "which makes relative paths in later steps misleading."),
        bad_example="FROM debian:12\nRUN cd /src && make\n",
        good_example="FROM debian:12\nWORKDIR /src\nRUN make\n",
        aliases=("hadolint:DL3003",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("cd"):
                if command.span is not None and not command.in_substitution:
                    yield target.finding(
                        self.info,
                        "`cd` in a RUN lasts only for this instruction, so later relative paths "
                        "silently use the old directory; use `WORKDIR <dir>` instead",
                        command.span)
