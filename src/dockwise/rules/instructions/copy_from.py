"""COPY --from: an unknown stage, the stage itself, a whole filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.words import instruction_words, stage_alias, word_span
from dockwise.model.stages import all_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule


def _copy_from(instr):
    flag = instr.flag("from")
    return flag if flag is not None and flag.value else None


class CopyFromUnknownStage(DockerfileRule):
    info = RuleInfo(
        code="DL3022",
        name="copy-from-unknown-stage",
        severity=Severity.WARNING,
        summary="COPY --from names a stage that is not defined before it.",
        rationale=("BuildKit treats an unknown name as an image to pull from a registry: a typo "
                   "becomes a network fetch of someone else's image, or a build failure."),
        bad_example="FROM debian:12\nCOPY --from=biuld /out /app\n",
        good_example="FROM debian:12 AS build\nRUN make\nFROM debian:12\nCOPY --from=build /out /app\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        names: set[str] = set()
        count = 0
        for instr in target.dockerfile.instructions:
            if instr.keyword == "FROM":
                count += 1
                found = stage_alias(instr, target.dockerfile.escape)
                alias = found[1] if found else None
                if alias:
                    names.add(alias.value.lower())
                continue
            flag = _copy_from(instr) if instr.keyword in ("COPY", "ADD") else None
            if flag is None:
                continue
            value = flag.value
            if ":" in value or "/" in value or "$" in value or "@" in value:
                continue  # an image reference (or unknowable): not a stage alias
            if value.lower() in names:
                continue
            if value.isdigit() and int(value) < count - 1:
                continue
            yield target.finding(
                self.info,
                f"`--from={value}` names no stage defined above; BuildKit would pull an image "
                f"called `{value}` instead; define `FROM … AS {value}` before this line or fix the name",
                flag.span)


class CopyFromOwnStage(DockerfileRule):
    info = RuleInfo(
        code="DL3023",
        name="copy-from-own-stage",
        severity=Severity.ERROR,
        summary="COPY --from cannot read the stage it is in.",
        rationale="A stage cannot copy from itself; BuildKit rejects the build (or pulls an image of that name).",
        bad_example="FROM debian:12 AS app\nCOPY --from=app /x /y\n",
        good_example="FROM debian:12 AS build\nRUN make\nFROM debian:12 AS app\nCOPY --from=build /x /y\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages:
            own = {str(stage.index)}
            if stage.name:
                own.add(stage.name.lower())
            for instr in stage.instructions:
                flag = _copy_from(instr) if instr.keyword in ("COPY", "ADD") else None
                if flag is not None and flag.value.lower() in own:
                    yield target.finding(
                        self.info,
                        f"`--from={flag.value}` refers to the stage this COPY is in; copy from an "
                        "earlier stage, or just use the path directly",
                        flag.span)


class CopyWholeFilesystem(DockerfileRule):
    info = RuleInfo(
        code="DL3067",
        name="copy-whole-filesystem-from-stage",
        severity=Severity.WARNING,
        summary="Do not COPY --from a stage's entire filesystem (`/` to `/`).",
        rationale=("It copies the other stage's whole OS -- package databases, caches, build tools -- "
                   "over this one: the image doubles in size and keeps everything the build used."),
        bad_example="FROM golang:1.23 AS build\nRUN go build -o /app\nFROM debian:12\nCOPY --from=build / /\n",
        good_example="FROM golang:1.23 AS build\nRUN go build -o /app\nFROM debian:12\nCOPY --from=build /app /app\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "COPY" or _copy_from(instr) is None:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            if len(words) == 2 and words[0].value == "/" and words[1].value == "/":
                source = _copy_from(instr).value
                what = "that stage's" if _names_a_stage(target, source) else "that image's"
                yield target.finding(
                    self.info,
                    f"`COPY --from={source} / /` copies {what} whole filesystem "
                    "(packages, caches, build tools) into this image; copy only the paths you need",
                    word_span(instr, words[0]))


def _names_a_stage(target: CheckTarget, source: str) -> bool:
    """``--from=build`` or ``--from=0`` names a stage of this file; anything else is an image."""
    return target.model.stage_by_name(source) is not None or (
        source.isdigit() and int(source) < len(target.model.stages))
