"""The Node shape: a stage on the official ``node`` image that installs its dependencies (npm,
yarn, pnpm) and perhaps builds becomes a builder on that image (the manifests copied before the
install, a cache mount for the package manager, the dev dependencies pruned when the command
is plain ``node``) and a runtime on the ``-slim`` variant of the same Node that copies the
application folder -- production ``node_modules`` and the build output -- from the builder.

The Node version is the base tag's, else ``.nvmrc``, ``.node-version``, ``engines.node`` of
package.json or a version given on the command line; none of them is a note, not a guess.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from dockwise.fix.cure.draft import Line, StageDraft
from dockwise.fix.cure.plan import Project, Split
from dockwise.fix.cure.runtime import add_packages, package_family
from dockwise.fix.cure.shapes._split import (
    Cut, builder_and_runtime, builder_name, built_on_a_stage, copies_everything, exec_command,
    runtime_packages, system_installs,
)

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.shell.command import Command

CODES = ("DW401", "DW402", "DL3007", "DL3006", "DW701", "DW801", "DL3060")
CACHES = {"npm": "/root/.npm", "yarn": "/usr/local/share/.cache/yarn", "pnpm": "/root/.local/share/pnpm/store"}
INSTALLS = {"npm": ("install", "i", "ci"), "pnpm": ("install", "i")}
MANIFESTS = "package.json package-lock.json* npm-shrinkwrap.json* yarn.lock* pnpm-lock.yaml*"
SYSTEM = {"apt-get": ("install",), "apt": ("install",), "apk": ("add",)}
GYP_ONLY = frozenset({"python3", "python", "python-is-python3"})  # node-gyp's, needed only to build
BUILD_PROGRAMS = frozenset({"gcc", "g++", "cc", "make", "node-gyp", "python3", "python"})
_VERSION = re.compile(r"^v?(\d+(?:\.\d+){0,2})$")
_TAG_VERSION = re.compile(r"^(\d+(?:\.\d+){0,2})(?:-(.*))?$")


def _manager(command: "Command") -> str | None:
    return command.name if command.name in CACHES else None


def _is_install(command: "Command") -> bool:
    name = _manager(command)
    if name is None:
        return False
    words = [w.value for w in command.args]
    if name == "yarn":
        return not words or words[0] in ("install", "--frozen-lockfile", "--immutable") or words[0].startswith("--")
    return bool(words) and words[0] in INSTALLS[name] and not _global(command)


def _cleans_cache(command: "Command") -> bool:
    """``npm cache clean --force``, ``yarn cache clean``: harmless beside an install."""
    words = [w.value for w in command.args[:2]]
    return _manager(command) is not None and words[:1] == ["cache"]


def _global(command: "Command") -> bool:
    return any(w.value in ("-g", "--global", "--location=global") for w in command.args)


def _is_step(command: "Command") -> bool:
    """An install, or a package script run by the package manager (``npm run build``)."""
    name = _manager(command)
    if name is None or _global(command):
        return False
    words = [w.value for w in command.args]
    if _is_install(command):
        return True
    if name == "yarn":
        return bool(words) and words[0] not in ("start", "global", "cache", "config")
    return bool(words) and words[0] in ("run", "run-script", "build", "exec") and words[1:2] != ["start"]


class NodeShape:
    name = "node"

    def plan(self, project: Project, stage: StageDraft) -> Split | str | None:
        from dockwise.fix.cure.shapes.python import _root_base, _split_ref

        base = _root_base(stage)
        image, tag = _split_ref(base) if base else ("", None)
        if image not in ("node", "library/node", "docker.io/library/node"):
            return None
        cut = Cut(project, stage, _is_step)
        if built_on_a_stage(stage):
            return built_on_a_stage(stage)
        lean = any(word in (tag or "") for word in ("slim", "alpine"))
        system = system_installs(cut, SYSTEM)
        if cut.last is None and lean:
            return None  # nothing installed, already lean
        if "@" in base:
            return "the base is pinned by digest: the digest of its slim variant is not known"
        version = self._version(tag, project)
        if version is None:
            return ("the Node version is not known, so the slim base cannot be chosen: pin the base "
                    "(`node:20`), or give it in .nvmrc, .node-version or `engines.node` of package.json")
        builder_base, runtime_base = _bases(image, tag, version)
        if cut.last is None:
            runtime = StageDraft(_from(stage, runtime_base), list(stage.lines), stage.stage)
            return Split(None, runtime, CODES, f"run on `{runtime_base}`: nothing is built, the full base "
                         "only adds compilers and headers")
        if builder_base == runtime_base and not system:
            return None  # a lean base and no build tools: nothing to split
        return self._split(project, cut, system, builder_base, runtime_base, version)

    def _split(self, project: Project, cut: Cut, system: list[Line], builder_base: str, runtime_base: str,
               version: str) -> Split | str:
        workdir = cut.workdir
        if workdir in (None, "/"):
            return "the install runs with no WORKDIR of its own, so the folder to copy is not known"
        problem = cut.problem_after(BUILD_PROGRAMS) or cut.unmovable(_cleans_cache)
        if problem:
            return problem
        managers = {_manager(c) for line in cut.before if cut.run_of(line)
                    for c in cut.run_of(line).script.commands if _is_install(c)}
        notes: list[str] = []
        name = builder_name(project)
        extra: list[Line] = []
        prune = self._prune(project, cut, managers, version, notes)
        if prune:
            extra.append(Line.new(prune))
        reordered = self._manifests_first(cut)
        if reordered is not None:
            notes.append("the manifests are copied and installed before the rest of the code")
        builder, runtime = builder_and_runtime(
            cut, f"FROM {builder_base} AS {name}\n", _from(cut.stage, runtime_base),
            [f"COPY --from={name} {workdir} {workdir}\n"], lambda line: self._mounts(cut, line), extra,
            before=reordered)
        wanted, problem = runtime_packages(cut, system, SYSTEM)
        if problem:
            return problem
        wanted = [p for p in wanted if p not in GYP_ONLY]
        family = package_family(runtime_base)
        if wanted and family is not None:
            add_packages(runtime, family, wanted)
        commands = [c for line in cut.before if cut.run_of(line) for c in cut.run_of(line).script.commands]
        moved = ("the build tools and the " if system else "the ") + "install" + (
            " and build" if any(_is_step(c) and not _is_install(c) for c in commands) else "")
        pruned = ", dev dependencies pruned" if prune else ""
        summary = (f"{moved} move to a builder stage on `{builder_base}` (cache mount{pruned}); "
                   f"the runtime on `{runtime_base}` copies only {workdir}")
        return Split(builder, runtime, CODES, summary, notes)

    def _mounts(self, cut: Cut, line: Line) -> list[str]:
        run = cut.run_of(line) if line.origin is not None else None
        found = [CACHES[_manager(c)] for c in run.script.commands if _is_install(c)] if run else []
        return list(dict.fromkeys(found))

    def _prune(self, project: Project, cut: Cut, managers: set, version: str, notes: list[str]) -> str | None:
        """``npm prune`` for the builder when the runtime command is plain ``node`` (or an npm
        start script that is), so no devDependency it runs is taken away; else a note."""
        if managers != {"npm"}:
            notes.append("dev dependencies are kept: only npm's are pruned")
            return None
        words = exec_command(cut.stage) or []
        runs_node = words[:1] == ["node"]
        if words[:2] in (["npm", "start"], ["npm", "run"]) and words[2:3] in ([], ["start"]):
            script = _start_script(project)
            runs_node = script is not None and script.split()[:1] == ["node"]
        if not runs_node:
            notes.append("dev dependencies are kept: the command may run one of them")
            return None
        major = int(version.split(".")[0])
        return "RUN npm prune --omit=dev\n" if major >= 16 else "RUN npm prune --production\n"

    def _manifests_first(self, cut: Cut) -> list[Line] | None:
        """The lines before the cut with the manifests copied and installed before the whole
        context is (DW701: the install layer then survives every code change); None when the
        order is already right or the install does more than install."""
        lines = list(cut.before)
        install = next((i for i, line in enumerate(lines) if cut.run_of(line) is not None
                        and cut.run_of(line).script.commands
                        and all(_is_install(c) for c in cut.run_of(line).script.commands)), None)
        copy_all = next((i for i, line in enumerate(lines[:install or 0]) if copies_everything(line)), None)
        if install is None or copy_all is None:
            return None
        dest = lines[copy_all].text[lines[copy_all].lead:].split()[-1]
        whole = lines.pop(copy_all)
        lines.insert(copy_all, Line.new(f"COPY {MANIFESTS} {dest if dest.endswith('/') else dest + '/'}\n"))
        lines.insert(install + 1, whole)
        return lines

    def _version(self, tag: str | None, project: Project) -> str | None:
        match = _TAG_VERSION.match(tag or "")
        if match:
            return match.group(1)
        given = project.versions.get("node")
        if given:
            return given
        for name in (".nvmrc", ".node-version"):
            match = _VERSION.match((project.read(name) or "").strip())
            if match:
                return match.group(1)
        engines = _package_json(project).get("engines") or {}
        found = re.search(r"(\d+)", str(engines.get("node", "")) if isinstance(engines, dict) else "")
        return found.group(1) if found else None


def _package_json(project: Project) -> dict:
    try:
        found = json.loads(project.read("package.json") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _start_script(project: Project) -> str | None:
    scripts = _package_json(project).get("scripts")
    start = scripts.get("start") if isinstance(scripts, dict) else None
    return start if isinstance(start, str) else None


def _bases(image: str, tag: str | None, version: str) -> tuple[str, str]:
    """(builder base, runtime base): the image as pinned (or at ``version``) and its slim variant."""
    match = _TAG_VERSION.match(tag or "")
    if not match:
        tag = version
        match = _TAG_VERSION.match(tag)
    builder = f"{image}:{tag}"
    variant = match.group(2) or ""
    if "slim" in variant or "alpine" in variant:
        return builder, builder
    return builder, f"{image}:{match.group(1)}-{variant + '-' if variant else ''}slim"


def _from(stage: StageDraft, base: str) -> Line:
    from dockwise.fix.cure.shapes.python import _from_line

    return _from_line(stage.from_line, base)
