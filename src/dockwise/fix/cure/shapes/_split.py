"""What the compiled-artefact shapes (Node, Go, Java) share: the stage cut after its last build
step, the builder that keeps everything up to that step (with cache mounts for the tool), and
the runtime that keeps the rest and copies the artefacts from the builder.

A shape says which commands build (:attr:`Cut.is_build`), where each tool keeps its cache, and
what to copy; :func:`cut_stage` finds the cut and :func:`builder_and_runtime` writes both
stages. Lines before the cut that only set the runtime's configuration (ENV, ARG, WORKDIR,
LABEL, EXPOSE, CMD, ...) stay in the runtime as they were, with their origins, so the
non-root and PID 1 steps still find them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from dockwise.fix.cure.draft import Line, StageDraft

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.fix.cure.plan import Project
    from dockwise.model.runs import Run
    from dockwise.model.shell.command import Command

# Instructions that configure the image and write no layer: they belong to the runtime.
CONFIG_ONLY = frozenset({"CMD", "ENTRYPOINT", "EXPOSE", "HEALTHCHECK", "LABEL", "STOPSIGNAL", "VOLUME",
                         "MAINTAINER", "SHELL"})
BOTH = frozenset({"ENV", "ARG", "WORKDIR"})  # the builder and the runtime need them alike
_RUN_KEYWORD = re.compile(r"^(\s*RUN\s+)", re.IGNORECASE)


class Cut:
    """A stage cut after its last build step: ``runs`` (origin id -> Run), ``last`` the index
    of the last line whose RUN builds, ``workdir`` where that RUN runs (None when unknown)."""

    def __init__(self, project: "Project", stage: StageDraft, is_build: Callable[["Command"], bool]) -> None:
        from dockwise.model.runs import collect_runs

        self.project = project
        self.stage = stage
        self.is_build = is_build
        origins = {id(line.origin) for line in stage.lines if line.origin is not None}
        self.runs: dict[int, "Run"] = {id(run.outer): run for run in collect_runs(project.model)
                                       if id(run.outer) in origins and not run.onbuild}
        building = [i for i, line in enumerate(stage.lines) if self.builds(line)]
        self.last = building[-1] if building else None
        self.workdir = None
        if self.last is not None:
            state = project.model.state_at(stage.lines[self.last].origin)
            self.workdir = state.workdir if state is not None and state.workdir_known else None

    def warned(self, line: Line) -> bool:
        """The check reported a warning or an error on ``line``."""
        from dockwise.findings import Severity

        span = line.origin.span if line.origin is not None else None
        return span is not None and any(
            f.severity >= Severity.WARNING and f.location.line is not None
            and span.start.line <= f.location.line <= span.end.line for f in self.project.findings)

    def run_of(self, line: Line) -> "Run | None":
        return self.runs.get(id(line.origin)) if line.origin is not None else None

    def builds(self, line: Line) -> bool:
        run = self.run_of(line)
        return run is not None and any(self.is_build(c) for c in run.script.commands)

    @property
    def before(self) -> list[Line]:
        return self.stage.lines[:self.last + 1] if self.last is not None else []

    @property
    def after(self) -> list[Line]:
        return self.stage.lines[self.last + 1:] if self.last is not None else list(self.stage.lines)

    def absolute(self, path: str, line: Line) -> str:
        """``path`` as seen by ``line`` (relative ones joined to its WORKDIR)."""
        state = self.project.model.state_at(line.origin) if line.origin is not None else None
        base = state.workdir if state is not None and state.workdir else "/"
        return posixpath.normpath(posixpath.join(base, path))

    def unmovable(self, allowed: Callable[["Command"], bool] = lambda _c: False) -> str | None:
        """Why the lines up to the cut cannot move to the builder (what they leave outside the
        application folder would be lost), or None. A RUN there may only build, run what
        ``allowed`` takes, or install system packages from the configured sources; a COPY or
        ADD may only put context files into the folder the build runs in."""
        from dockwise.model.words import instruction_words

        for line in self.before:
            instr = line.origin
            if instr is None:
                continue
            where = f"the {line.keyword} at line {instr.span.start.line}"
            run = self.run_of(line)
            if run is not None:
                for command in run.script.commands:
                    if not (self.is_build(command) or allowed(command) or _installs_system(run, command)):
                        return (f"{where} runs `{command.name or '?'}` beside the install and the build: what "
                                "it leaves outside the application folder would not reach the runtime")
            elif line.keyword in ("COPY", "ADD") and instr.flag("from") is None:
                words = [w.value for w in instruction_words(instr, self.project.model.dockerfile.escape)]
                if len(words) < 2 or any("://" in w or w.startswith("git@") for w in words[:-1]):
                    return f"{where} fetches from the network: the runtime would not get it"
                if self.workdir is None or not _under(self.absolute(words[-1], line), self.workdir):
                    return f"{where} writes outside the folder the build runs in, which is all the runtime gets"
        return None

    def problem_after(self, programs: frozenset[str]) -> str | None:
        """Why the lines after the cut cannot run on the runtime base: a RUN there that runs
        one of the build ``programs``."""
        for line in self.after:
            run = self.run_of(line)
            for command in run.script.commands if run is not None else ():
                if command.name in programs or self.is_build(command):
                    return (f"the RUN at line {line.origin.span.start.line} runs `{command.name}` after the "
                            "build, and the runtime base does not have it")
        return None


# What a system-package RUN may run besides the installs: index updates and cleaning.
_SYSTEM = {"apt-get": ("install", "update", "clean", "autoclean", "autoremove", "remove", "purge"),
           "apt": ("install", "update", "clean", "autoremove", "remove", "purge"),
           "apk": ("add", "update", "del")}


def _installs_system(run: "Run", command: "Command") -> bool:
    if command.name in _SYSTEM:
        return run.invocation(command).sub in _SYSTEM[command.name]
    if command.name == "rm":  # the package index and caches: /var/lib/apt/lists/*, /var/cache/apk/*
        from dockwise.model.shell.command import word_value

        return all(word_value(w).startswith(("/var/lib/apt/lists", "/var/cache/")) for w in command.positionals())
    return False


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def with_mounts(line: Line, targets: list[str]) -> Line:
    """A copy of RUN ``line`` for the builder with a cache mount on each of ``targets``."""
    if not targets:
        return Line(line.keyword, line.text, None)
    head, body = line.text[:line.lead], line.text[line.lead:]
    mounts = "".join(f"--mount=type=cache,target={t} " for t in targets)
    return Line(line.keyword, head + _RUN_KEYWORD.sub(lambda m: m.group(1) + mounts, body, count=1), None)


def builder_and_runtime(cut: Cut, builder_from: str, runtime_from: Line, copies: list[str],
                        mounts: Callable[[Line], list[str]], extra_builder: list[Line] = (),
                        before: list[Line] | None = None) -> tuple[StageDraft, StageDraft]:
    """The builder (``builder_from``: its FROM text) with every line up to the cut (``before``
    when the shape reordered them) but the runtime's configuration, then ``extra_builder``;
    the runtime (``runtime_from``) with the configuration lines before the cut, ``copies``
    (COPY --from lines) where the build was, and every line after the cut."""
    builder = StageDraft(Line.new(builder_from), [])
    runtime_lines: list[Line] = []
    for line in cut.before if before is None else before:
        if line.keyword in CONFIG_ONLY or line.keyword == "USER":
            if line.keyword != "USER":  # the non-root step writes the runtime's USER
                runtime_lines.append(line)
            continue
        if line.keyword in BOTH:
            if not cut.warned(line):  # a warned-about ENV (a token) is not written twice
                builder.lines.append(Line(line.keyword, line.text, None))
            runtime_lines.append(line)
            continue
        builder.lines.append(with_mounts(line, mounts(line)) if line.keyword == "RUN" else
                             Line(line.keyword, line.text, None))
    builder.lines.extend(extra_builder)
    runtime_lines.extend(Line.new(text) for text in copies)
    runtime_lines.extend(cut.after)
    return builder, StageDraft(runtime_from, runtime_lines, cut.stage.stage)


def copies_everything(line: Line) -> bool:
    """``COPY . DEST``: the whole build context, with no flag."""
    words = line.text[line.lead:].split()
    return (line.keyword == "COPY" and len(words) == 3 and words[1] in (".", "./")
            and not any(w.startswith("--") for w in words[1:]))


def built_on_a_stage(stage: StageDraft) -> str | None:
    """The note for a stage built FROM another stage of the file: a new base would lose what
    that stage adds (its WORKDIR, packages, files); None for a stage FROM an image."""
    parent = stage.stage.base_stage if stage.stage is not None else None
    if parent is None:
        return None
    return (f"the stage is built FROM the stage `{parent.label}`, whose packages and files a new base "
            "would lose")


def builder_name(project: "Project") -> str:
    for name in ("builder", "build", "cure-builder"):
        if project.model.stage_by_name(name) is None:
            return name
    return "cure-builder-1"


def exec_command(stage: StageDraft) -> list[str] | None:
    """The words of what the stage runs (ENTRYPOINT then CMD, exec form or plain shell words);
    None when a shell would have to interpret it or there is none."""
    from dockwise.fix.cure.runtime import exec_words

    words: list[str] = []
    for keyword in ("ENTRYPOINT", "CMD"):
        line = next((x for x in reversed(stage.lines) if x.keyword == keyword), None)
        if line is None:
            continue
        found = exec_words(line)
        if found is None:
            return None
        if found[:2] in (["/bin/sh", "-c"], ["sh", "-c"]) and len(found) == 3 and "$" not in found[2]:
            found = found[2].split()
        words += found
    return words or None


def system_installs(cut: Cut, managers: dict[str, tuple[str, ...]]) -> list[Line]:
    """The RUNs before the cut that install system packages (and nothing that builds)."""
    found = []
    for line in cut.before:
        run = cut.run_of(line)
        if run is None or cut.builds(line):
            continue
        if any(c.name in managers and run.invocation(c).sub in managers[c.name] for c in run.script.commands):
            found.append(line)
    return found


def runtime_packages(cut: Cut, lines: list[Line], managers: dict[str, tuple[str, ...]]) -> tuple[list[str], str | None]:
    """The packages of ``lines`` the runtime still needs (those that are not build tools),
    and a problem when a name is an expansion."""
    from dockwise.knowledge.build_tools import is_build_tool_package

    wanted: list[str] = []
    for line in lines:
        run = cut.run_of(line)
        for command in run.find(*managers):
            inv = run.invocation(command)
            if inv.sub not in managers[command.name]:
                continue
            for word in inv.operands:
                if not word.value:
                    return [], "a package name in an install is an expansion: which ones the runtime needs is not known"
                name = re.split(r"[=<>~]", word.value, 1)[0]
                if not is_build_tool_package(name) and name not in wanted:
                    wanted.append(name)
    return wanted, None
