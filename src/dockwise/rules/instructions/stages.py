"""Stage names used twice, and instructions before the first FROM."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.words import stage_alias, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.buildkit.unknown_instruction import INSTRUCTIONS as KNOWN_KEYWORDS
from dockwise.rules.instructions._keywords import written_keyword


class DuplicateStageName(DockerfileRule):
    info = RuleInfo(
        code="DL3024",
        name="duplicate-stage-name",
        severity=Severity.ERROR,
        summary="Stage names (FROM … AS name) must be unique.",
        rationale="BuildKit rejects the Dockerfile; older builders silently used one of the two.",
        bad_example="FROM debian:12 AS build\nFROM alpine:3.20 AS build\n",
        good_example="FROM debian:12 AS build\nFROM alpine:3.20 AS runtime\n",
        aliases=("buildkit:DuplicateStageName", "CKV_DOCKER_11"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for instr in target.dockerfile.instructions:
            if instr.keyword != "FROM":
                continue
            found = stage_alias(instr, target.dockerfile.escape)
            if found is None:
                continue
            alias = found[1]
            key = alias.value.lower()
            if key in seen:
                yield target.finding(
                    self.info,
                    f"stage name `{alias.value}` is already used on line {seen[key]}; BuildKit "
                    "rejects duplicate stage names; rename one of them",
                    word_span(instr, alias))
            else:
                seen[key] = instr.line


class InstructionBeforeFrom(DockerfileRule):
    info = RuleInfo(
        code="DL3061",
        name="instruction-before-from",
        severity=Severity.ERROR,
        summary="A Dockerfile must start with FROM (only ARG, comments and directives may come first).",
        rationale="BuildKit rejects any other instruction before the first FROM: the build fails.",
        bad_example="LABEL team=web\nFROM nginx:1.27\n",
        good_example="FROM nginx:1.27\nLABEL team=web\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword == "FROM":
                return
            if instr.keyword != "ARG" and instr.keyword.upper() in KNOWN_KEYWORDS:
                # an unknown word is DW001's finding: one problem, one report
                yield target.finding(
                    self.info,
                    f"`{written_keyword(target, instr)}` comes before the first FROM, which BuildKit "
                    "rejects; move it "
                    "after FROM (only ARG may precede it)",
                    instr.keyword_span)
