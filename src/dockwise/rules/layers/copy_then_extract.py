"""A tar archive COPY'd in and extracted by a RUN: the archive stays in a layer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import instruction_words, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


TAR_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


def _base_name(raw: str) -> str:
    return re.split(r"[\\/]", raw.strip("\"'").rstrip("\\/"))[-1]


def _extracts(command) -> bool:
    if command.name != "tar":
        return False
    first = command.args[0].value if command.args else None
    bundled = first is not None and not first.startswith("-") and "x" in first  # `tar xzf a.tgz`
    return bundled or command.has_option("-x", "--extract", "--get")


class CopyThenExtract(DockerfileRule):
    info = RuleInfo(
        code="DL3010",
        name="copy-archive-then-extract",
        severity=Severity.INFO,
        summary="A local tar archive is COPY'd and then extracted by a RUN: let ADD extract it.",
        rationale=("The COPY layer keeps the whole archive even after the RUN unpacks it, so the "
                   "image carries the bytes twice; `ADD archive.tar.gz /dest/` unpacks in one layer."),
        bad_example="FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
        good_example="FROM debian:12\nADD app.tar.gz /opt/\n",
        aliases=("hadolint:DL3010",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages or [None]:
            instructions = stage.instructions if stage is not None else target.dockerfile.instructions
            yield from self._check_stage(target, instructions)

    def _check_stage(self, target: CheckTarget, instructions) -> Iterator[Finding]:
        copied: dict[str, tuple] = {}  # archive base name -> (COPY instruction, source word)
        for instr in instructions:
            if instr.keyword == "COPY" and instr.flag("from") is None and not instr.heredocs:
                words = instruction_words(instr, target.dockerfile.escape)
                for word in words[:-1]:
                    if _base_name(word.raw).lower().endswith(TAR_ARCHIVES):
                        copied[_base_name(word.raw)] = (instr, word)
                        copied.setdefault(_base_name(words[-1].raw), (instr, word))
            elif instr.keyword == "RUN" and copied:
                for command in target.shell(instr).commands:
                    if not _extracts(command):
                        continue
                    for arg in command.args:
                        hit = copied.pop(_base_name(arg.text), None)
                        if hit is not None:
                            copy_instr, word = hit
                            yield target.finding(
                                self.info,
                                f"`{word.value}` is copied into a layer and extracted on line "
                                f"{instr.line}, so the image keeps the archive too; `ADD` it to the "
                                "destination directory instead (ADD unpacks local tar archives)",
                                word_span(copy_instr, word))
