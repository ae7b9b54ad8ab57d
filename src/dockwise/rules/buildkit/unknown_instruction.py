"""Instructions BuildKit does not know."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule


INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})


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
