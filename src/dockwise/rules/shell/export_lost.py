"""``RUN export NAME=value`` with nothing after it: the variable ends with the RUN."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.runs import run_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule

# Shells whose `export` is the POSIX one (PowerShell and cmd have their own syntax).
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox"})


class ExportLostAfterRun(DockerfileRule):
    info = RuleInfo(
        code="DW051",
        name="export-lost-after-run",
        severity=Severity.WARNING,
        summary="`export` is the last command of a RUN, so the variable is gone before anything reads it.",
        rationale=("Each RUN starts a new shell and its environment ends with it: a variable "
                   "exported at the end of one RUN is not set in the next RUN, in CMD or in the "
                   "container. The build goes on with the old value, or none. Use `ENV` for a "
                   "variable later instructions need (`ARG` if only the build does), or export it "
                   "in the RUN that uses it, before the commands that read it."),
        bad_example="FROM golang:1.23\nRUN export GOFLAGS=-mod=vendor\nRUN go build ./...\n",
        good_example="FROM golang:1.23\nENV GOFLAGS=-mod=vendor\nRUN go build ./...\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in run_instructions(target.model):
            script = target.shell(instr)
            if script.exec_form or script.language not in POSIX_SHELLS or not script.commands:
                continue
            for command, names in _trailing_exports(script):
                shown = ", ".join(f"`{name}`" for name in names)
                yield target.finding(
                    self.info,
                    f"{shown} {'is' if len(names) == 1 else 'are'} exported at the end of this RUN, "
                    "so no later instruction sees it: each RUN starts a new shell; use `ENV` (or "
                    "`ARG` for the build only), or export it before the commands that read it",
                    command.span)


def _trailing_exports(script) -> list[tuple]:
    """The exports nothing in the script runs after: the script's last top-level commands, as
    long as they are exports (``... && export A=1 && export B=2``), in source order."""
    # top level only: `export V=$(cat f)` runs cat after the export starts
    top_level = sorted((c for c in script.commands if not c.in_substitution and not c.in_nested_shell),
                       key=lambda c: c.start)
    found = []
    for command in reversed(top_level):
        names = _exported_names(command)
        if not names or command.span is None:
            break
        found.append((command, names))
    return found[::-1]


def _exported_names(command) -> list[str]:
    """The names ``export NAME=value`` gives a new value. ``export NAME`` and
    ``export NAME=$NAME`` change nothing (the value comes from ENV, ARG or nowhere), and
    ``export -p`` only lists."""
    if command.name != "export" or command.wrappers:
        return []
    names = []
    for word in command.argv[1:]:
        text = word.text.replace('"', "").replace("'", "")
        if text.startswith("-"):
            return []
        name, has_value, value = text.partition("=")
        if has_value and name.isidentifier() and value not in (f"${name}", f"${{{name}}}"):
            names.append(name)
    return names
