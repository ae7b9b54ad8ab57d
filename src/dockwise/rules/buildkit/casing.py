"""Keyword and stage-name casing."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import stage_alias, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.buildkit._fixes import _keyword_text, _replace, _with_triggers


class StageNameCasing(DockerfileRule):
    info = RuleInfo(
        code="DW903",
        name="stage-name-casing",
        severity=Severity.STYLE,
        summary="Stage names should be lowercase.",
        rationale="Stage names are case-insensitive; lowercase keeps them apart from instruction keywords.",
        bad_example="FROM alpine:3.20 AS BuilderBase\n",
        good_example="FROM alpine:3.20 AS builder-base\n",
        aliases=("buildkit:StageNameCasing",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            found = stage_alias(instr, target.dockerfile.escape) if instr.keyword == "FROM" else None
            if found is None or found[1].raw == found[1].raw.lower() or "$" in found[1].raw:
                continue
            span = word_span(instr, found[1])
            yield target.finding(
                self.info,
                f"stage name `{found[1].raw}` should be lowercase (stage names are case-insensitive); "
                f"write `{found[1].raw.lower()}`",
                span, fix=_replace(span, found[1].raw.lower(), "lowercase the stage name"))


class FromAsCasing(DockerfileRule):
    info = RuleInfo(
        code="DW904",
        name="from-as-casing",
        severity=Severity.STYLE,
        summary="`FROM … AS` keywords should use the same case.",
        rationale="Mixed keyword casing makes the file harder to scan.",
        bad_example="FROM debian:12 as builder\n",
        good_example="FROM debian:12 AS builder\n",
        aliases=("buildkit:FromAsCasing",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            found = stage_alias(instr, target.dockerfile.escape) if instr.keyword == "FROM" else None
            if found is None:
                continue
            keyword, as_word = _keyword_text(target, instr), found[0].raw
            if keyword.isupper() == as_word.isupper() and keyword.islower() == as_word.islower():
                continue
            wanted = "AS" if keyword.isupper() else "as"
            span = word_span(instr, found[0])
            yield target.finding(
                self.info,
                f"`{keyword}` and `{as_word}` are cased differently; write `{keyword} … {wanted}`",
                span, fix=_replace(span, wanted, f"write {wanted}"))


KEYWORDS = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
            "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


class ConsistentInstructionCasing(DockerfileRule):
    info = RuleInfo(
        code="DW905",
        name="consistent-instruction-casing",
        severity=Severity.STYLE,
        summary="Instruction keywords should all be uppercase or all lowercase.",
        rationale="Mixed keyword casing makes the file harder to scan and grep.",
        bad_example="FROM alpine:3.20\nrun echo hi\n",
        good_example="FROM alpine:3.20\nRUN echo hi\n",
        aliases=("buildkit:ConsistentInstructionCasing",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        keywords = [(instr, _keyword_text(target, instr)) for instr in _with_triggers(target)
                    if instr.keyword in KEYWORDS]
        upper = sum(1 for _, k in keywords if k.isupper())
        lower = sum(1 for _, k in keywords if k.islower())
        majority_upper = upper >= lower
        for instr, text in keywords:
            if (text.isupper() if majority_upper else text.islower()):
                continue
            wanted = text.upper() if majority_upper else text.lower()
            yield target.finding(
                self.info,
                f"`{text}` does not match the {'upper' if majority_upper else 'lower'}case used by "
                f"most instructions in this file; write `{wanted}`",
                instr.keyword_span, fix=_replace(instr.keyword_span, wanted, f"write {wanted}"))
