"""Family 9: instructions that only count once per stage, and the missing HEALTHCHECK."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules._instr_words import (
    effective_instruction, first_word_span, instruction_words, split_body, stage_alias, stages_with_loose,
    word_span,
)
from dockwise.rules.base import CheckTarget, DockerfileRule


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


# -- BuildKit's style and format checks (same semantics, dockwise codes, BuildKit name as alias) --

def _with_triggers(target: CheckTarget) -> Iterator:
    """Every instruction, with the one an ONBUILD wraps right after it (`ONBUILD run make`)."""
    for instr in target.dockerfile.instructions:
        yield instr
        if instr.onbuild is not None:
            yield instr.onbuild


def _keyword_text(target: CheckTarget, instr) -> str:
    span = instr.keyword_span
    return target.dockerfile.source[span.start.offset:span.end.offset]


def _replace(span, text: str, description: str) -> Fix:
    return Fix(description, (Edit(span.start.offset, span.end.offset, text),))


SAFE_LEGACY_VALUE = re.compile(r"[^\"'$\\`\n]*")


class LegacyKeyValueFormat(DockerfileRule):
    info = RuleInfo(
        code="DW902",
        name="legacy-key-value-format",
        severity=Severity.INFO,
        summary="`ENV key value` / `LABEL key value`: use the `key=value` form.",
        rationale=("The legacy form takes the whole rest of the line as one value, so `ENV A b C=d` "
                   "silently sets A to \"b C=d\"; it is deprecated and ambiguous to readers."),
        bad_example="FROM alpine:3.20\nENV APP_HOME /srv/app\n",
        good_example="FROM alpine:3.20\nENV APP_HOME=/srv/app\n",
        aliases=("buildkit:LegacyKeyValueFormat",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            nested = instr.onbuild or instr
            if nested.keyword not in ("ENV", "LABEL"):
                continue
            words = split_body(nested.body, target.dockerfile.escape)
            if not words or "=" in words[0].raw:
                continue
            key = words[0]
            value = nested.body[key.end:].strip()
            yield target.finding(
                self.info,
                f"`{nested.keyword} {key.raw} …` uses the legacy space-separated form, which takes "
                f"the whole rest of the line as the value; write `{nested.keyword} {key.raw}=…`",
                word_span(nested, key), fix=self._fix(nested, key, value))

    @staticmethod
    def _fix(instr, key, value: str) -> Fix | None:
        """``KEY value`` -> ``KEY=value`` (quoted when it holds blanks). Only the gap after the
        key and the end of the value are edited, so a value continued over several lines keeps
        its lines (and the comment lines between them) instead of being joined into one."""
        if "\n" in instr.body or not value or not SAFE_LEGACY_VALUE.fullmatch(value):
            return None
        quote = '"' if any(c.isspace() for c in value) else ""
        body = instr.body
        value_start = key.end + (len(body[key.end:]) - len(body[key.end:].lstrip()))
        value_end = len(body.rstrip())
        gap = Edit(instr.source_offset(key.end), instr.source_offset(value_start), "=" + quote)
        if not quote:
            return Fix("rewrite as key=value", (gap,))
        end = instr.source_offset(value_end - 1) + 1
        return Fix("rewrite as key=value", (gap, Edit(end, end, quote)))


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


class ReservedStageName(DockerfileRule):
    info = RuleInfo(
        code="DW906",
        name="reserved-stage-name",
        severity=Severity.WARNING,
        summary="`scratch` and `context` are reserved and cannot name a stage.",
        rationale="`FROM scratch` and named build contexts would silently refer to something else.",
        bad_example="FROM alpine:3.20 AS scratch\n",
        good_example="FROM alpine:3.20 AS builder\n",
        aliases=("buildkit:ReservedStageName", "hadolint:DL3063"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            found = stage_alias(instr, target.dockerfile.escape) if instr.keyword == "FROM" else None
            if found is not None and found[1].value.lower() in ("scratch", "context"):
                yield target.finding(
                    self.info,
                    f"`{found[1].value}` is a reserved name: `FROM {found[1].value.lower()}` elsewhere "
                    "would not mean this stage; pick another stage name",
                    word_span(instr, found[1]))


VARIABLE = re.compile(r"\$\{[^}]*\}?|\$\w+")


class ExposeFormat(DockerfileRule):
    info = RuleInfo(
        code="DW907",
        name="expose-format",
        severity=Severity.WARNING,
        summary="EXPOSE takes ports (`80`, `8000/tcp`, `53/udp`): no IP address or host mapping, lowercase protocol.",
        rationale=("An IP address or host port in EXPOSE is ignored (publishing is decided by "
                   "`docker run -p`), so the file claims a mapping that never happens."),
        bad_example="FROM nginx:1.27\nEXPOSE 127.0.0.1:8080:80/TCP\n",
        good_example="FROM nginx:1.27\nEXPOSE 80/tcp\n",
        aliases=("buildkit:ExposeInvalidFormat", "buildkit:ExposeProtoCasing"),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword != "EXPOSE":
                continue
            for word in split_body(instr.body, target.dockerfile.escape):
                yield from self._check_port(target, instr, word)

    def _check_port(self, target: CheckTarget, instr, word) -> Iterator[Finding]:
        port, _, proto = word.value.partition("/")
        span = word_span(instr, word)
        if ":" in VARIABLE.sub("", port):  # `${PORT:-80}` is a default, not a host mapping
            yield target.finding(
                self.info,
                f"`{word.value}` maps an IP address or host port, which EXPOSE ignores (use "
                f"`docker run -p`); expose only the container port `{port.rsplit(':', 1)[-1]}`",
                span)
        elif proto and proto != proto.lower():
            fixed = f"{port}/{proto.lower()}"
            yield target.finding(
                self.info,
                f"protocol `{proto}` should be lowercase; write `{fixed}`",
                span, fix=_replace(span, fixed, "lowercase the protocol") if word.raw == word.value else None)
