"""Instructions that only count once per stage: CMD, ENTRYPOINT, HEALTHCHECK."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import stages_with_loose
from dockwise.rules.base import CheckTarget, DockerfileRule


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
        aliases=("hadolint:DL4003", "buildkit:MultipleInstructionsDisallowed"),
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
        aliases=("hadolint:DL4004", "buildkit:MultipleInstructionsDisallowed"),
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
        aliases=("hadolint:DL3012", "buildkit:MultipleInstructionsDisallowed"),
    )
    keyword = "HEALTHCHECK"
    why = "the probe that runs is not the first one you read"
