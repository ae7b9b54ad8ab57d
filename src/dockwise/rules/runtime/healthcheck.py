"""hadolint's DL3057: every image the Dockerfile builds declares its HEALTHCHECK.

dockwise's own DW901 asks for a HEALTHCHECK only where it pays (a final image that runs a
service); DL3057 is hadolint's blanket form, off by default as in hadolint (its default severity
there is "ignore"): ``--select DL3057`` turns it on. It judges the stages that no other stage
reads -- the images a build can produce --, looking through the stages they are built FROM;
``HEALTHCHECK NONE`` counts as a deliberate choice.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import effective_instruction, first_word_span, instruction_words
from dockwise.rules.base import CheckTarget, DockerfileRule


class HealthcheckMissing(DockerfileRule):
    info = RuleInfo(
        code="DL3057",
        name="healthcheck-missing",
        severity=Severity.INFO,
        summary="An image this Dockerfile builds has no HEALTHCHECK (not even `HEALTHCHECK NONE`).",
        rationale=(
            "Without a HEALTHCHECK the container runtime only knows whether the process exists: a "
            "hung service keeps receiving traffic and is never restarted. `HEALTHCHECK NONE` "
            "records that probing is left to the orchestrator on purpose. Off by default, as in "
            "hadolint (DW901 covers images that run a service): `--select DL3057` turns it on."),
        bad_example="FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/\n",
        good_example=("FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/\n"
                      "HEALTHCHECK CMD [\"curl\", \"-fsS\", \"http://localhost/\"]\n"),
        aliases=("hadolint:DL3057",),
        default_enabled=False,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        model = target.model
        for stage in model.stages:
            if model.dependents(stage) or effective_instruction(stage, "HEALTHCHECK") is not None:
                continue
            yield target.finding(
                self.info,
                f"stage {stage.label} builds an image without a HEALTHCHECK: a hung process is "
                "never noticed; add `HEALTHCHECK CMD [\"<probe>\"]`, or `HEALTHCHECK NONE` if the "
                "orchestrator probes it",
                first_word_span(stage.from_instruction, target.dockerfile.escape))


# A CMD that only starts one of these (no script, no arguments) is an interactive base image.
INTERACTIVE = {"sh", "bash", "ash", "zsh", "dash", "python", "python3", "node", "irb", "ruby", "php",
               "perl", "jshell", "ghci", "iex", "erl", "julia", "R", "pwsh", "powershell", "cmd", "mysql",
               "psql", "redis-cli", "mongo", "mongosh"}


def _runs_a_service(target: CheckTarget, final) -> bool:
    """EXPOSE, or a CMD/ENTRYPOINT that is more than an interactive shell or REPL."""
    if effective_instruction(final, "EXPOSE") is not None:
        return True
    instr = effective_instruction(final, "ENTRYPOINT") or effective_instruction(final, "CMD")
    if instr is None:
        return False
    words = instruction_words(instr, target.dockerfile.escape)
    return not (len(words) == 1 and words[0].value.rsplit("/", 1)[-1] in INTERACTIVE)


class NoHealthcheck(DockerfileRule):
    info = RuleInfo(
        code="DW901",
        name="no-healthcheck",
        severity=Severity.INFO,
        summary="The final image runs a service but defines no HEALTHCHECK.",
        rationale=(
            "Without a HEALTHCHECK, Docker and Swarm only know whether the process exists: a hung "
            "or deadlocked service keeps receiving traffic and is never restarted."),
        bad_example="FROM python:3.12-slim\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"http.server\"]\n",
        good_example=("FROM python:3.12-slim\nEXPOSE 8000\n"
                      "HEALTHCHECK CMD [\"python\", \"-c\", \"import urllib.request as u; u.urlopen('http://localhost:8000')\"]\n"
                      "CMD [\"python\", \"-m\", \"http.server\"]\n"),
        aliases=("CKV_DOCKER_2", "dockle:CIS-DI-0006"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        if final is None or final.is_scratch and not final.instructions:
            return
        if effective_instruction(final, "HEALTHCHECK") is not None:
            return
        if not _runs_a_service(target, final):
            return  # a base, shell or tool image: nothing long-running to probe
        span = first_word_span(final.from_instruction, target.dockerfile.escape)
        yield target.finding(
            self.info,
            "the final image defines no HEALTHCHECK: a hung service keeps getting traffic and is "
            "never restarted; add `HEALTHCHECK CMD [\"<probe>\", ...]` (or `HEALTHCHECK NONE` if "
            "the orchestrator probes it)",
            span)
