"""sudo in a RUN."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import all_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule


class SudoUsage(DockerfileRule):
    info = RuleInfo(
        code="DL3004",
        name="no-sudo",
        severity=Severity.ERROR,
        summary="Do not use sudo in RUN.",
        rationale=(
            "sudo behaves unpredictably without a TTY, adds a setuid binary to the image, and is "
            "pointless in a build: switch USER around the steps that need root instead."),
        bad_example="FROM debian:12\nRUN sudo apt-get update\n",
        good_example="FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n",
        aliases=("hadolint:DL3004", "trivy:DS-0010"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "RUN":
                continue
            for command in target.shell(instr).commands:
                sudo = _sudo_word(command)
                if sudo is not None and sudo.span is not None:
                    yield target.finding(
                        self.info,
                        "`sudo` in a RUN: it needs a TTY-less sudoers setup, ships a setuid binary "
                        "and hides who really runs the step; use `USER root` before this RUN (and "
                        "`USER <uid>` after it) instead",
                        sudo.span)


def _sudo_word(command):
    """The `sudo` word of ``sudo [opts] cmd`` (a wrapper) or of a bare `sudo` command."""
    if command.name == "sudo":
        return command.argv[0] if command.argv else None
    if "sudo" in command.wrappers:
        for word in command.prefix:
            if word.value == "sudo" or (word.value or "").endswith("/sudo"):
                return word
    return None
