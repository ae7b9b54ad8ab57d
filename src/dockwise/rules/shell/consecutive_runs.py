"""Consecutive RUNs that could be one layer."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule


def _is_single_command(script) -> bool:
    """At most one command, as hadolint counts: a pipeline, a list or a `$(...)` makes several;
    a command whose name is an expansion (`${DIR}/bin/tool`) is not counted."""
    return sum(1 for c in script.commands if c.name is not None) <= 1


def _mounts(instr) -> list[str]:
    return sorted(f.raw for f in instr.flags if f.name == "mount")


class ConsecutiveRuns(DockerfileRule):
    info = RuleInfo(
        code="DL3059",
        name="consecutive-run",
        severity=Severity.INFO,
        summary="Consecutive single-command RUNs could be one layer.",
        rationale="Each RUN is a layer with its own metadata and cache entry; related one-liners are cheaper joined with `&&`.",
        bad_example="FROM debian:12\nRUN mkdir /app\nRUN chown 10001 /app\n",
        good_example="FROM debian:12\nRUN mkdir /app && chown 10001 /app\n",
        aliases=("hadolint:DL3059",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        previous = None
        for instr in target.dockerfile.instructions:
            if instr.keyword != "RUN":
                previous = None
                continue
            if instr.heredocs or not target.shell(instr).posix or not _is_single_command(target.shell(instr)):
                previous = None
                continue
            if previous is not None and _mounts(previous) == _mounts(instr):
                yield target.finding(
                    self.info,
                    f"this RUN and the one on line {previous.line} each run one command and make one "
                    "layer each; join them with `&&` into a single RUN",
                    instr.keyword_span)
            previous = instr
