"""Family 0: what BuildKit rejects when it turns the parsed Dockerfile into instructions.

BuildKit's parser accepts these files; its instruction step (``dockerfile2llb`` ->
``instructions.Parse``) then stops the build. Reimplemented from BuildKit's documented
behaviour: the known instructions, ``FROM image [AS name]`` with a stage name matching
``^[a-z][a-z0-9-_.]*$`` once lower-cased, the flags each instruction accepts (an unknown one is
``Unknown flag: <name>``), and the protocols ``EXPOSE`` knows (tcp, udp, sctp).

Left alone on purpose: ``ONBUILD`` triggers (BuildKit only parses them in the child build),
``ARG``/``STOPSIGNAL``/``HEALTHCHECK NONE`` flags (BuildKit never parses them, so it ignores
them), and words holding ``$`` (their value is only known at build time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import split_body
from dockwise.rules.base import CheckTarget, DockerfileRule

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.rules._instr_words import BodyWord
    from dockwise.syntax.tree import Flag, Instruction

INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})

# name -> True for a boolean flag (``--link``, ``--link=false``), False for one that needs ``=value``.
_NO_FLAGS: dict[str, bool] = {}
FLAGS: dict[str, dict[str, bool]] = {
    "ADD": {"chown": False, "chmod": False, "link": True, "keep-git-dir": True, "checksum": False,
            "exclude": False, "unpack": True},
    "COPY": {"chown": False, "from": False, "chmod": False, "link": True, "parents": True,
             "exclude": False},
    "FROM": {"platform": False},
    "RUN": {"mount": False, "network": False, "security": False, "device": False},
    "HEALTHCHECK": {"interval": False, "timeout": False, "start-period": False,
                    "start-interval": False, "retries": False},
    **{keyword: _NO_FLAGS for keyword in ("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "MAINTAINER",
                                          "ONBUILD", "SHELL", "USER", "VOLUME", "WORKDIR")},
}

STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*")
PROTOCOLS = frozenset({"tcp", "udp", "sctp"})
_WORD = re.compile(r"\S+")


def _words(instr: "Instruction") -> list[tuple[str, int, int]]:
    """Whitespace-separated words of the body with their body indices (BuildKit splits FROM
    and EXPOSE this way, without quote handling)."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(instr.body)]


def _from_lines(target: CheckTarget) -> Iterator[tuple["Instruction", list[tuple[str, int, int]]]]:
    """Each FROM instruction with its :func:`_words`."""
    for instr in target.dockerfile.instructions:
        if instr.keyword == "FROM":
            yield instr, _words(instr)


