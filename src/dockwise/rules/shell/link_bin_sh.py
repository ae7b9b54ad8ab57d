"""Replacing /bin/sh with ln instead of SHELL."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._run_instructions import _runs
from dockwise.rules.base import CheckTarget, DockerfileRule


class LinkBinSh(DockerfileRule):
    info = RuleInfo(
        code="DL4005",
        name="ln-bin-sh",
        severity=Severity.WARNING,
        summary="Use SHELL instead of replacing /bin/sh with a link.",
        rationale="Relinking /bin/sh changes every script in the image, not just your RUNs; SHELL changes only the build.",
        bad_example="FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n",
        good_example="FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n",
        aliases=("hadolint:DL4005",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("ln"):
                operands = command.positionals()
                if operands and operands[-1].value == "/bin/sh" and command.span is not None:
                    yield target.finding(
                        self.info,
                        "replacing /bin/sh with a link changes the shell of every script in the "
                        "image; use `SHELL [\"/bin/bash\", \"-c\"]` for the build instead",
                        command.span)
