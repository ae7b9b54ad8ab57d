"""The base images of a Dockerfile and the ARG defaults their text comes from."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.purpose import generated
from dockwise.rules.base import CheckTarget


_VAR = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class BaseImage(DataRecord):
    """One FROM that names an external image, with the spans rules point at."""

    __slots__ = ("target", "stage", "text", "written", "ref", "word_start", "word_end")

    target: CheckTarget
    stage: object
    text: str  # expanded image reference
    written: str  # as written in the FROM
    ref: object | None  # ImageRef
    word_start: int  # body indexes of the image word in the FROM
    word_end: int

    def __init__(self, target: CheckTarget, stage: object, text: str, written: str,
                 ref: object | None, word_start: int, word_end: int) -> None:
        self.target = target
        self.stage = stage
        self.text = text
        self.written = written
        self.ref = ref
        self.word_start = word_start
        self.word_end = word_end

    @property
    def instruction(self):
        return self.stage.from_instruction

    def word_span(self):
        return self.instruction.span_of(self.word_start, self.word_end)

    def tag_span(self):
        """The tag as written (``latest`` in ``debian:latest``), else the whole image word."""
        tag = getattr(self.ref, "tag", None)
        if tag and "$" not in self.written and self.written.endswith(":" + tag):
            end = self.word_end
            return self.instruction.span_of(end - len(tag), end)
        if tag and "$" not in self.written and "@" in self.written:
            at = self.written.index("@")
            start = self.word_start + at - len(tag)
            return self.instruction.span_of(start, self.word_start + at)
        return self.word_span()

    @property
    def through_args(self) -> list[str]:
        return _VAR.findall(self.written)


def base_images(target: CheckTarget) -> Iterator[BaseImage]:
    """Every stage whose FROM names an image (not scratch, not an earlier stage, known value)."""
    from dockwise.model.imageref import parse_image_ref

    for stage in target.model.stages:
        if stage.is_scratch or stage.base_stage is not None:
            continue
        instr = stage.from_instruction
        found = _image_word(instr.body)
        if found is None:
            continue
        start, end = found
        written = instr.body[start:end]
        text = stage.base.text if stage.base is not None else written
        if stage.base is not None and not stage.base.known:
            continue
        if text.lower() == "scratch" or target.model.stage_by_name(text) is not None and "/" not in text \
                and ":" not in text:
            continue
        ref = stage.base_ref or parse_image_ref(text)
        yield BaseImage(target, stage, text, written, ref, start, end)


def tag_only_images(target: CheckTarget) -> Iterator[BaseImage]:
    """The base images named without a digest (so ``image.ref`` is set and may move)."""
    for image in base_images(target):
        if image.ref is not None and image.ref.digest is None and "@" not in image.text:
            yield image


def _image_word(body: str) -> tuple[int, int] | None:
    """Body indexes of the first word of a FROM (flags are not part of the body)."""
    i = 0
    while i < len(body) and body[i].isspace():
        i += 1
    j = i
    while j < len(body) and not body[j].isspace():
        j += 1
    return (i, j) if j > i else None


def arg_default_spans(target: CheckTarget, names: list[str], needle: str
                      ) -> Iterator[tuple[str, str, object]]:
    """(ARG name, default, span of the default) for the global ARGs among ``names`` whose default
    holds the problem: it contains ``needle`` (``latest``) or is part of it (``3`` of ``3-slim``)."""
    for instr in target.dockerfile.instructions:
        if instr.keyword == "FROM":
            break
        if instr.keyword != "ARG":
            continue
        for name in names:
            match = re.search(rf"(?:^|\s){re.escape(name)}=(\"[^\"]*\"|'[^']*'|\S*)", instr.body)
            if not match:
                continue
            default = match.group(1).strip("\"'")
            if default and (needle in default or default in needle):
                yield name, default, instr.span_of(match.start(1), match.end(1))


def _with_arg_findings(target: CheckTarget, info: RuleInfo, image: BaseImage, needle: str,
                       message: str, span, severity: Severity | None = None) -> Iterator[Finding]:
    """The finding, once: at the ARG default that puts ``needle`` into the image (the line to
    change, named once however many FROM lines use it), or at the FROM when no ARG does."""
    if generated(target.model):
        severity = Severity.INFO
        message += (" (This file says it is generated: the generator chooses its base tags, so "
                    "change them in its template.)")
    through = list(arg_default_spans(target, image.through_args, needle))
    if not through:
        yield target.finding(info, message, span, severity=severity)
        return
    seen = target.memo(("argspans", info.code), set)
    for name, default, arg_span in through:
        key = (arg_span.start.offset, arg_span.end.offset)
        if key in seen:
            continue
        seen.add(key)
        yield target.finding(
            info, f"ARG {name} defaults to `{default}`, which makes `FROM {image.written}` on line "
                  f"{image.instruction.line} resolve to `{image.text}`: {message}", arg_span, severity=severity)
