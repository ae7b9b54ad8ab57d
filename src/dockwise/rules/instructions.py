"""Family 9: instructions that only count once per stage, and the missing HEALTHCHECK."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import (
    effective_instruction, instruction_words, stages_with_loose, word_span,
)
from dockwise.rules.base import CheckTarget, DockerfileRule


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
        runs = effective_instruction(final, "CMD") or effective_instruction(final, "ENTRYPOINT")
        exposes = effective_instruction(final, "EXPOSE")
        if runs is None and exposes is None:
            return  # a base or tool image: nothing long-running to probe
        instr = final.from_instruction
        words = instruction_words(instr, target.dockerfile.escape)
        span = word_span(instr, words[0]) if words else instr.keyword_span
        yield target.finding(
            self.info,
            "the final image defines no HEALTHCHECK: a hung service keeps getting traffic and is "
            "never restarted; add `HEALTHCHECK CMD [\"<probe>\", ...]` (or `HEALTHCHECK NONE` if "
            "the orchestrator probes it)",
            span)


class _OncePerStage(DockerfileRule):
    keyword = ""
    why = ""

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for _stage, instructions in stages_with_loose(target.model):
            seen = [i for i in instructions if i.keyword == self.keyword]
            for instr in seen[1:]:
                yield target.finding(
                    self.info,
                    f"{len(seen)} {self.keyword} instructions in this stage; only the last one "
                    f"(line {seen[-1].line}) takes effect, {self.why}; keep a single {self.keyword}",
                    instr.keyword_span)


class MultipleCmd(_OncePerStage):
    info = RuleInfo(
        code="DL4003",
        name="multiple-cmd",
        severity=Severity.WARNING,
        summary="Only the last CMD of a stage takes effect.",
        rationale="Earlier CMDs are dead code that misleads readers about what the container runs.",
        bad_example="FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n",
        good_example="FROM debian:12\nCMD [\"b\"]\n",
        aliases=("hadolint:DL4003",),
    )
    keyword = "CMD"
    why = "the others are dead code that misleads readers about what runs"


class MultipleEntrypoint(_OncePerStage):
    info = RuleInfo(
        code="DL4004",
        name="multiple-entrypoint",
        severity=Severity.ERROR,
        summary="Only the last ENTRYPOINT of a stage takes effect.",
        rationale="Earlier ENTRYPOINTs are silently discarded; the container does not start the way it reads.",
        bad_example="FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
        good_example="FROM debian:12\nENTRYPOINT [\"b\"]\n",
        aliases=("hadolint:DL4004",),
    )
    keyword = "ENTRYPOINT"
    why = "the container does not start the way the file reads"


class MultipleHealthcheck(_OncePerStage):
    info = RuleInfo(
        code="DL3012",
        name="multiple-healthcheck",
        severity=Severity.ERROR,
        summary="Only the last HEALTHCHECK of a stage takes effect.",
        rationale="Earlier HEALTHCHECKs are silently discarded; the probe that runs is not the one you read first.",
        bad_example="FROM debian:12\nHEALTHCHECK CMD [\"a\"]\nHEALTHCHECK CMD [\"b\"]\n",
        good_example="FROM debian:12\nHEALTHCHECK CMD [\"b\"]\n",
        aliases=("hadolint:DL3012",),
    )
    keyword = "HEALTHCHECK"
    why = "the probe that runs is not the first one you read"
