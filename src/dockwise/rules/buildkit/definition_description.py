"""Comments right above a named stage or an ARG are its description for `docker buildx build
--call=outline`; one that does not start with the name is read as a bad description."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.model.words import assignments, stage_alias
from dockwise.rules.base import CheckTarget, DockerfileRule


def described_names(instr, escape: str) -> list[str]:
    """The names a comment above ``instr`` may describe: a FROM's stage name, an ARG's names."""
    if instr.keyword == "FROM":
        alias = stage_alias(instr, escape)
        return [alias[1].value] if alias is not None else []
    if instr.keyword == "ARG":
        return [pair.name_text for pair in assignments(instr, escape)]
    return []


class InvalidDefinitionDescription(DockerfileRule):
    info = RuleInfo(
        code="DW933", name="invalid-definition-description", severity=Severity.INFO,
        summary="A comment right above a named stage or an ARG does not start with its name.",
        rationale="`docker buildx build --call=outline` and `--call=targets` show the comment "
                  "directly above a named FROM or an ARG as its description, and expect it to read "
                  "`# <name> <description>`. Any other comment there is shown as a garbled "
                  "description. Start the comment with the name, or put an empty line between the "
                  "comment and the instruction. BuildKit's check is experimental and off by "
                  "default; so is this one.",
        bad_example="# a non-descriptive comment\nFROM debian:12.8 AS build\n",
        good_example="# build compiles the program\nFROM debian:12.8 AS build\n",
        aliases=("buildkit:InvalidDefinitionDescription",),
        default_enabled=False,
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        escape = target.dockerfile.escape
        comment_ending_on = {c.span.end.line: c for c in target.dockerfile.comments}
        for instr in target.dockerfile.instructions:
            names = described_names(instr, escape)
            if not names:
                continue
            block = []
            line = instr.line - 1
            while line in comment_ending_on:
                block.insert(0, comment_ending_on[line])
                line -= 1
            if not block:
                continue
            first = block[0].text.lstrip("#").strip()
            first_word = first.split(None, 1)[0] if first else ""
            if first_word in names:
                continue
            name = names[0]
            at = block[-1].span.end.offset
            yield target.finding(
                self.info,
                f"the comment above `{instr.keyword} ... {name}` is read as its description by "
                f"`--call=outline`, but does not start with `{name}`; write `# {name} <description>`, "
                f"or put an empty line between the comment and the instruction.",
                block[0].span,
                fix=Fix("separate the comment from the instruction", (Edit(at, at, "\n"),)))
