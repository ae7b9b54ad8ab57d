"""Relative paths where only an absolute WORKDIR makes them mean one thing."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.words import instruction_words, split_body, word_span
from dockwise.model.stages import all_instructions, lineage
from dockwise.rules.base import CheckTarget, DockerfileRule


# `C:\app`, `C:/app`, and a bare drive `C:` (its root: docker-library's `COPY hello.txt C:`)
WINDOWS_ABSOLUTE = lazy_compile(r"^[A-Za-z]:(?:[\\/]|$)")


def _absolute(word) -> bool:
    """Absolute POSIX or Windows path, or a variable (unknowable: given the benefit of the doubt).
    The raw text is checked too, since a Windows path's backslashes are not escapes."""
    raw = word.raw.strip("\"'")
    return word.value.startswith(("/", "$")) or raw.startswith("$") or bool(WINDOWS_ABSOLUTE.match(raw))


class RelativeWorkdir(DockerfileRule):
    info = RuleInfo(
        code="DL3000",
        name="workdir-relative",
        severity=Severity.ERROR,
        summary="Use an absolute WORKDIR.",
        rationale=("A relative WORKDIR is joined onto whatever the base image set, so the files land "
                   "somewhere that changes when the base image does. One that follows an absolute "
                   "WORKDIR of the same stage is joined onto that, which the file controls: not reported."),
        bad_example="FROM debian:12\nWORKDIR app\n",
        good_example="FROM debian:12\nWORKDIR /app\n",
        aliases=("buildkit:WorkdirRelativePath",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "WORKDIR":
                continue
            words = split_body(instr.body, target.dockerfile.escape)
            if words and not _absolute(words[0]):
                stage = target.model.stage_of(instr)
                if stage is not None and _sets_workdir(target, stage, instr):
                    continue  # relative to a WORKDIR this file chose: `WORKDIR /src` then `WORKDIR build`
                yield target.finding(
                    self.info,
                    f"`WORKDIR {words[0].value}` is relative: it resolves against the base image's "
                    f"working directory, which can change under you; write the absolute path "
                    f"(e.g. `/{words[0].value.lstrip('./')}`)",
                    word_span(instr, words[0]))


def _sets_workdir(target: CheckTarget, stage, before) -> bool:
    for s in lineage(stage):
        for instr in s.instructions:
            if s is stage and instr is before:
                break
            kw = instr.onbuild.keyword if instr.onbuild is not None else instr.keyword
            if kw == "WORKDIR":
                return True
    return False


class CopyRelativeWithoutWorkdir(DockerfileRule):
    info = RuleInfo(
        code="DL3045",
        name="copy-relative-without-workdir",
        severity=Severity.WARNING,
        summary="COPY to a relative destination before any WORKDIR.",
        rationale=("The files land in the base image's working directory, which you did not choose "
                   "and which can change with the base image."),
        bad_example="FROM python:3.12-slim\nCOPY app.py app.py\n",
        good_example="FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py app.py\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        model = target.model
        outer_of = {id(i.onbuild): i for i in model.dockerfile.instructions if i.onbuild is not None}
        for instr in all_instructions(model):
            if instr.keyword != "COPY" or instr.heredocs:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            if len(words) < 2 or _absolute(words[-1]):
                continue
            outer = outer_of.get(id(instr), instr)
            stage = model.stage_of(outer)
            if stage is not None and _sets_workdir(target, stage, outer):
                continue
            if stage is None and any(i.keyword == "WORKDIR" for i in target.dockerfile.instructions
                                     if i.line < instr.line):
                continue
            dest = words[-1]
            yield target.finding(
                self.info,
                f"`{dest.value}` is relative but no WORKDIR is set in this stage, so it lands in "
                "the base image's working directory; set `WORKDIR /app` first or use an absolute path",
                word_span(instr, dest))
