"""The small hadolint rules teams rely on (semantics reimplemented from hadolint's documented
behaviour and its test cases; no hadolint code or text)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules._instr_words import (
    all_instructions, instruction_words, split_body, stage_alias, stage_chain, word_span,
)
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.secrets import assignments

# `C:\app`, `C:/app`, and a bare drive `C:` (its root: docker-library's `COPY hello.txt C:`)
WINDOWS_ABSOLUTE = lazy_compile(r"^[A-Za-z]:(?:[\\/]|$)")


def _unquoted(text: str) -> str:
    """``"Jane"`` -> ``Jane``: one pair of matching quotes around the whole text goes (a quote
    that only ends the text is part of it)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def written_keyword(target: CheckTarget, instr) -> str:
    """The instruction's keyword as the file spells it (``instr.keyword`` is uppercased)."""
    span = instr.keyword_span
    return target.dockerfile.source[span.start.offset:span.end.offset]


def in_case_of(written: str, keyword: str) -> str:
    """``keyword`` in the case of the keyword it replaces (``add`` -> ``copy``), so a fix does
    not bring a new mixed-case finding (DW905) with it."""
    return keyword.lower() if written.islower() else keyword


def double_quoted(value: str, escape: str) -> str:
    """``value`` as one double-quoted Dockerfile word that reads back as exactly ``value``:
    only ``"``, ``$`` and the escape character are escaped (with the file's escape
    character), as BuildKit's lexer unescapes them; everything else, non-ASCII too, stays."""
    out = "".join(escape + c if c in ('"', "$", escape) else c for c in value)
    return f'"{out}"'


def _absolute(word) -> bool:
    """Absolute POSIX or Windows path, or a variable (unknowable: given the benefit of the doubt).
    The raw text is checked too, since a Windows path's backslashes are not escapes."""
    raw = word.raw.strip("\"'")
    return word.value.startswith(("/", "$")) or raw.startswith("$") or bool(WINDOWS_ABSOLUTE.match(raw))


def _runs(target: CheckTarget) -> Iterator:
    """Every RUN, ONBUILD RUN included (hadolint checks both alike)."""
    for instr in all_instructions(target.model):
        if instr.keyword == "RUN":
            yield instr


