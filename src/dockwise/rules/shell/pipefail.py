"""A pipe in a RUN whose shell does not fail on a failing stage."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._run_instructions import _runs
from dockwise.rules.base import CheckTarget, DockerfileRule


PIPEFAIL_SHELLS = {"bash", "zsh", "ksh", "mksh", "ash"}


def _has_pipefail(shell: list[str]) -> bool:
    if not shell or shell[0].rsplit("/", 1)[-1] not in PIPEFAIL_SHELLS:
        return False
    args = shell[1:]
    return any(a == "pipefail" and i > 0 and args[i - 1].startswith("-") and args[i - 1].endswith("o")
               for i, a in enumerate(args))


def _sets_pipefail_inline(script) -> bool:
    return any(c.name == "set" and any(w.value == "pipefail" for w in c.args) for c in script.commands)


class PipeWithoutPipefail(DockerfileRule):
    info = RuleInfo(
        code="DL4006",
        name="pipe-without-pipefail",
        severity=Severity.WARNING,
        summary="A RUN pipes commands without `set -o pipefail` in effect.",
        rationale=("A pipeline's status is its last command's: `curl … | tar x` \"succeeds\" when "
                   "the download fails, and the broken layer is cached."),
        bad_example="FROM debian:12\nRUN curl -fsSL https://x/y.tgz | tar -xz\n",
        good_example=("FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
                      "RUN curl -fsSL https://x/y.tgz | tar -xz\n"),
        aliases=("hadolint:DL4006",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            if instr.json_form:
                continue
            script = target.shell(instr)
            if not script.posix:
                continue
            first = next((c for c in script.commands if c.in_pipeline), None)
            if first is None or first.span is None:
                continue
            state = target.model.state_at(instr)
            shell = state.shell if state else ["/bin/sh", "-c"]
            if _has_pipefail(shell) or _sets_pipefail_inline(script):
                continue
            yield target.finding(
                self.info,
                "a pipeline's exit status is its last command's: if "
                f"`{first.name or first.argv[0].text}` (before the `|`) fails, the build goes on and "
                "caches a broken layer; add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` "
                "before this RUN (or `set -o pipefail` in it)",
                first.span)
