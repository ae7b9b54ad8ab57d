"""A pipe in a RUN whose shell does not fail on a failing stage."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.runs import run_instructions
from dockwise.rules._downloads import validates_input
from dockwise.rules.base import CheckTarget, DockerfileRule


PIPEFAIL_SHELLS = {"bash", "zsh", "ksh", "mksh", "ash"}
# Producers that cannot fail in a way pipefail would catch: they print what they are given.
NEVER_FAIL = frozenset({"echo", "printf", "yes", "true", ":", "uname", "arch", "nproc", "id", "whoami",
                        "pwd", "printenv"})
# Queries of the build machine that cannot fail where the package manager itself works.
NEVER_FAIL_QUERIES = {"dpkg": ("--print-architecture",), "apk": ("--print-arch",)}

def _cannot_fail(command) -> bool:
    if command.name in NEVER_FAIL:
        return True
    options = NEVER_FAIL_QUERIES.get(command.name or "")
    return options is not None and command.has_option(*options)


def _silent_failures(script) -> list:
    """The first command of each pipeline whose failure the pipeline would hide: not an
    ``echo``/``printf``, and not feeding a consumer that fails on its own without input."""
    pipelines: dict[int, list] = {}
    for command in script.commands:
        if command.in_pipeline and command.pipeline is not None:
            pipelines.setdefault(command.pipeline, []).append(command)
    found = []
    for members in pipelines.values():
        members.sort(key=lambda c: c.pipeline_index)
        *producers, last = members
        if validates_input(last):
            continue
        risky = [c for c in producers if not _cannot_fail(c) and c.pipeline_index < last.pipeline_index]
        if risky:
            found.append(risky[0])
    return sorted(found, key=lambda c: c.start)


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
        rationale=("A pipeline's status is its last command's: `curl … | sh` \"succeeds\" when "
                   "the download fails (sh runs what arrived, possibly nothing), and the broken layer "
                   "is cached. Unlike hadolint, a pipe "
                   "whose producers cannot fail (`echo`, `printf`, `dpkg --print-architecture`) or "
                   "whose last command fails by itself on missing or cut-short input "
                   "(`sha256sum -c`, `grep PATTERN`, `tar -xz`) is not reported: "
                   "pipefail would change nothing there."),
        bad_example="FROM debian:12\nRUN curl -fsSL https://example.com/install.sh | sh\n",
        good_example=("FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
                      "RUN curl -fsSL https://example.com/install.sh | sh\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in run_instructions(target.model):
            if instr.json_form:
                continue
            script = target.shell(instr)
            if not script.posix:
                continue
            first = next(iter(_silent_failures(script)), None)
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
