"""Empty lines inside a continued instruction: deprecated, an error in a future BuildKit."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.syntax.tree import Span


def empty_continuation_lines(instr) -> list[tuple[int, int]]:
    """(start, end) source offsets of each blank line inside ``instr``'s continuation (a
    heredoc's body is text, not continuation, and is left out)."""
    source = instr.source
    stop = len(source)
    if instr.heredocs:
        first = min(h.span.start.offset for h in instr.heredocs) - instr.span.start.offset
        stop = max(0, min(stop, first))
    found = []
    offset = 0
    lines = source[:stop].split("\n")
    for i, line in enumerate(lines):
        if 0 < i < len(lines) - 1 and not line.strip():
            found.append((instr.span.start.offset + offset, instr.span.start.offset + offset + len(line) + 1))
        offset += len(line) + 1
    return found


class EmptyContinuationLine(DockerfileRule):
    info = RuleInfo(
        code="DW931", name="empty-continuation-line", severity=Severity.WARNING,
        summary="An empty line inside a continued instruction; BuildKit will refuse it in a future release.",
        rationale="BuildKit skips empty lines that follow a line ending in `\\`, but this is "
                  "deprecated: a future Dockerfile syntax makes it an error, so the build breaks "
                  "the day the frontend is updated. It also hides where an instruction ends. "
                  "Remove the empty lines, or put a comment on them (comment lines are allowed).",
        bad_example="RUN apt-get update && apt-get install -y --no-install-recommends \\\n\n    curl",
        good_example="RUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl",
        aliases=("buildkit:NoEmptyContinuation",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            blanks = empty_continuation_lines(instr)
            if not blanks:
                continue
            start, end = blanks[0]
            where = Span(instr.position(start), instr.position(end - 1))
            count, them = (f"{len(blanks)} empty lines", "them") if len(blanks) > 1 else ("an empty line", "it")
            yield target.finding(
                self.info,
                f"this {instr.keyword} has {count} inside its continuation: BuildKit accepts it "
                f"today with a warning and will refuse it in a future release, breaking the build; "
                f"remove {them} (or make {them} a `#` comment).",
                where,
                fix=Fix("remove empty continuation lines", tuple(Edit(s, e, "") for s, e in blanks)))
