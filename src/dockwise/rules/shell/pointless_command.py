"""Commands that make no sense in a build (ssh, vim, shutdown, ...)."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._run_instructions import _runs
from dockwise.rules.base import CheckTarget, DockerfileRule


POINTLESS_COMMANDS = {"ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig"}


class PointlessCommandInRun(DockerfileRule):
    info = RuleInfo(
        code="DL3001",
        name="pointless-command-in-run",
        severity=Severity.INFO,
        summary="Interactive or host-management commands make no sense in a RUN.",
        rationale=("A build step has no terminal, no init system and no other processes: `vim`, `top`, "
                   "`service x start` or `kill` do nothing useful there (a started service does not "
                   "survive the step)."),
        bad_example="FROM debian:12\nRUN service nginx start\n",
        good_example="FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
        aliases=("hadolint:DL3001",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).commands:
                if command.name in POINTLESS_COMMANDS and command.span is not None:
                    yield target.finding(
                        self.info,
                        f"`{command.name}` in a RUN does nothing useful: the build step has no terminal "
                        "or running services, and nothing it starts survives the step; drop it (start "
                        "services from CMD/ENTRYPOINT)",
                        command.span)
