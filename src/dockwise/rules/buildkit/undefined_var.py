"""Variables used where no ARG or ENV of the build defines them (BuildKit's UndefinedVar)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.base_image_env import base_image_may_set
from dockwise.model import AUTOMATIC_PLATFORM_ARGS, EXPANDED_KEYWORDS
from dockwise.model.stages import lineage
from dockwise.model.words import assignments
from dockwise.rules.base import CheckTarget, DockerfileRule


def _reference(body: str, name: str) -> re.Match | None:
    n = re.escape(name)
    return re.search(r"\$(?:\{" + n + r"(?:\}|(?=[:?+-]))|" + n + r"(?![A-Za-z0-9_]))", body)


def _assigned_in_script(body: str, name: str) -> bool:
    """The RUN's own script sets ``name`` (``NAME=x``, ``for NAME in``, ``read NAME``, ``export NAME``)."""
    n = re.escape(name)
    return re.search(rf"(?:^|[\s;&|(]){n}=|\bfor\s+{n}\b|\bread\b[^;&|\n]*\b{n}\b|\bexport\s+{n}\b", body) is not None


class UndefinedVariable(DockerfileRule):
    info = RuleInfo(
        code="DW930", name="undefined-variable", severity=Severity.WARNING,
        summary="A variable is used in a stage where no ARG or ENV defines it, so it expands to an empty string.",
        rationale="BuildKit expands `$NAME` in COPY, ADD, ENV, ARG, LABEL, WORKDIR, USER, EXPOSE, "
                  "VOLUME and STOPSIGNAL from the stage's ARGs and ENVs (and its base image's "
                  "environment); anything else becomes an empty string without an error. The "
                  "classic cases: the platform ARGs (`TARGETARCH`, `TARGETOS`, ...) exist only in "
                  "stages that declare `ARG TARGETARCH`; a global ARG (before the first FROM) is "
                  "seen by FROM lines only, until a stage declares it again. The build then "
                  "downloads `tool-linux-.tar.gz` or copies into the wrong place. Unlike BuildKit, "
                  "dockwise cannot read an external base image's environment, so it reports other "
                  "names only in stages built FROM scratch; and it also looks at RUN for the "
                  "platform and global ARGs, which the shell would see as unset.",
        bad_example="FROM debian:12.8\nCOPY dist/tool-linux-${TARGETARCH} /usr/local/bin/tool\n",
        good_example="FROM debian:12.8\nARG TARGETARCH\nCOPY dist/tool-linux-${TARGETARCH} /usr/local/bin/tool\n",
        aliases=("buildkit:UndefinedVar",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        model = target.model
        global_args = {name for name in model.global_scope.variables if name not in AUTOMATIC_PLATFORM_ARGS}
        for stage in model.stages:
            from_scratch = lineage(stage)[-1].is_scratch
            for instr in stage.instructions:
                for name in self._undeclared(target, instr):
                    why = _why(name, global_args, from_scratch)
                    if why is None:
                        continue
                    match = _reference(instr.body, name)
                    span = instr.span_of(match.start(), match.end()) if match else instr.span
                    yield target.finding(self.info, f"`${name}` {why}", span)

    def _undeclared(self, target: CheckTarget, instr) -> list[str]:
        model = target.model
        keyword = instr.keyword
        if keyword == "RUN":
            if instr.json_form:
                return []  # exec form: no shell, nothing is expanded
            scope = model.scope_at(instr)
            return [name for name in _referenced_names(instr.body)
                    if not scope.is_declared(name) and not _assigned_in_script(instr.body, name)]
        if keyword == "ARG":
            found: list[str] = []
            for pair in assignments(instr, target.dockerfile.escape):
                if pair.value is not None:
                    found.extend(model.expand(pair.value, instr).undeclared)
            return list(dict.fromkeys(found))
        if keyword not in EXPANDED_KEYWORDS or keyword == "FROM":
            return []
        names: list[str] = []
        for value in model.expanded_args(instr):
            names.extend(value.undeclared)
        for flag in instr.flags:
            if flag.name in ("from", "chown", "chmod") and flag.value:
                names.extend(model.expand(flag.value, instr).undeclared)
        return list(dict.fromkeys(names))


_NAME = re.compile(r"\{?([A-Za-z_][A-Za-z0-9_]*)")


def _referenced_names(body: str) -> list[str]:
    """The variables a shell script expands: ``$NAME``/``${NAME}`` outside single quotes and not
    escaped with a backslash."""
    names = []
    quote = None
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if ch in "'\"" and (quote is None or quote == ch):
            if not (ch == "'" and quote == '"'):
                quote = None if quote == ch else ch
        elif ch == "$" and quote != "'":
            match = _NAME.match(body, i + 1)
            if match:
                names.append(match.group(1))
        i += 1
    return list(dict.fromkeys(names))


def _why(name: str, global_args: set[str], from_scratch: bool) -> str | None:
    if name in AUTOMATIC_PLATFORM_ARGS:
        return (f"is used, but this stage never declares `ARG {name}`: BuildKit sets the platform "
                f"ARGs only in stages that declare them, so here it is an empty string. Add "
                f"`ARG {name}` to the stage.")
    if name in global_args and (from_scratch or not base_image_may_set(name)):
        return (f"is a global ARG (declared before the first FROM), which only FROM lines see: in "
                f"this stage it is an empty string. Add `ARG {name}` (without a value, it keeps "
                f"the global default) to the stage.")
    if from_scratch and not base_image_may_set(name):
        return (f"is defined by no ARG or ENV of this stage, which starts from scratch, so it is an "
                f"empty string. Declare it (`ARG {name}`) or correct the name.")
    return None
