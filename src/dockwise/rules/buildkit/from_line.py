"""FROM lines BuildKit refuses: argument count, stage name, no stage at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Instruction


STAGE_NAME = re.compile(r"[a-z][a-z0-9\-_.]*")


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
