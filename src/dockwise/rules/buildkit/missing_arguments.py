"""Instructions without the arguments BuildKit needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Instruction


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