class RelativeWorkdir(DockerfileRule):
    info = RuleInfo(
        code="DL3000",
        name="workdir-relative",
        severity=Severity.ERROR,
        summary="Use an absolute WORKDIR.",
        rationale=("A relative WORKDIR is joined onto whatever the base image set, so the files land "
                   "somewhere that changes when the base image does."),
        bad_example="FROM debian:12\nWORKDIR app\n",
        good_example="FROM debian:12\nWORKDIR /app\n",
        aliases=("hadolint:DL3000",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "WORKDIR":
                continue
            words = split_body(instr.body, target.dockerfile.escape)
            if words and not _absolute(words[0]):
                yield target.finding(
                    self.info,
                    f"`WORKDIR {words[0].value}` is relative: it resolves against the base image's "
                    f"working directory, which can change under you; write the absolute path "
                    f"(e.g. `/{words[0].value.lstrip('./')}`)",
                    word_span(instr, words[0]))


class CdInRun(DockerfileRule):
    info = RuleInfo(
        code="DL3003",
        name="cd-instead-of-workdir",
        severity=Severity.WARNING,
        summary="Use WORKDIR to switch directories, not `cd` in RUN.",
        rationale=("`cd` lasts only for one RUN; the next instruction is back in the old directory, "
                   "which makes relative paths in later steps misleading."),
        bad_example="FROM debian:12\nRUN cd /src && make\n",
        good_example="FROM debian:12\nWORKDIR /src\nRUN make\n",
        aliases=("hadolint:DL3003",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("cd"):
                if command.span is not None and not command.in_substitution:
                    yield target.finding(
                        self.info,
                        "`cd` in a RUN lasts only for this instruction, so later relative paths "
                        "silently use the old directory; use `WORKDIR <dir>` instead",
                        command.span)


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
        aliases=("hadolint:DL3020", "CKV_DOCKER_4"),
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
            if len(plain) == len(words) - 1 and not any(f.name in ("checksum", "keep-git-dir") for f in instr.flags):
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
        aliases=("hadolint:DL3021",),
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
        aliases=("hadolint:DL3022",),
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
        aliases=("hadolint:DL3023",),
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


class DuplicateStageName(DockerfileRule):
    info = RuleInfo(
        code="DL3024",
        name="duplicate-stage-name",
        severity=Severity.ERROR,
        summary="Stage names (FROM … AS name) must be unique.",
        rationale="BuildKit rejects the Dockerfile; older builders silently used one of the two.",
        bad_example="FROM debian:12 AS build\nFROM alpine:3.20 AS build\n",
        good_example="FROM debian:12 AS build\nFROM alpine:3.20 AS runtime\n",
        aliases=("hadolint:DL3024", "buildkit:DuplicateStageName", "CKV_DOCKER_11"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        seen: dict[str, int] = {}
        for instr in target.dockerfile.instructions:
            if instr.keyword != "FROM":
                continue
            found = stage_alias(instr, target.dockerfile.escape)
            if found is None:
                continue
            alias = found[1]
            key = alias.value.lower()
            if key in seen:
                yield target.finding(
                    self.info,
                    f"stage name `{alias.value}` is already used on line {seen[key]}; BuildKit "
                    "rejects duplicate stage names; rename one of them",
                    word_span(instr, alias))
            else:
                seen[key] = instr.line


class ConstantPlatform(DockerfileRule):
    info = RuleInfo(
        code="DL3029",
        name="from-platform-constant",
        severity=Severity.WARNING,
        summary="Do not hard-code --platform in FROM.",
        rationale=("A constant platform forces emulation on other architectures (slow builds, "
                   "wrong-arch images); use $BUILDPLATFORM/$TARGETPLATFORM."),
        bad_example="FROM --platform=linux/amd64 debian:12\n",
        good_example="FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n",
        aliases=("hadolint:DL3029", "buildkit:FromPlatformFlagConstDisallowed"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            flag = instr.flag("platform") if instr.keyword == "FROM" else None
            if flag is None or flag.value is None or "$" in flag.value:
                continue
            yield target.finding(
                self.info,
                f"`--platform={flag.value}` is hard-coded: builds for other platforms run this "
                "stage under emulation or produce the wrong architecture; use "
                "`--platform=$BUILDPLATFORM` (or drop the flag)",
                flag.span)


class OnbuildForbidden(DockerfileRule):
    info = RuleInfo(
        code="DL3043",
        name="onbuild-forbidden-instruction",
        severity=Severity.ERROR,
        summary="ONBUILD cannot wrap FROM, MAINTAINER or ONBUILD.",
        rationale="The builder rejects these triggers when a child image builds FROM this one.",
        bad_example="FROM debian:12\nONBUILD FROM alpine\n",
        good_example="FROM debian:12\nONBUILD COPY . /app\n",
        aliases=("hadolint:DL3043",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            nested = instr.onbuild
            if instr.keyword == "ONBUILD" and nested is not None and nested.keyword in ("FROM", "MAINTAINER", "ONBUILD"):
                yield target.finding(
                    self.info,
                    f"`ONBUILD {nested.keyword}` is not allowed: every image built FROM this one "
                    "fails; remove the trigger",
                    nested.keyword_span)


VAR_REF = lazy_compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}$]*\}?|([A-Za-z_][A-Za-z0-9_]*))")


class EnvSelfReference(DockerfileRule):
    info = RuleInfo(
        code="DL3044",
        name="env-refers-to-same-instruction",
        severity=Severity.ERROR,
        summary="An ENV value uses a variable set earlier in the same ENV instruction.",
        rationale=("All values of one ENV are expanded before any is set: `ENV A=1 B=$A` gives B "
                   "the old value of A (usually empty), not 1."),
        bad_example="FROM debian:12\nENV APP=/app LOGS=$APP/logs\n",
        good_example="FROM debian:12\nENV APP=/app\nENV LOGS=$APP/logs\n",
        aliases=("hadolint:DL3044",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "ENV":
                continue
            defined: set[str] = set()
            for pair in assignments(instr, target.dockerfile.escape):
                raw = instr.body[pair.value_start:pair.value_end]
                for m in VAR_REF.finditer(raw):
                    name = m.group(1) or m.group(2)
                    if name in defined:
                        start = pair.value_start + m.start()
                        yield target.finding(
                            self.info,
                            f"`${name}` here is expanded before this ENV sets `{name}`, so it gets "
                            f"the previous value, not the one on this line; move `{pair.name_text}` "
                            "into its own ENV after this one",
                            instr.span_of(start, pair.value_start + m.end()))
                defined.add(pair.name_text)


def _sets_workdir(target: CheckTarget, stage, before) -> bool:
    for s in stage_chain(stage):
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
        aliases=("hadolint:DL3045",),
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


class UseraddHighUidWithoutNoLogInit(DockerfileRule):
    info = RuleInfo(
        code="DL3046",
        name="useradd-high-uid-without-l",
        severity=Severity.WARNING,
        summary="`useradd` with a large UID needs `-l` (--no-log-init).",
        rationale=("Without -l useradd writes the user into /var/log/lastlog and faillog, sparse files "
                   "sized by the UID: a 6+ digit UID can add gigabytes to the layer."),
        bad_example="FROM debian:12\nRUN useradd -u 123456 app\n",
        good_example="FROM debian:12\nRUN useradd -l -u 123456 app\n",
        aliases=("hadolint:DL3046",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("useradd"):
                uid = command.option_value("-u", "--uid")
                if uid is None or uid.value is None or len(uid.value) <= 5:
                    continue
                if command.has_option("-l", "--no-log-init") or command.span is None:
                    continue
                name = command.argv[0]
                fix = None
                if name.span is not None:
                    end = name.span.end.offset
                    fix = Fix("add -l (--no-log-init)", (Edit(end, end, " -l"),))
                yield target.finding(
                    self.info,
                    f"`useradd -u {uid.value}` without `-l` writes sparse lastlog/faillog entries "
                    "sized by the UID, which can add gigabytes to the layer; add `-l`",
                    command.span, fix=fix)


WGET_QUIET = ("--progress", "-q", "--quiet", "-nv", "--no-verbose", "-o", "--output-file",
              "-a", "--append-output")


class WgetWithoutProgress(DockerfileRule):
    info = RuleInfo(
        code="DL3047",
        name="wget-without-progress",
        severity=Severity.INFO,
        summary="`wget` without a progress or quiet option floods the build log.",
        rationale="wget's default progress bar writes thousands of lines into CI build logs.",
        bad_example="FROM debian:12\nRUN wget https://example.com/x.tgz\n",
        good_example="FROM debian:12\nRUN wget --progress=dot:giga https://example.com/x.tgz\n",
        aliases=("hadolint:DL3047",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("wget"):
                if command.span is None or any(_wget_has(command, o) for o in WGET_QUIET):
                    continue
                yield target.finding(
                    self.info,
                    "`wget` without `--progress=dot:giga`, `-q` or `-nv` writes a progress bar "
                    "that bloats build logs; add `--progress=dot:giga` (or `-nv`)",
                    command.span)


def _wget_has(command, option: str) -> bool:
    if option in ("-nv",):
        return any(w.value == "-nv" for w in command.args)
    return command.has_option(option)


def _is_single_command(script) -> bool:
    """At most one command, as hadolint counts: a pipeline, a list or a `$(...)` makes several;
    a command whose name is an expansion (`${DIR}/bin/tool`) is not counted."""
    return sum(1 for c in script.commands if c.name is not None) <= 1


def _mounts(instr) -> list[str]:
    return sorted(f.raw for f in instr.flags if f.name == "mount")


class ConsecutiveRuns(DockerfileRule):
    info = RuleInfo(
        code="DL3059",
        name="consecutive-run",
        severity=Severity.INFO,
        summary="Consecutive single-command RUNs could be one layer.",
        rationale="Each RUN is a layer with its own metadata and cache entry; related one-liners are cheaper joined with `&&`.",
        bad_example="FROM debian:12\nRUN mkdir /app\nRUN chown 10001 /app\n",
        good_example="FROM debian:12\nRUN mkdir /app && chown 10001 /app\n",
        aliases=("hadolint:DL3059",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        previous = None
        for instr in target.dockerfile.instructions:
            if instr.keyword != "RUN":
                previous = None
                continue
            if instr.heredocs or not target.shell(instr).posix or not _is_single_command(target.shell(instr)):
                previous = None
                continue
            if previous is not None and _mounts(previous) == _mounts(instr):
                yield target.finding(
                    self.info,
                    f"this RUN and the one on line {previous.line} each run one command and make one "
                    "layer each; join them with `&&` into a single RUN",
                    instr.keyword_span)
            previous = instr


class MaintainerDeprecated(DockerfileRule):
    info = RuleInfo(
        code="DL4000",
        name="maintainer-deprecated",
        severity=Severity.ERROR,
        summary="MAINTAINER is deprecated; use a LABEL.",
        rationale="MAINTAINER is not part of the OCI image spec; tools read `org.opencontainers.image.authors`.",
        bad_example="FROM debian:12\nMAINTAINER Jane <jane@example.com>\n",
        good_example="FROM debian:12\nLABEL org.opencontainers.image.authors=\"Jane <jane@example.com>\"\n",
        aliases=("hadolint:DL4000", "buildkit:MaintainerDeprecated", "CKV_DOCKER_6"),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword != "MAINTAINER":
                continue
            who = instr.body.strip()
            fix = None
            if "\n" not in instr.source.rstrip("\r\n") and who:
                start = instr.span.start.offset
                end = start + len(instr.source.rstrip("\r\n"))
                label = (in_case_of(written_keyword(target, instr), "LABEL")
                         + " org.opencontainers.image.authors="
                         + double_quoted(_unquoted(who), target.dockerfile.escape))
                fix = Fix("replace MAINTAINER with LABEL org.opencontainers.image.authors", (Edit(start, end, label),))
            yield target.finding(
                self.info,
                "MAINTAINER is deprecated and invisible to OCI tooling; use "
                "`LABEL org.opencontainers.image.authors=\"…\"`",
                instr.keyword_span, fix=fix)


class WgetAndCurl(DockerfileRule):
    info = RuleInfo(
        code="DL4001",
        name="wget-and-curl",
        severity=Severity.WARNING,
        summary="Both wget and curl are used; pick one.",
        rationale="Installing two download tools doubles their bytes and attack surface for no gain.",
        bad_example="FROM debian:12\nRUN wget -q https://a/x\nRUN curl -fsSO https://a/y\n",
        good_example="FROM debian:12\nRUN curl -fsSO https://a/x && curl -fsSO https://a/y\n",
        aliases=("hadolint:DL4001",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages or [None]:
            instructions = stage.instructions if stage is not None else target.dockerfile.instructions
            seen: set[str] = set()
            for instr in instructions:
                if instr.keyword != "RUN":
                    continue
                commands = target.shell(instr).find("wget", "curl")
                used = {c.name for c in commands}
                if used and len(seen | used) == 2:
                    other = next((c for c in commands if c.name not in seen), commands[-1])
                    if other.span is not None:
                        yield target.finding(
                            self.info,
                            f"both `wget` and `curl` are used in this stage; each tool you need "
                            f"installed adds bytes and CVEs; use one of them (here `{other.name}`)",
                            other.span)
                seen |= used


class LinkBinSh(DockerfileRule):
    info = RuleInfo(
        code="DL4005",
        name="ln-bin-sh",
        severity=Severity.WARNING,
        summary="Use SHELL instead of replacing /bin/sh with a link.",
        rationale="Relinking /bin/sh changes every script in the image, not just your RUNs; SHELL changes only the build.",
        bad_example="FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n",
        good_example="FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n",
        aliases=("hadolint:DL4005",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).find("ln"):
                operands = command.positionals()
                if operands and operands[-1].value == "/bin/sh" and command.span is not None:
                    yield target.finding(
                        self.info,
                        "replacing /bin/sh with a link changes the shell of every script in the "
                        "image; use `SHELL [\"/bin/bash\", \"-c\"]` for the build instead",
                        command.span)


PIPEFAIL_SHELLS = {"bash", "zsh", "ksh", "mksh", "ash"}


def _has_pipefail(shell: list[str]) -> bool:
    if not shell or shell[0].rsplit("/", 1)[-1] not in PIPEFAIL_SHELLS:
        return False
    args = shell[1:]
    return any(a == "pipefail" and i > 0 and args[i - 1].startswith("-") and args[i - 1].endswith("o")
               for i, a in enumerate(args))


def _sets_pipefail_inline(script) -> bool:
    return any(c.name == "set" and any(w.value == "pipefail" for w in c.args) for c in script.commands)


class PipeWithoutPipefail(DockerfileRule):
    info = RuleInfo(
        code="DL4006",
        name="pipe-without-pipefail",
        severity=Severity.WARNING,
        summary="A RUN pipes commands without `set -o pipefail` in effect.",
        rationale=("A pipeline's status is its last command's: `curl … | tar x` \"succeeds\" when "
                   "the download fails, and the broken layer is cached."),
        bad_example="FROM debian:12\nRUN curl -fsSL https://x/y.tgz | tar -xz\n",
        good_example=("FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
                      "RUN curl -fsSL https://x/y.tgz | tar -xz\n"),
        aliases=("hadolint:DL4006",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            if instr.json_form:
                continue
            script = target.shell(instr)
            if not script.posix:
                continue
            first = next((c for c in script.commands if c.in_pipeline), None)
            if first is None or first.span is None:
                continue
            state = target.model.state_at(instr)
            shell = state.shell if state else ["/bin/sh", "-c"]
            if _has_pipefail(shell) or _sets_pipefail_inline(script):
                continue
            yield target.finding(
                self.info,
                "a pipeline's exit status is its last command's: if "
                f"`{first.name or first.argv[0].text}` (before the `|`) fails, the build goes on and "
                "caches a broken layer; add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` "
                "before this RUN (or `set -o pipefail` in it)",
                first.span)


POINTLESS_COMMANDS = {"ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig"}


class PointlessCommandInRun(DockerfileRule):
    info = RuleInfo(
        code="DL3001",
        name="pointless-command-in-run",
        severity=Severity.INFO,
        summary="Interactive or host-management commands make no sense in a RUN.",
        rationale=("A build step has no terminal, no init system and no other processes: `vim`, `top`, "
                   "`service x start` or `kill` do nothing useful there (a started service does not "
                   "survive the step)."),
        bad_example="FROM debian:12\nRUN service nginx start\n",
        good_example="FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
        aliases=("hadolint:DL3001",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in _runs(target):
            for command in target.shell(instr).commands:
                if command.name in POINTLESS_COMMANDS and command.span is not None:
                    yield target.finding(
                        self.info,
                        f"`{command.name}` in a RUN does nothing useful: the build step has no terminal "
                        "or running services, and nothing it starts survives the step; drop it (start "
                        "services from CMD/ENTRYPOINT)",
                        command.span)


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


PORT_RANGE = lazy_compile(r"^(\d+)(?:-(\d+))?$")


class PortOutOfRange(DockerfileRule):
    info = RuleInfo(
        code="DL3011",
        name="expose-port-out-of-range",
        severity=Severity.ERROR,
        summary="EXPOSE a port between 0 and 65535.",
        rationale="A port above 65535 does not exist; the EXPOSE documents nothing real.",
        bad_example="FROM nginx:1.27\nEXPOSE 80000\n",
        good_example="FROM nginx:1.27\nEXPOSE 8000\n",
        aliases=("hadolint:DL3011",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "EXPOSE":
                continue
            for word in split_body(instr.body, target.dockerfile.escape):
                m = PORT_RANGE.match(word.value.split("/", 1)[0])
                if m and any(int(p) > 65535 for p in m.groups() if p):
                    yield target.finding(
                        self.info,
                        f"`{word.value}` is not a valid port (ports run from 0 to 65535); fix the number",
                        word_span(instr, word))


RESERVED_LABEL_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")
LABEL_KEY = lazy_compile(r"^[a-z](?:[a-z0-9_]|[.-](?=[a-z0-9_]))*$")


class InvalidLabelKey(DockerfileRule):
    info = RuleInfo(
        code="DL3048",
        name="invalid-label-key",
        severity=Severity.STYLE,
        summary="Label keys: lowercase letters, digits, single `.`/`-`; no Docker-reserved namespace.",
        rationale=("Tools that read labels (registries, scanners, orchestrators) expect the documented "
                   "key format; `com.docker.*`, `io.docker.*` and `org.dockerproject.*` are reserved."),
        bad_example="FROM alpine:3.20\nLABEL Version=1.0\n",
        good_example="FROM alpine:3.20\nLABEL org.opencontainers.image.version=1.0\n",
        aliases=("hadolint:DL3048",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "LABEL":
                continue
            for pair in assignments(instr, target.dockerfile.escape):
                key = pair.name_text.strip("\"'")
                if "$" in key:
                    continue
                if key.startswith(RESERVED_LABEL_PREFIXES):
                    why = "uses a namespace Docker reserves for itself"
                elif not LABEL_KEY.match(key):
                    why = ("is not lowercase letters, digits and `_` separated by single `.` or `-`, "
                           "starting with a letter")
                else:
                    continue
                yield target.finding(
                    self.info, f"label key `{key}` {why}; use e.g. `org.opencontainers.image.*` keys",
                    word_span(instr, pair.name))


class InstructionBeforeFrom(DockerfileRule):
    info = RuleInfo(
        code="DL3061",
        name="instruction-before-from",
        severity=Severity.ERROR,
        summary="A Dockerfile must start with FROM (only ARG, comments and directives may come first).",
        rationale="BuildKit rejects any other instruction before the first FROM: the build fails.",
        bad_example="LABEL team=web\nFROM nginx:1.27\n",
        good_example="FROM nginx:1.27\nLABEL team=web\n",
        aliases=("hadolint:DL3061",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword == "FROM":
                return
            if instr.keyword != "ARG":
                yield target.finding(
                    self.info,
                    f"`{written_keyword(target, instr)}` comes before the first FROM, which BuildKit "
                    "rejects; move it "
                    "after FROM (only ARG may precede it)",
                    instr.keyword_span)


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
        aliases=("hadolint:DL3067",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "COPY" or _copy_from(instr) is None:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            if len(words) == 2 and words[0].value == "/" and words[1].value == "/":
                yield target.finding(
                    self.info,
                    f"`COPY --from={_copy_from(instr).value} / /` copies that stage's whole filesystem "
                    "(packages, caches, build tools) into this image; copy only the paths you need",
                    word_span(instr, words[0]))
