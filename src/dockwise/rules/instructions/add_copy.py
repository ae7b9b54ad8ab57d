"""ADD where COPY does, and COPY of many sources to something that is not a directory."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.model.words import instruction_words, word_span
from dockwise.model.stages import all_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.instructions._keywords import in_case_of, written_keyword
from dockwise.rules.instructions.workdir import relative_destination


ARCHIVE_SUFFIXES = (".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".zst", ".tzst",
                    ".lz", ".lzma", ".tlz", ".z", ".taz")


def _add_source_needs_add(source: str) -> bool:
    """URLs, git sources and archives need ADD; so may a name hidden in a variable."""
    lower = source.lower()
    base = lower.rstrip("/").rsplit("/", 1)[-1]
    return ("://" in lower or lower.startswith("git@") or base.endswith(ARCHIVE_SUFFIXES)
            or "$" in base)


class AddInsteadOfCopy(DockerfileRule):
    info = RuleInfo(
        code="DL3020",
        name="add-instead-of-copy",
        severity=Severity.ERROR,
        summary="Use COPY instead of ADD for plain files and folders.",
        rationale=("ADD also fetches URLs and unpacks archives; for plain files it only adds "
                   "surprises (a file that happens to be a tarball gets extracted)."),
        bad_example="FROM debian:12\nADD app.py /app/\n",
        good_example="FROM debian:12\nCOPY app.py /app/\n",
        aliases=("CKV_DOCKER_4",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "ADD" or instr.heredocs:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            plain = [w for w in words[:-1] if not _add_source_needs_add(w.value)]
            if not plain:
                continue
            span = instr.keyword_span
            fix = None
            # As COPY, a relative destination with no WORKDIR would be DL3045's warning: the fix
            # waits until the destination is absolute or a WORKDIR is set.
            if (len(plain) == len(words) - 1 and not any(f.name in ("checksum", "keep-git-dir") for f in instr.flags)
                    and relative_destination(target, instr) is None):
                copy = in_case_of(written_keyword(target, instr), "COPY")
                fix = Fix("replace ADD with COPY", (Edit(span.start.offset, span.end.offset, copy),))
            yield target.finding(
                self.info,
                f"`ADD {plain[0].value}` copies a plain file, but ADD would also unpack it if it "
                "were an archive or fetch it if it were a URL; use `COPY`",
                span, fix=fix)


def _is_directory_dest(dest: str) -> bool:
    return dest.endswith(("/", "\\")) or dest in (".", "..") or dest.endswith(("/.", "/..")) or "$" in dest


class CopyMultipleToFile(DockerfileRule):
    info = RuleInfo(
        code="DL3021",
        name="copy-many-to-non-directory",
        severity=Severity.ERROR,
        summary="COPY with several sources needs a destination ending in `/`.",
        rationale="BuildKit fails the build: several files cannot be copied onto one file name.",
        bad_example="FROM debian:12\nCOPY a.txt b.txt /data\n",
        good_example="FROM debian:12\nCOPY a.txt b.txt /data/\n",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword not in ("COPY", "ADD") or instr.heredocs:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            if len(words) < 3 or _is_directory_dest(words[-1].value):
                continue
            dest = words[-1]
            span = word_span(instr, dest)
            end = span.end.offset - (1 if dest.raw[-1:] in "\"'" and len(dest.raw) > 1 else 0)
            yield target.finding(
                self.info,
                f"{len(words) - 1} sources are copied to `{dest.value}`, which is not a directory "
                f"(no trailing `/`): the build fails; write `{dest.value}/`",
                span, fix=Fix("add a trailing slash", (Edit(end, end, "/"),)))
