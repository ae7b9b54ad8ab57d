"""``cd`` in a RUN where WORKDIR says it for every later instruction."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.runs import run_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule


class CdInRun(DockerfileRule):
    info = RuleInfo(
        code="DL3003",
        name="cd-instead-of-workdir",
        severity=Severity.WARNING,
        summary="Use WORKDIR to switch directories, not `cd` in RUN.",
        rationale=("`cd` lasts only for one RUN; the next instruction is back in the old directory, "
                   "which makes relative paths in later steps misleading. Reported where WORKDIR "
                   "says the same thing: a RUN that starts with `cd /absolute/dir`. A `cd` further "
                   "into a build recipe (into the folder a `tar x` or `git clone` just made, "
                   "`cd build`), into /tmp, or into a folder the same RUN deletes is left alone: a "
                   "WORKDIR there would be wrong or would leave the folder in the image (hadolint "
                   "reports every `cd`)."),
        bad_example="FROM debian:12\nRUN cd /src && make\n",
        good_example="FROM debian:12\nWORKDIR /src\nRUN make\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in run_instructions(target.model):
            script = target.shell(instr)
            command = _leading_cd(script)
            if command is None or command.span is None:
                continue
            directory = command.args[0].value
            if _temporary(directory) or _removed_later(script, command, directory):
                continue
            yield target.finding(
                self.info,
                f"`cd {directory}` in a RUN lasts only for this instruction, so later relative paths "
                f"silently use the old directory; use `WORKDIR {directory}` instead",
                command.span)


def _leading_cd(script):
    """The ``cd DIR`` a RUN starts with, to an absolute literal directory: exactly what WORKDIR
    says. A ``cd`` further into a build recipe (into the folder a `tar x` or `git clone` just
    made, `cd build`, `cd ..`) cannot be a WORKDIR, which exists before the RUN."""
    commands = [c for c in script.commands if not c.in_substitution and not c.in_nested_shell]
    if not commands or commands[0].name != "cd" or len(commands[0].args) != 1:
        return None
    value = commands[0].args[0].value
    return commands[0] if value and value.startswith("/") and "$" not in value else None


def _temporary(directory: str) -> bool:
    return directory.rstrip("/") in ("/tmp", "/var/tmp") or directory.startswith(("/tmp/", "/var/tmp/"))


def _removed_later(script, cd, directory: str) -> bool:
    """A scratch folder the same RUN deletes again: WORKDIR would leave it in the image."""
    target = directory.rstrip("/")
    for command in script.commands:
        if command.start > cd.start and command.name == "rm":
            if any((w.value or "").rstrip("/") == target for w in command.args):
                return True
    return False
