"""The RUN instructions of a file as the rules query them: each RUN (ONBUILD triggers too) with
its shell script, its ``--mount`` flags, and the ARG/ENV values its commands see.

::

    run_script(model, instr)          # a RUN's ShellScript under its effective shell, parsed once
    collect_runs(model) -> [Run(outer, run, script, onbuild)]  # file order
    run.find("apt-get"), run.invocation(command)                        # per name, split once
    onbuild_script(model, outer)      # the trigger's script, under the SHELL the image leaves
    run_mounts(instr) -> [(type, target, options)], cache_mounted(instr, "/root/.cache/pip")
    scoped_value(model, instr, name)  # ENV/ARG value in scope (file order before any FROM)
    expanded_word(model, instr, word) # a shell word with the ARG/ENV values in scope substituted
    prefix_assignments(command), env_truthy(model, run, command, name)
    run_instructions(model)           # every RUN instruction, ONBUILD's trigger included
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dockwise._lazyre import lazy_compile
from dockwise._record import Record
from dockwise.model.shell.command import word_value
from dockwise.model.shell.paths import is_under

if TYPE_CHECKING:  # pragma: no cover
    import re

    from dockwise.model.build import BuildModel
    from dockwise.model.shell import Command, Invocation, ShellScript
    from dockwise.syntax.tree import Instruction

TRUTHY = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSY = frozenset({"0", "false", "no", "off", "n", "f", ""})


class Run(Record):
    """One RUN: ``outer`` is the instruction in the file (RUN or ONBUILD), ``run`` the RUN
    itself, ``script`` its parsed shell script. Per-name lookups are built once."""

    __slots__ = ("outer", "run", "script", "onbuild", "by_name")

    outer: "Instruction"
    run: "Instruction"
    script: "ShellScript"
    onbuild: bool
    by_name: dict[str, list["Command"]]

    def __init__(self, outer: "Instruction", run: "Instruction", script: "ShellScript", onbuild: bool,
                 by_name: dict[str, list["Command"]] | None = None) -> None:
        self.outer = outer
        self.run = run
        self.script = script
        self.onbuild = onbuild
        self.by_name = {} if by_name is None else by_name
        for command in script.commands:
            if command.name:
                self.by_name.setdefault(command.name, []).append(command)

    def find(self, *names: str) -> list["Command"]:
        if len(names) == 1:
            return self.by_name.get(names[0], [])
        return [c for n in names for c in self.by_name.get(n, ())]

    def invocation(self, command: "Command", takes_value: frozenset[str] | None = None) -> "Invocation":
        """``command`` split once (cached); the options that take a value are the program's own
        (:data:`~dockwise.model.shell.programs.OPTIONS_WITH_VALUE`) unless ``takes_value`` is given."""
        return command.invocation(takes_value)


def run_script(model: "BuildModel", instr: "Instruction") -> "ShellScript":
    """The parsed script of a RUN under the shell it really gets (see
    :func:`~dockwise.model.shell.effective_shell`), parsed once per model."""
    derived = model.derived
    scripts = derived.setdefault("scripts", {})
    script = scripts.get(id(instr))
    if script is None:
        from dockwise.model.shell import effective_shell, parse_run

        shell = effective_shell(model.dockerfile, instr, model.state_at(instr))
        script = scripts[id(instr)] = parse_run(instr, shell=shell)
    return script


def collect_runs(model: "BuildModel",
                 script_of: Callable[["Instruction"], "ShellScript"] | None = None) -> list[Run]:
    """Every RUN and ONBUILD RUN of the file, in order; ``script_of`` parses a RUN (default
    :func:`run_script`; a caller with its own cache of scripts passes it)."""
    if script_of is None:
        return collect_runs(model, lambda instr: run_script(model, instr))
    runs = []
    for instr in model.dockerfile.instructions:
        if instr.keyword == "RUN":
            runs.append(Run(instr, instr, script_of(instr), False))
        elif instr.keyword == "ONBUILD" and instr.onbuild is not None and instr.onbuild.keyword == "RUN":
            runs.append(Run(instr, instr.onbuild, onbuild_script(model, instr), True))
    return runs


def onbuild_script(model: "BuildModel", outer: "Instruction") -> "ShellScript":
    """The script of ``ONBUILD RUN ...``: the trigger runs in the child build, under the SHELL
    this image leaves behind (its config carries it) -- or cmd/PowerShell on a Windows base."""
    from dockwise.model.shell import effective_shell, parse_run

    state = model.state_at(outer)
    return parse_run(outer.onbuild, shell=effective_shell(model.dockerfile, outer, state))


# ---------------------------------------------------------------- mounts

def normalize(path: str) -> str:
    if not path:
        return ""
    path = posixpath.normpath(path)
    return "/" if path == "//" else path


def run_mounts(run: "Instruction") -> list[tuple[str, str, dict[str, str]]]:
    """``(type, target, options)`` of every ``--mount`` flag of a RUN (type defaults to bind)."""
    found = []
    for flag in run.flags:
        if flag.name != "mount" or not flag.value:
            continue
        opts: dict[str, str] = {}
        for part in flag.value.split(","):
            key, _, val = part.partition("=")
            opts[key.strip().lower()] = val.strip().strip('"').strip("'")
        target = opts.get("target") or opts.get("dst") or opts.get("destination") or ""
        found.append((opts.get("type", "bind").lower(), normalize(target), opts))
    return found


def cache_mounted(run: "Instruction", *dirs: str) -> bool:
    """True if one of ``dirs`` sits on a cache or tmpfs mount, so nothing in it reaches the layer.

    A target ending in a relative tail (``.cache/pip``) matches any home directory."""
    for kind, target, _ in run_mounts(run):
        if kind not in ("cache", "tmpfs") or not target:
            continue
        for wanted in dirs:
            if wanted.startswith("/"):
                if is_under(wanted, target):
                    return True
            elif target.endswith("/" + wanted) or target == wanted:
                return True
    return False


# ---------------------------------------------------------------- values the commands see

def scoped_value(model: "BuildModel", instr: "Instruction", name: str) -> str | None:
    """The value of ENV/ARG ``name`` in scope at ``instr`` (file order when there is no FROM)."""
    state = model.state_at(instr)
    if state is not None:
        for scope in (state.env, state.args):
            if name in scope:
                return scope[name].text
        return None
    value = None
    for other in model.dockerfile.instructions:
        if other is instr or other.span.start.offset >= instr.span.start.offset:
            break
        if other.keyword == "ENV":
            args = other.args
            for i in range(0, len(args) - 1, 3):
                if args[i] == name:
                    value = args[i + 1]
        elif other.keyword == "ARG":
            for arg in other.args:
                key, eq, val = arg.partition("=")
                if key == name and eq:
                    value = val
    return value


_VARIABLE = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def expanded_word(model: "BuildModel", instr: "Instruction", word: Any) -> str:
    """A shell word with the ARG/ENV values in scope at ``instr`` substituted (unknown ones
    left as written): what the shell most likely receives."""
    value = getattr(word, "value", None)
    if value is not None:
        return value
    text = word.text.replace('"', "").replace("'", "")
    if model.state_at(instr) is None:  # no FROM yet: follow ENV/ARG in file order
        return _VARIABLE.sub(lambda m: _lookup(model, instr, m), text)
    return model.expand(text, instr).text


def _lookup(model: "BuildModel", instr: "Instruction", match: "re.Match[str]") -> str:
    value = scoped_value(model, instr, match.group(1))
    return match.group(0) if value is None else value


def prefix_assignments(command: Any) -> dict[str, str]:
    """``VAR=x`` words written before the command name (``PIP_NO_CACHE_DIR=1 pip install``)."""
    found: dict[str, str] = {}
    assignments = getattr(command, "assignments", None)
    if assignments:
        for item in assignments:
            if isinstance(item, tuple):
                found[item[0]] = item[1]
            else:
                key, _, val = word_value(item).partition("=")
                found[key] = val
        return found
    argv = list(command.argv)
    head = argv[: max(len(argv) - len(command.args) - 1, 0)]
    for word in head:
        key, eq, val = word_value(word).partition("=")
        if eq and key.replace("_", "a").isalnum():
            found[key] = val
    return found


def env_truthy(model: "BuildModel", run: Run, command: "Command", name: str) -> bool:
    """True if ``name`` is set to a truthy value for ``command``: by ENV/ARG in scope, by
    ``export NAME=...`` earlier in the script, or as a ``NAME=... cmd`` prefix."""
    value = scoped_value(model, run.outer, name)
    script = run.script
    index = script.index_of(command)
    for earlier in script.commands[:index]:
        if earlier.name in ("export", "declare", "typeset", "set") or earlier.name is None:
            for word in earlier.args:
                key, eq, val = word_value(word).partition("=")
                if eq and key == name:
                    value = val
    prefix = prefix_assignments(command)
    if name in prefix:
        value = prefix[name]
    return value is not None and value.strip().lower() in TRUTHY


def run_instructions(model: "BuildModel") -> list["Instruction"]:
    """Every RUN instruction, ONBUILD's trigger included (hadolint checks both alike)."""
    from dockwise.model.stages import all_instructions

    return [instr for instr in all_instructions(model) if instr.keyword == "RUN"]
