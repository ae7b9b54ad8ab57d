"""wget: progress output, and wget next to curl."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._run_instructions import _runs
from dockwise.rules.base import CheckTarget, DockerfileRule


WGET_QUIET = ("--progress", "-q", "--quiet", "-nv", "--no-verbose", "-o", "--output-file",
              "-a", "--append-output")


class WgetWithoutProgress(DockerfileRule):
    info = RuleInfo(
        code="DL3047",
        name="wget-without-progress",
        severity=Severity.INFO,
        summary="`wget` without a progress or quiet option floods the build log.",
        rationale="wget's default progress bar writes thousands of lines into CI build logs.",
        bad_example="FROM debian:12\nRUN wget https://example.com/x.tgz\n",
        good_example="FROM debian:12\nRUN wget --progress=dot:giga https://example.com/x.tgz\n",
        aliases=("hadolint:DL3047",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("wget"):
                if command.span is None or any(_wget_has(command, o) for o in WGET_QUIET):
                    continue
                yield target.finding(
                    self.info,
                    "`wget` without `--progress=dot:giga`, `-q` or `-nv` writes a progress bar "
                    "that bloats build logs; add `--progress=dot:giga` (or `-nv`)",
                    command.span)


def _wget_has(command, option: str) -> bool:
    if option in ("-nv",):
        return any(w.value == "-nv" for w in command.args)
    return command.has_option(option)


class WgetAndCurl(DockerfileRule):
    info = RuleInfo(
        code="DL4001",
        name="wget-and-curl",
        severity=Severity.WARNING,
        summary="Both wget and curl are used; pick one.",
        rationale="Installing two download tools doubles their bytes and attack surface for no gain.",
        bad_example="FROM debian:12\nRUN wget -q https://a/x\nRUN curl -fsSO https://a/y\n",
        good_example="FROM debian:12\nRUN curl -fsSO https://a/x && curl -fsSO https://a/y\n",
        aliases=("hadolint:DL4001",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages or [None]:
            instructions = stage.instructions if stage is not None else target.dockerfile.instructions
            seen: set[str] = set()
            for instr in instructions:
                if instr.keyword != "RUN":
                    continue
                commands = target.shell(instr).find("wget", "curl")
                used = {c.name for c in commands}
                if used and len(seen | used) == 2:
                    other = next((c for c in commands if c.name not in seen), commands[-1])
                    if other.span is not None:
                        yield target.finding(
                            self.info,
                            f"both `wget` and `curl` are used in this stage; each tool you need "
                            f"installed adds bytes and CVEs; use one of them (here `{other.name}`)",
                            other.span)
                seen |= used
