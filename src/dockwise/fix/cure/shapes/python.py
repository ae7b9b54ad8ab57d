"""The Python shape: build tools and the dependency install (pip -r, poetry, uv) move into a
builder stage on the full base that creates a virtualenv in /opt/venv; the runtime stage, on
the slim base of the same Python, copies the virtualenv and the application.

The Python version comes from the base tag, else ``--python-version``, ``.python-version``,
``runtime.txt`` or ``requires-python`` in ``pyproject.toml``; when none says it, the file is
left alone with a note (the slim base must run the interpreter the virtualenv was made with).
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING

from dockwise._record import Record
from dockwise.fix.cure.draft import Line, StageDraft
from dockwise.fix.cure.plan import Project, Split
from dockwise.fix.cure.runtime import add_packages, needs_full_image, package_family

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.runs import Run
    from dockwise.model.shell.command import Command

VENV = "/opt/venv"
VENV_ENV = f"ENV VIRTUAL_ENV={VENV} PATH={VENV}/bin:$PATH\n"
CACHES = {"pip": "/root/.cache/pip", "poetry": "/root/.cache/pypoetry", "uv": "/root/.cache/uv"}
# Where pip, poetry and uv put what they install outside a virtualenv: moved to the builder,
# the same packages come back in the virtualenv the runtime copies (--image's prediction).
INSTALLED = ("*/site-packages/*", "*/dist-packages/*", "usr/local/bin/*", "root/.local/*")
CODES = ("DW401", "DW402", "DL3007", "DL3006", "DW701", "DL3042", "DW803", "DW805")
SYSTEM_MANAGERS = {"apt-get": ("install",), "apt": ("install",), "apk": ("add",)}
# Commands a system-package RUN may hold besides installs: index updates and cleaning.
SYSTEM_HOUSEKEEPING = {"apt-get": ("update", "clean", "autoremove", "purge", "remove"),
                       "apt": ("update", "clean", "autoremove", "purge", "remove"),
                       "apk": ("update", "del"), "rm": None}
PYTHON_TOOLS = frozenset({"poetry", "uv", "pipenv", "pdm", "pip-tools", "wheel", "setuptools"})
_PIP = re.compile(r"pip(?:\d(?:\.\d+)?)?")
_PYTHON = re.compile(r"python(?:\d(?:\.\d+)?)?")
_VERSION_TAG = re.compile(r"(\d+\.\d+)(?:\.\d+)?")
_STEERS_INSTALLERS = re.compile(r"(?:PIP_|POETRY_|UV_|PYTHON|PIPENV_|DEBIAN_FRONTEND$|(?i:https?_proxy|no_proxy)$)")
_MANIFEST_ONLY_LINE = re.compile(r"^\s*(?:#.*)?$|^\s*[A-Za-z0-9][A-Za-z0-9._\-\[\], ]*(?:[<>=!~;@ ].*)?$")


class _Install(Record):
    """One dependency RUN as the builder runs it."""

    __slots__ = ("line", "workdir", "tools", "commands", "caches", "manifests", "whole")

    def __init__(self, line: Line, workdir: str) -> None:
        self.line = line
        self.workdir = workdir
        self.tools: list[str] = []  # pip install poetry/uv/...: before the virtualenv, so they do not ship
        self.commands: list[str] = []  # the installs, run in the virtualenv
        self.caches: list[str] = []  # keys of CACHES
        self.manifests: list[tuple[str, str]] = []  # (context path, path in the image)
        self.whole = False  # the install needs the whole source


class PythonShape:
    name = "python"

    def plan(self, project: Project, stage: StageDraft) -> Split | str | None:
        return _Planner(project, stage).plan()


class _Planner:
    def __init__(self, project: Project, stage: StageDraft) -> None:
        from dockwise.model.runs import collect_runs

        self.project = project
        self.stage = stage
        origins = {id(line.origin) for line in stage.lines if line.origin is not None}
        self.runs = {id(run.outer): run for run in collect_runs(project.model)
                     if id(run.outer) in origins and not run.onbuild}
        self.base = _root_base(stage)

    # -- recognising the shape ------------------------------------------------------------

    def plan(self) -> Split | str | None:
        deps = [line for line in self.stage.lines if self._deps_commands(line) is not None]
        answer = self._plan(deps)
        if not isinstance(answer, str):
            return answer
        reorder = self._cache_order(deps)  # what can still be done without a split
        if reorder is None:
            return answer
        reorder.notes.insert(0, f"no builder stage (python): {answer}")
        return reorder

    def _plan(self, deps: list[Line]) -> Split | str | None:
        name, tag = _split_ref(self.base) if self.base else ("", None)
        if not deps and not name.endswith("python"):
            return None
        full = name.endswith("python") and _is_full(tag)
        system = [line for line in self.stage.lines if self._system_packages(line) is not None]
        tools = sorted({p for line in system for p in self._system_packages(line)[0]})
        if not tools and not full:
            return self._cache_order(deps)  # nothing to build and already a lean base: no split
        system = self._with_index_updates(system)
        stage = self.stage.stage
        if stage is not None and stage.base_stage is not None:
            return (f"the stage is built FROM the stage `{stage.base_stage.label}`, whose content a new "
                    "base would lose")
        if stage is not None and "$" in stage.from_instruction.body:
            return "the base image is set by a build argument: changing it would drop the argument"
        if not name.endswith("python"):
            return f"the base `{self.base}` is not the official python image: its slim variant is not known"
        if "@" in self.base:
            return "the base is pinned by digest: the digest of its slim variant is not known"
        version = self._version(tag)
        if version is None:
            return ("the Python version is not known, so the slim base cannot be chosen: pin the base "
                    "(`python:3.12`), or give it in .python-version, runtime.txt, `requires-python` in "
                    "pyproject.toml, or with --python-version")
        if int(version.split(".")[0]) < 3:
            return f"Python {version} has no venv module to build the virtualenv the runtime copies"
        problem = self._unmovable(deps, system)
        if problem:
            return problem
        builder_base, runtime_base = _bases(name, tag, version)
        if not deps:
            return self._base_only(runtime_base, tools)
        return self._split(builder_base, runtime_base, deps, system)

    def _cache_order(self, deps: list[Line]) -> Split | None:
        """On a lean base: the first dependency install moves before the ``COPY .`` that
        brought its manifests, after a COPY of the manifests alone, so a code change no longer
        re-runs it. None when the install needs more than its manifests, or when what lies
        between the COPY and the install could matter to it."""
        if not deps:
            return None
        line = deps[0]
        install = self._install(line, [])
        if isinstance(install, str) or install.whole or not install.manifests:
            return None
        at = self.stage.lines.index(line)
        whole = next((i for i in range(at - 1, -1, -1) if self._copies_whole_context(self.stage.lines[i])), None)
        if whole is None or any(not self._harmless_between(between, line) for between in self.stage.lines[whole + 1:at]):
            return None
        copies = [Line.new(f"COPY {source} {dest}\n") for source, dest in install.manifests]
        lines = [x for x in self.stage.lines if x is not line]
        lines[whole:whole] = copies + [line]
        names = ", ".join(source for source, _ in install.manifests)
        return Split(None, StageDraft(self.stage.from_line, lines, self.stage.stage), ("DW701",),
                     f"copy {names} and install before the rest of the code, so a code change does not "
                     "re-run the install", name="cache-order")

    def _copies_whole_context(self, line: Line) -> bool:
        instr = line.origin
        return (instr is not None and line.keyword in ("COPY", "ADD") and instr.flag("from") is None
                and any(arg in (".", "./") for arg in instr.args[:-1]))

    def _harmless_between(self, line: Line, install: Line) -> bool:
        """Whether the install may run before ``line`` (metadata, or a variable it does not read)."""
        if line.keyword in ("LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT"):
            return True
        if line.keyword in ("ENV", "ARG") and line.origin is not None:
            return _builder_variables(line, install.text) is None
        return False

    def _version(self, tag: str | None) -> str | None:
        match = _VERSION_TAG.match(tag or "")
        if match:
            return None if tag is None else tag.split("-", 1)[0]
        given = self.project.versions.get("python")
        if given:
            return given
        return _project_python(self.project.read_project)

    def _unmovable(self, deps: list[Line], system: list[Line]) -> str | None:
        """Why the stage cannot be split as it is (a RUN left in the runtime needs the build
        tools, a RUN to move does more than install), or None."""
        from dockwise.knowledge.build_tools import EXECUTABLES

        build_programs = {name for names in EXECUTABLES.values() for name in names} - {"git"}
        moved = {id(line) for line in deps + system}
        for line in self.stage.lines:
            run = self.runs.get(id(line.origin))
            if run is None or id(line) in moved:
                continue
            for command in run.script.commands:
                if command.name in build_programs:
                    return (f"{line.quoted} runs `{command.name}`, which needs "
                            "the build tools, and what it builds is not known")
        for line in deps:
            for command in self.runs[id(line.origin)].script.commands:
                if not (self._deps_command(command) or command.name in SYSTEM_MANAGERS or command.name == "rm"):
                    return (f"{line.quoted} runs `{command.name or '?'}` beside "
                            "the dependency install, so it cannot move to a builder stage as it is")
        for line in system:
            packages = self._system_packages(line)
            if packages and packages[1]:
                return packages[1]
        kept = [line for line in self.stage.lines if id(line) not in moved]
        provided = [name for line in system for name in self._installed(line)]
        return needs_full_image(self.project.model, kept, provided)

    # -- the RUNs -------------------------------------------------------------------------

    def _system_packages(self, line: Line) -> tuple[list[str], str] | None:
        """(build-tool packages, problem) of a RUN that only installs system packages and
        installs a build tool; None for any other line."""
        from dockwise.knowledge.build_tools import is_build_tool_package

        run = self.runs.get(id(line.origin))
        if run is None or not run.script.commands:
            return None
        installed = []
        for command in run.script.commands:
            if command.name in SYSTEM_MANAGERS:
                inv = run.invocation(command)
                if inv.sub in SYSTEM_MANAGERS[command.name]:
                    installed += [_package_name(w.value) if w.value else "" for w in inv.operands]
                    continue
                if inv.sub in (SYSTEM_HOUSEKEEPING.get(command.name) or ()):
                    continue
            if command.name == "rm" or self._deps_command(command):
                continue
            return None
        tools = [p for p in installed if p and is_build_tool_package(p)]
        if not tools:
            return None
        unknown = "" if all(installed) else ("a package name in the install is an expansion: "
                                             "which ones the runtime needs is not known")
        return tools, unknown

    def _with_index_updates(self, system: list[Line]) -> list[Line]:
        """``system`` and, in stage order, each RUN that only updates the package index for
        them (``RUN apt-get update`` on a line of its own before ``RUN apt-get install gcc``):
        the installs move to the builder, where they need the index, and an update left in
        the runtime would serve no install there and ship the index."""
        moved = {id(line) for line in system}
        lines = self.stage.lines
        updates = {id(line) for i, line in enumerate(lines) if self._updates_index_only(line)
                   and (later := [x for x in lines[i + 1:] if self._installs_system(x)])
                   and all(id(x) in moved for x in later)}
        return [line for line in lines if id(line) in moved | updates]

    def _updates_index_only(self, line: Line) -> bool:
        run = self.runs.get(id(line.origin))
        if run is None or not run.script.commands:
            return False
        updates = False
        for command in run.script.commands:
            if command.name == "rm":
                continue
            sub = run.invocation(command).sub if command.name in SYSTEM_MANAGERS else None
            if sub not in (SYSTEM_HOUSEKEEPING.get(command.name) or ()):
                return False
            updates = updates or sub == "update"
        return updates

    def _installs_system(self, line: Line) -> bool:
        run = self.runs.get(id(line.origin))
        return run is not None and any(run.invocation(c).sub in SYSTEM_MANAGERS[c.name]
                                       for c in run.find(*SYSTEM_MANAGERS))

    def _deps_commands(self, line: Line) -> list["Command"] | None:
        """The Python dependency installs of a RUN, None when it has none."""
        run = self.runs.get(id(line.origin))
        if run is None:
            return None
        found = [c for c in run.script.commands if self._deps_command(c)]
        return found or None

    def _deps_command(self, command: "Command") -> bool:
        if _pip_install(command) is not None:
            return True
        if command.name == "poetry":
            return bool(command.args) and command.args[0].value in ("install", "config", "sync")
        if command.name == "uv":
            values = [w.value for w in command.args[:2]]
            return values[:1] == ["sync"] or values == ["pip", "install"]
        return False

    # -- the split ------------------------------------------------------------------------

    def _base_only(self, runtime_base: str, tools: list[str]) -> Split:
        runtime = StageDraft(_from_line(self.stage.from_line, runtime_base), list(self.stage.lines),
                             self.stage.stage)
        return Split(None, runtime, CODES, f"run on `{runtime_base}`: nothing is built, the full base "
                     "only adds compilers and headers")

    def _split(self, builder_base: str, runtime_base: str, deps: list[Line], system: list[Line]) -> Split | str:
        notes: list[str] = []
        installs = []
        for line in deps:
            install = self._install(line, notes)
            if isinstance(install, str):
                return install
            installs.append(install)
        builder_name = self._builder_name()
        builder = StageDraft(Line.new(f"FROM {builder_base} AS {builder_name}\n"), [])
        add = builder.lines.append
        moved_text = "".join(line.text for line in deps + system)
        for line in self.stage.lines:
            if line.keyword in ("ARG", "ENV") and self._before(line, deps[0].origin):
                kept = _builder_variables(line, moved_text)
                if kept is not None:
                    add(kept)
        for line in system:
            add(self._system_line(line))
        tools = [c for install in installs for c in install.tools]
        if tools:
            add(Line.new(_run(tools, ["pip"])))
        add(Line.new(f"RUN python -m venv {VENV}\n"))
        uv = any("uv" in install.caches for install in installs)
        add(Line.new(VENV_ENV.rstrip("\n") + (f" UV_PROJECT_ENVIRONMENT={VENV} UV_LINK_MODE=copy" if uv else "") + "\n"))
        moved = {id(line) for line in deps + system}
        pip_only = all(install.caches == ["pip"] for install in installs)  # uv sync may take pip out itself
        if pip_only and not any(re.search(r"\bpip", line.text) for line in self.stage.lines
                                if id(line) not in moved and line.keyword in ("RUN", "CMD", "ENTRYPOINT")):
            # the runtime installs nothing: pip (about 15 MB) stays out of the virtualenv it copies
            installs[-1].commands.append(f"{VENV}/bin/python -m pip uninstall --yes pip")
        workdir, whole_copied, inputs = None, False, []
        for install in installs:
            if install.workdir != workdir:
                add(Line.new(f"WORKDIR {install.workdir}\n"))
                workdir = install.workdir
            if install.whole and not whole_copied:
                for copy in self._source_copies(install):
                    add(copy)
                whole_copied = True
                notes.append(f"the dependency install {install.line.quoted} needs the "
                             "project's source, so the builder copies what the stage copied before it")
            elif not whole_copied:
                for source, dest in install.manifests:
                    add(Line.new(f"COPY {source} {dest}\n"))
                inputs += self._manifest_copies(install.manifests, install.line.origin)
            add(Line.new(install.line.comments + _run(install.commands, install.caches, install.line)))
        runtime = self._runtime(runtime_base, builder_name, deps + inputs, system, notes)
        if isinstance(runtime, str):
            return runtime
        tools = sorted({p for line in system for p in (self._system_packages(line) or ([], ""))[0]})
        what = f"{', '.join(tools)} and the dependency install move" if tools else "the dependency install moves"
        summary = (f"{what} to a builder stage on `{builder_base}` (virtualenv {VENV}, cache mount); "
                   f"the runtime stage on `{runtime_base}` copies only the virtualenv")
        return Split(builder, runtime, CODES, summary, notes, carried=INSTALLED)

    def _source_copies(self, install: "_Install") -> list[Line]:
        """The COPY/ADD lines of the build context that come before ``install``, as written
        when they land where they did (an absolute destination, or the install's WORKDIR);
        ``COPY . <workdir>`` when one would land elsewhere."""
        copies = []
        for line in self.stage.lines:
            instr = line.origin
            if (instr is None or line.keyword not in ("COPY", "ADD") or instr.flag("from") is not None
                    or not self._before(line, install.line.origin)):
                continue
            state = self.project.model.state_at(instr)
            dest = instr.args[-1] if instr.args else ""
            if not (dest.startswith("/") or (state is not None and state.workdir == install.workdir)):
                return [Line.new(f"COPY . {install.workdir}\n")]
            copies.append(Line(line.keyword, line.text[line.lead:], None))
        return copies or [Line.new(f"COPY . {install.workdir}\n")]

    def _manifest_copies(self, manifests: list[tuple[str, str]], install) -> list[Line]:
        """The COPY lines before the install that copy only its manifests: the install's inputs,
        which the runtime does not need once the builder has them."""
        from dockwise.model.words import instruction_words

        sources = {source.rstrip("*") for source, _ in manifests}
        found = []
        for line in self.stage.lines:
            instr = line.origin
            if instr is None or line.keyword != "COPY" or instr.flag("from") is not None or not self._before(line, install):
                continue
            words = [w.value for w in instruction_words(instr, self.project.model.dockerfile.escape)]
            if len(words) >= 2 and all(posixpath.normpath(w) in sources for w in words[:-1]):
                found.append(line)
        return found

    def _runtime(self, runtime_base: str, builder_name: str, deps: list[Line], system: list[Line],
                 notes: list[str]) -> StageDraft | str:
        from dockwise.knowledge.build_tools import BUILD_ONLY_HEADERS, RUNTIME_LIBRARIES, is_build_tool_package

        moved = {id(line) for line in deps + system}
        lines = [line for line in self.stage.lines if id(line) not in moved]
        first_deps = self.stage.lines.index(deps[0])
        at = next((i for i, line in enumerate(self.stage.lines)
                   if line.keyword in ("COPY", "ADD") and line.origin is not None
                   and line.origin.flag("from") is None), first_deps)
        at = min(at, first_deps)
        at = len([line for line in self.stage.lines[:at] if id(line) not in moved])
        lines[at:at] = [Line.new(f"COPY --from={builder_name} {VENV} {VENV}\n"), Line.new(VENV_ENV)]
        runtime = StageDraft(_from_line(self.stage.from_line, runtime_base), lines, self.stage.stage)
        family = package_family(runtime_base)
        wanted: list[str] = []
        for line in system:
            for name in self._installed(line):
                if name in RUNTIME_LIBRARIES:
                    wanted += [lib for lib in RUNTIME_LIBRARIES[name] if lib not in wanted]
                elif is_build_tool_package(name):
                    if name.endswith(("-dev", "-devel")) and name not in BUILD_ONLY_HEADERS:
                        notes.append(f"the runtime library of `{name}` is not known: if the application "
                                     "loads it, install it in the runtime stage")
                elif name not in wanted:
                    wanted.append(name)  # not a build tool: the runtime keeps it
        if wanted and family is not None:
            add_packages(runtime, family, wanted)
        return runtime

    def _system_line(self, line: Line) -> Line:
        """The system-package RUN for the builder: as written, or without the Python installs a
        mixed RUN also makes (those run in the virtualenv)."""
        run = self.runs[id(line.origin)]
        if not any(self._deps_command(c) for c in run.script.commands):
            return Line(line.keyword, line.text, None)
        kept = [run.script.text[c.start:c.end] for c in run.script.commands if not self._deps_command(c)]
        return Line.new(line.comments + _run(kept, [], line))

    def _installed(self, line: Line) -> list[str]:
        run = self.runs[id(line.origin)]
        names = []
        for command in run.find(*SYSTEM_MANAGERS):
            inv = run.invocation(command)
            if inv.sub in SYSTEM_MANAGERS[command.name]:
                names += [_package_name(w.value) for w in inv.operands if w.value]
        return names

    def _install(self, line: Line, notes: list[str]) -> "_Install | str":
        """What the builder runs for one dependency RUN: its Python tool installs (before the
        virtualenv), its installs (in it), their caches, and the manifests they read, or the
        whole source; a str when it cannot be moved."""
        state = self.project.model.state_at(line.origin)
        workdir = state.workdir if state is not None and state.workdir_known else None
        if workdir is None and self._official_python_root():
            workdir = "/"  # the official python images set no WORKDIR
        if workdir is None:
            return f"the WORKDIR of the dependency install {line.quoted} is not known"
        install = _Install(line, workdir)
        manifests: list[str] = []
        run = self.runs[id(line.origin)]
        for command in run.script.commands:
            text = run.script.text[command.start:command.end]
            pip = _pip_install(command)
            if pip is not None:
                operands = [w.value for w in pip.operands]
                if operands and all(o and o.split("==")[0].split("[")[0].lower() in PYTHON_TOOLS | {"pip"}
                                    for o in operands) and not pip.values("-r", "--requirement"):
                    install.tools.append(_without_no_cache(text))
                    continue
                files = pip.values("-r", "--requirement", "-c", "--constraint")
                manifests += files
                install.whole = (install.whole or pip.has("-e", "--editable")
                                 or any(o is None or o.startswith((".", "/")) or "/" in o for o in operands)
                                 or any(self._requirements_need_source(posixpath.join(workdir, f)) for f in files))
                text = _without_no_cache(text)
                if pip.has("--user"):
                    text = re.sub(r"\s--user\b", "", text)
                    notes.append("`pip install --user` now installs into the virtualenv")
                install.caches.append("pip")
            elif command.name == "poetry":
                install.caches.append("poetry")
                manifests += ["pyproject.toml", "poetry.lock*"]
                if command.args[0].value == "install" and not any(w.value == "--no-root" for w in command.args):
                    install.whole = True
            elif command.name == "uv":
                install.caches.append("uv")
                if command.args[0].value == "sync":
                    manifests += ["pyproject.toml", "uv.lock*"]
                    install.whole = install.whole or not any(w.value == "--no-install-project" for w in command.args)
                else:
                    manifests += [w.value for i, w in enumerate(command.args)
                                  if i and w.value and command.args[i - 1].value in ("-r", "--requirement")]
                    text = re.sub(r"\s--system\b", "", text)
            else:
                continue
            install.commands.append(text)
        install.caches = list(dict.fromkeys(install.caches))
        for manifest in dict.fromkeys(manifests):
            source = self._context_source(posixpath.join(workdir, manifest), line.origin)
            if source is None:
                return f"where `{manifest}` comes from is not known"
            dest = workdir + "/" if manifest.endswith("*") else posixpath.join(workdir, manifest)
            install.manifests.append((source, dest))
        if not install.commands and not install.tools:
            return f"{line.quoted} installs nothing the shape knows"
        return install

    def _requirements_need_source(self, path: str) -> bool:
        source = self._context_source(path, None)
        text = self.project.read(source) if source else None
        if text is None:
            return False
        return any(not _MANIFEST_ONLY_LINE.match(line) for line in text.splitlines())

    def _context_source(self, target: str, before) -> str | None:
        """The context path a COPY/ADD of the stage put at ``target`` (before ``before``)."""
        from dockwise.model.words import instruction_words

        target = posixpath.normpath(target.rstrip("*")) + ("*" if target.endswith("*") else "")
        bare = target.rstrip("*")
        for line in reversed(self.stage.lines):
            instr = line.origin
            if instr is None or instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
                continue
            if before is not None and not self._before(line, before):
                continue
            words = [w.value for w in instruction_words(instr, self.project.model.dockerfile.escape)]
            if len(words) < 2:
                continue
            *sources, dest = words
            state = self.project.model.state_at(instr)
            base = state.workdir if state is not None else "/"
            dest_abs = posixpath.normpath(posixpath.join(base, dest))
            is_dir = (dest.endswith(("/", "/.")) or dest in (".", "..") or len(sources) > 1
                      or sources[0] in (".", "./") or any(ch in sources[0] for ch in "*?["))
            for source in sources:
                if source in (".", "./"):
                    rel = posixpath.relpath(bare, dest_abs)
                    if not rel.startswith(".."):
                        return rel + ("*" if target.endswith("*") else "")
                elif is_dir and posixpath.join(dest_abs, posixpath.basename(source)) == bare:
                    return source
                elif not is_dir and dest_abs == bare:
                    return source
        return None

    def _before(self, line: Line, instr) -> bool:
        return line.origin is not None and line.origin.span.start.offset < instr.span.start.offset

    def _official_python_root(self) -> bool:
        from dockwise.model.stages import lineage

        stage = self.stage.stage
        if stage is None:
            return False
        chain = lineage(stage)
        ref = (chain[-1] if chain else stage).base_ref
        return ref is not None and ref.is_official and ref.name == "python"

    def _builder_name(self) -> str:
        for name in ("builder", "python-builder", "venv-builder"):
            if self.project.model.stage_by_name(name) is None:
                return name
        return "cure-builder"


# -- helpers ----------------------------------------------------------------------------------

def _pip_install(command: "Command"):
    """The invocation of a ``pip install`` (pip, pip3, ``python -m pip``), else None."""
    from dockwise.model.shell.command import split_invocation
    from dockwise.model.shell.programs import OPTIONS_WITH_VALUE

    name = command.name or ""
    if _PIP.fullmatch(name):
        words = list(command.args)
    elif _PYTHON.fullmatch(name) and [w.value for w in command.args[:2]] == ["-m", "pip"]:
        words = list(command.args[2:])
    else:
        return None
    inv = split_invocation(command, OPTIONS_WITH_VALUE["pip"], words=words)
    return inv if inv.sub == "install" else None


def _without_no_cache(text: str) -> str:
    """A pip command without ``--no-cache-dir``: the cache mount keeps the cache out of layers."""
    return re.sub(r"\s--no-cache(?:-dir)?(?:=\S+)?(?=\s|$)", "", text)


def _builder_variables(line: Line, moved: str) -> Line | None:
    """An ARG/ENV line for the builder: the variables the moved RUNs read (``$NAME``) or that
    steer the installers (PIP_*, POETRY_*, UV_*, PYTHON*, proxies), never PIP_NO_CACHE_DIR (it
    would turn the pip cache mount off); None when none is left. (Copying every ARG would copy
    secrets the builder never needs.)"""
    from dockwise.model.words import assignments

    instr = line.origin
    pairs = assignments(instr)
    wanted = [p for p in pairs if p.name_text != "PIP_NO_CACHE_DIR" and (
        _STEERS_INSTALLERS.match(p.name_text) or re.search(rf"\$\{{?{re.escape(p.name_text)}\b", moved))]
    if not wanted:
        return None
    if len(wanted) == len(pairs):
        return Line(line.keyword, line.text, None)
    if "=" not in instr.body[pairs[0].name.start:pairs[0].value_end]:
        return None  # the legacy `ENV KEY value` form holds one variable
    kept = [instr.body[p.name.start:p.value_end] for p in wanted]
    return Line(line.keyword, line.comments + f"{line.keyword} " + " ".join(kept) + "\n")


def _run(commands: list[str], caches: list[str], line: Line | None = None) -> str:
    """A RUN of ``commands`` with cache mounts for ``caches``, keeping the flags of the RUN
    they come from (a secret or bind mount the install needs; a cache mount already there)."""
    flags = [f.raw for f in line.origin.flags] if line is not None and line.origin is not None else []
    mounts = [f"--mount=type=cache,target={CACHES[c]}" for c in caches
              if not any(f"target={CACHES[c]}" in flag or f"dst={CACHES[c]}" in flag for flag in flags)]
    prefix = "".join(f"{flag} " for flag in flags + mounts)
    return f"RUN {prefix}" + " \\\n    && ".join(c.strip() for c in commands) + "\n"


def _package_name(text: str) -> str:
    return re.split(r"[=<>~]", text, 1)[0]


def _root_base(stage: StageDraft) -> str | None:
    from dockwise.model.stages import lineage

    if stage.stage is None:
        return None
    chain = lineage(stage.stage)
    root = chain[-1] if chain else stage.stage
    if root.is_scratch or not root.base.known:
        return None
    return root.base.text


def _split_ref(ref: str) -> tuple[str, str | None]:
    """``docker.io/library/python:3.12-slim`` -> (``docker.io/library/python``, ``3.12-slim``)."""
    name, _, digest = ref.partition("@")
    head, colon, tag = name.rpartition(":")
    if colon and "/" not in tag:
        return head, tag
    return name, None


def _is_full(tag: str | None) -> bool:
    lowered = (tag or "latest").lower()
    return not any(word in lowered for word in ("slim", "alpine", "windowsservercore", "nanoserver"))


def _bases(name: str, tag: str | None, version: str) -> tuple[str, str]:
    """(builder base, runtime base): the full and the slim image of the same Python."""
    if tag is None or not _VERSION_TAG.match(tag):
        tag = version
    builder = f"{name}:{tag}"
    if not _is_full(tag):
        return builder, builder
    number, dash, variant = tag.partition("-")
    return builder, f"{name}:{number}-slim{dash}{variant}"


def _from_line(old: Line, base: str) -> Line:
    """The FROM line with its image replaced (flags, stage name and comments kept)."""
    instr = old.origin
    if instr is None:
        return Line.new(f"FROM {base}\n")
    words = instr.body.split()
    image_at = next(i for i, w in enumerate(words) if not w.startswith("--"))
    words[image_at] = base
    flags = " ".join(f.raw for f in instr.flags)
    body = " ".join(words)
    return Line("FROM", old.comments + f"FROM {flags + ' ' if flags else ''}{body}\n", instr)


def _project_python(read) -> str | None:
    """X.Y from .python-version, runtime.txt or requires-python, None when none says it."""
    text = read(".python-version")
    if text:
        match = _VERSION_TAG.match(text.strip())
        if match:
            return match.group(1)
    text = read("runtime.txt")
    if text:
        match = re.match(r"\s*python-(\d+\.\d+)", text)
        if match:
            return match.group(1)
    text = read("pyproject.toml")
    if text:
        match = re.search(r"""^\s*requires-python\s*=\s*["']\s*(?:>=|~=|==|\^)\s*(\d+\.\d+)""", text, re.MULTILINE)
        if match:
            return match.group(1)
    return None