class UnknownInstruction(DockerfileRule):
    info = RuleInfo(
        code="DW001",
        name="unknown-instruction",
        severity=Severity.ERROR,
        summary="An instruction BuildKit does not know fails the build (`unknown instruction`).",
        rationale=("BuildKit parses the file, then stops with `unknown instruction: FOO` before "
                   "anything is built; usually a typo (`RUNN`, `COPPY`) or a line that lost its "
                   "`\\` continuation, so its words became a new instruction."),
        bad_example="FROM alpine:3.20\nRUN apk add --no-cache curl &&\n    apk add git\nCOPPY . /app\n",
        good_example="FROM alpine:3.20\nRUN apk add --no-cache curl git\nCOPY . /app\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword.upper() not in INSTRUCTIONS:
                span = instr.keyword_span
                written = target.dockerfile.source[span.start.offset:span.end.offset]
                yield target.finding(self.info, _unknown_message(written), span)


def _unknown_message(written: str) -> str:
    """What to do about the unknown word ``written`` (as the file spells it): a known keyword
    glued to its arguments (`ENTRYPOINT["/app"]`) lacks a space; anything else is a typo or a
    line that lost its continuation."""
    glued = next((k for k in INSTRUCTIONS if written.upper().startswith(k)
                  and len(written) > len(k) and written[len(k)] in "[\"'"), None)
    if glued is not None:
        return (f"unknown instruction `{written}`: BuildKit stops the build here; put a space "
                f"after `{written[:len(glued)]}`")
    return (f"unknown instruction `{written}`: BuildKit stops the build here; fix the spelling "
            "or, if this continues the line above, end that line with `\\`")


class FromArguments(DockerfileRule):
    info = RuleInfo(
        code="DW002",
        name="from-argument-count",
        severity=Severity.ERROR,
        summary="FROM takes an image and optionally `AS name`: nothing missing, nothing more.",
        rationale=("BuildKit fails with `FROM requires either one or three arguments` when `AS` "
                   "has no name or extra words follow (often a comment written on the FROM line, "
                   "which a Dockerfile does not allow)."),
        bad_example="FROM golang:1.23 AS build  # compile\nFROM alpine:3.20 AS\n",
        good_example="# compile\nFROM golang:1.23 AS build\nFROM alpine:3.20 AS final\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr, words in _from_lines(target):
            if not words:
                yield target.finding(
                    self.info, "FROM without an image: BuildKit fails with `FROM requires either "
                    "one or three arguments`; name the base image (`FROM debian:12`, or `FROM "
                    "scratch` for an empty one)", instr.keyword_span)
                continue
            if len(words) == 1 or (len(words) == 3 and words[1][0].lower() == "as"):
                continue
            if len(words) == 2 and words[1][0].lower() == "as":
                end = words[1][2]
                yield target.finding(
                    self.info, "`AS` without a stage name: BuildKit fails with `FROM requires either "
                    "one or three arguments`; name the stage (`AS build`) or drop `AS`",
                    instr.span_of(end, end))
                continue
            extra = 3 if len(words) > 3 and words[1][0].lower() == "as" else 1
            first, last = words[extra], words[-1]
            yield target.finding(
                self.info, f"unexpected `{instr.body[first[1]:last[2]]}` after "
                f"`{instr.body[words[0][1]:words[extra - 1][2]]}`: BuildKit fails with `FROM requires "
                "either one or three arguments`; FROM takes an image and optionally `AS name` "
                "(comments go on their own line)",
                instr.span_of(first[1], last[2]))


class InvalidStageName(DockerfileRule):
    info = RuleInfo(
        code="DW003",
        name="invalid-stage-name",
        severity=Severity.ERROR,
        summary="A stage name must start with a letter and hold only letters, digits, `-`, `_` and `.`.",
        rationale=("BuildKit lower-cases the name after `AS` and fails with `invalid name for build "
                   "stage` unless it matches `^[a-z][a-z0-9-_.]*$`; `1st`, `build:dev` or "
                   "`my/stage` stop the build."),
        bad_example="FROM node:22 AS 1st-build\n",
        good_example="FROM node:22 AS first-build\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr, words in _from_lines(target):
            if len(words) != 3 or words[1][0].lower() != "as":
                continue
            name, start, end = words[2]
            if STAGE_NAME.fullmatch(name.lower()) is None:
                yield target.finding(
                    self.info, f"invalid stage name `{name}`: BuildKit stops the build; a stage name "
                    "starts with a letter and holds only letters, digits, `-`, `_` and `.`",
                    instr.span_of(start, end))


class UnknownFlag(DockerfileRule):
    info = RuleInfo(
        code="DW004",
        name="unknown-instruction-flag",
        severity=Severity.ERROR,
        summary="A `--flag` the instruction does not take (or one missing its value) fails the build.",
        rationale=("BuildKit checks every `--flag` of an instruction against the ones it accepts "
                   "and stops with `Unknown flag: frm` (or `Missing a value on flag`, `Expecting "
                   "boolean value`); a typo such as `COPY --frm=build` never copies anything."),
        bad_example="FROM alpine:3.20\nCOPY --frm=build /out /app\nWORKDIR --chown=1 /app\n",
        good_example="FROM alpine:3.20\nCOPY --from=build --link /out /app\nWORKDIR /app\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            known = FLAGS.get(instr.keyword)
            if known is None or not instr.flags:
                continue
            if instr.keyword == "HEALTHCHECK" and instr.args[:1] and instr.args[0].upper() == "NONE":
                continue  # BuildKit does not parse the flags of HEALTHCHECK NONE
            for flag in instr.flags:
                message = _flag_problem(instr.keyword, flag, known)
                if message:
                    yield target.finding(self.info, message, flag.span)
                    break  # BuildKit stops at the first bad flag


def _flag_problem(keyword: str, flag: "Flag", known: dict[str, bool]) -> str | None:
    if flag.name not in known:
        if not known:
            return (f"{keyword} takes no flags: BuildKit fails with `Unknown flag: {flag.name}`; "
                    f"remove `{flag.raw}`")
        names = ", ".join(f"--{name}" for name in sorted(known))
        return (f"`--{flag.name}` is not a flag of {keyword}: BuildKit fails with `Unknown flag: "
                f"{flag.name}`; {keyword} takes {names}")
    boolean = known[flag.name]
    if not boolean and flag.value is None:
        return (f"`--{flag.name}` needs a value (`--{flag.name}=...`): BuildKit fails with "
                f"`Missing a value on flag: {flag.name}`")
    if boolean and flag.value is not None and flag.value.lower() not in ("true", "false"):
        return (f"`--{flag.name}` takes no value or `=true`/`=false`, not `{flag.value}`: BuildKit "
                "fails with `Expecting boolean value`")
    return None


class InvalidExposeProtocol(DockerfileRule):
    info = RuleInfo(
        code="DW005",
        name="invalid-expose-protocol",
        severity=Severity.ERROR,
        summary="EXPOSE knows the protocols tcp, udp and sctp only.",
        rationale=("BuildKit fails with `invalid proto` when a port names another protocol "
                   "(`80/http`, `443/https`, `53/dns`): the protocol is the transport, not the "
                   "application protocol."),
        bad_example="FROM nginx:1.27\nEXPOSE 80/http\n",
        good_example="FROM nginx:1.27\nEXPOSE 80/tcp\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword != "EXPOSE" or instr.json_form:
                continue
            for word in split_body(instr.body, target.dockerfile.escape):
                yield from self._check_port(target, instr, word)

    def _check_port(self, target: CheckTarget, instr: "Instruction", word: "BodyWord") -> Iterator[Finding]:
        # BuildKit removes quotes, then Docker's port parser takes the part after the first
        # '/' as the protocol (tcp when empty).
        parts = word.value.split("/")
        if "$" in word.raw or len(parts) < 2 or not parts[0] or not parts[1]:
            return
        proto = parts[1]
        if proto.lower() in PROTOCOLS:
            return
        span = instr.span_of(word.start, word.end)
        if word.raw == word.value:
            at = word.start + len(parts[0]) + 1
            span = instr.span_of(at, at + len(proto))
        yield target.finding(
            self.info, f"unknown protocol `{proto}` in `{word.value}`: BuildKit fails with "
            "`invalid proto`; use tcp, udp or sctp (`80/tcp`), or leave it out for tcp", span)


# How many arguments BuildKit's instruction step demands (its error: "<X> requires ...").
EXACTLY_ONE = frozenset({"MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"})
AT_LEAST_ONE = frozenset({"ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME", "ARG", "SHELL"})
AT_LEAST_TWO = frozenset({"ADD", "COPY"})


class MissingArguments(DockerfileRule):
    info = RuleInfo(
        code="DW007",
        name="instruction-missing-arguments",
        severity=Severity.ERROR,
        summary="An instruction without the arguments BuildKit requires fails the build.",
        rationale=("BuildKit's parser accepts `USER`, `WORKDIR`, `ENV`, `HEALTHCHECK`, `SHELL []` "
                   "or `COPY app` with nothing (or too little) after them, but its next step stops "
                   "the build (`USER requires exactly one argument`, `COPY requires at least two "
                   "arguments`): usually a value lost to a variable-free template or a bad edit."),
        bad_example="FROM alpine:3.20.3\nCOPY app.py\nUSER\n",
        good_example="FROM alpine:3.20.3\nCOPY app.py /app/\nUSER 10001\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            problem = _missing_arguments(instr)
            if problem:
                yield target.finding(self.info, f"`{instr.keyword}` {problem}: BuildKit stops the "
                                     "build here; give the missing value", instr.keyword_span)


def _missing_arguments(instr: "Instruction") -> str | None:
    count = len(instr.args)
    if instr.keyword in EXACTLY_ONE and count == 0:
        return "needs exactly one argument and has none"
    if instr.keyword in AT_LEAST_ONE and count == 0 and instr.onbuild is None:
        return "needs at least one argument and has none"
    if instr.keyword in AT_LEAST_TWO and count < 2 and not instr.heredocs:
        return f"needs a source and a destination and has {'one argument' if count else 'none'}"
    return None


class NoBuildStage(DockerfileRule):
    info = RuleInfo(
        code="DW006",
        name="no-build-stage",
        severity=Severity.ERROR,
        summary="A Dockerfile needs at least one FROM: without one there is nothing to build.",
        rationale=("BuildKit stops with `dockerfile contains no stages to build` when a file holds "
                   "only global ARGs: the stage that would use them was lost (a bad merge, a "
                   "truncated template, the wrong file passed with `-f`)."),
        bad_example="ARG PYTHON_VERSION=3.12.4\n",
        good_example="ARG PYTHON_VERSION=3.12.4\nFROM python:${PYTHON_VERSION}-slim\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        instructions = target.dockerfile.instructions
        if not instructions or any(i.keyword == "FROM" for i in instructions):
            return
        if any(i.keyword != "ARG" for i in instructions):
            return  # DL3061 already names the instruction that comes before any FROM
        last = instructions[-1]
        yield target.finding(
            self.info, "this file declares only ARGs and no FROM: BuildKit fails with `dockerfile "
            "contains no stages to build`; add the `FROM` that uses them", last.keyword_span)
