"""Helpers shared by the package, layer, build-tool and cache rule families.

They answer the questions those rules keep asking of a RUN: which commands run (ONBUILD RUN
included), which subcommand and operands a package manager got (knowing which options take a
value), which directories are covered by a cache/tmpfs mount, whether a path is removed later
in the same script, and whether a stage ends up in the shipped image.
"""

from __future__ import annotations

import fnmatch
import re
import posixpath
from typing import TYPE_CHECKING, Any

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord, Record
from dockwise.findings import Edit, Fix

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.rules.base import CheckTarget
    from dockwise.syntax.tree import Instruction, Span

TRUTHY = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSY = frozenset({"0", "false", "no", "off", "n", "f", ""})


class Run(Record):
    """One RUN the rules look at: ``outer`` is the instruction in the file (RUN or ONBUILD),
    ``run`` the RUN itself, ``script`` its parsed shell script. Shared by every rule of a file,
    so per-name lookups and option splitting are done once."""

    __slots__ = ("outer", "run", "script", "onbuild", "by_name", "_invocations")

    outer: "Instruction"
    run: "Instruction"
    script: Any
    onbuild: bool
    by_name: dict[str, list[Any]]
    _invocations: dict[tuple[int, frozenset[str]], "Invocation"]

    def __init__(self, outer: "Instruction", run: "Instruction", script: Any, onbuild: bool,
                 by_name: dict[str, list[Any]] | None = None,
                 _invocations: dict[tuple[int, frozenset[str]], "Invocation"] | None = None) -> None:
        self.outer = outer
        self.run = run
        self.script = script
        self.onbuild = onbuild
        self.by_name = {} if by_name is None else by_name
        self._invocations = {} if _invocations is None else _invocations
        for command in script.commands:
            if command.name:
                self.by_name.setdefault(command.name, []).append(command)

    def find(self, *names: str) -> list[Any]:
        if len(names) == 1:
            return self.by_name.get(names[0], [])
        return [c for n in names for c in self.by_name.get(n, ())]

    def invocation(self, command: Any, takes_value: frozenset[str] = frozenset()) -> "Invocation":
        key = (id(command), takes_value)
        found = self._invocations.get(key)
        if found is None:
            found = self._invocations[key] = invocation(command, takes_value)
        return found


def iter_runs(target: "CheckTarget") -> list[Run]:
    """Every RUN and ONBUILD RUN of the file, in order, with its (cached) shell script."""
    return target.memo("runs", lambda: _collect_runs(target))


def _collect_runs(target: "CheckTarget") -> list[Run]:
    runs = []
    for instr in target.dockerfile.instructions:
        if instr.keyword == "RUN":
            runs.append(Run(instr, instr, target.shell(instr), False))
        elif instr.keyword == "ONBUILD" and instr.onbuild is not None and instr.onbuild.keyword == "RUN":
            runs.append(Run(instr, instr.onbuild, _onbuild_script(target, instr), True))
    return runs


def _onbuild_script(target: "CheckTarget", outer: "Instruction") -> Any:
    def parse() -> Any:
        from dockwise.model.shell import effective_shell, parse_run

        # The trigger runs in the child build, under the SHELL this image leaves behind (its
        # config carries it) -- or cmd/PowerShell on a Windows base, like any RUN here.
        state = target.model.state_at(outer)
        return parse_run(outer.onbuild, shell=effective_shell(target.dockerfile, outer, state))

    return target.memo(("onbuild-script", id(outer.onbuild)), parse)


# ---------------------------------------------------------------- stages that ship

def shipping_stage_indexes(target: "CheckTarget") -> set[int]:
    """Indexes of the final stage and the stages it is built FROM (their layers ship)."""
    def collect() -> set[int]:
        found: set[int] = set()
        stage = target.model.final_stage
        while stage is not None and stage.index not in found:
            found.add(stage.index)
            stage = stage.base_stage
        return found

    return target.memo("shipping", collect)


def ships(target: "CheckTarget", run: Run) -> bool:
    """True when the layer this RUN writes ends up in the image (ONBUILD always may)."""
    if run.onbuild:
        return True
    stage = target.model.stage_of(run.outer)
    return stage is None or stage.index in shipping_stage_indexes(target)


# ---------------------------------------------------------------- words and commands

def word_value(word: Any) -> str:
    """The literal value of a shell word, or its text with quotes dropped when it expands."""
    value = getattr(word, "value", None)
    if value is not None:
        return value
    return word.text.replace('"', "").replace("'", "")


def expanded(target: "CheckTarget", run: Run, word: Any) -> str:
    """A word with the ARG/ENV values in scope substituted (unknown ones left as written)."""
    value = getattr(word, "value", None)
    if value is not None:
        return value
    text = word.text.replace('"', "").replace("'", "")
    if target.model.state_at(run.outer) is None:  # no FROM yet: follow ENV/ARG in file order
        return _VARIABLE.sub(lambda m: _lookup(target, run.outer, m), text)
    return target.model.expand(text, run.outer).text


_VARIABLE = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def _lookup(target: "CheckTarget", instr: "Instruction", match: "re.Match[str]") -> str:
    value = scoped_value(target, instr, match.group(1))
    return match.group(0) if value is None else value


class Invocation(DataRecord):
    """A package-manager call split the way the tool itself reads its arguments."""

    __slots__ = ("command", "subcommand", "options", "operands", "option_values")

    command: Any
    subcommand: Any | None  # Word
    options: list[str]  # as written, values attached with '='
    operands: list[Any]  # Words
    option_values: dict[str, list[str]]

    def __init__(self, command: Any, subcommand: Any | None, options: list[str] | None = None,
                 operands: list[Any] | None = None,
                 option_values: dict[str, list[str]] | None = None) -> None:
        self.command = command
        self.subcommand = subcommand
        self.options = [] if options is None else options
        self.operands = [] if operands is None else operands
        self.option_values = {} if option_values is None else option_values

    @property
    def sub(self) -> str | None:
        return word_value(self.subcommand) if self.subcommand is not None else None

    def has(self, *names: str) -> bool:
        """True if any of the options was given (long ``--x``/``--x=v``, short ``-x`` or combined ``-qy``)."""
        for opt in self.options:
            if opt.startswith("--"):
                if opt.split("=", 1)[0] in names:
                    return True
            elif opt.startswith("-"):
                letters = opt[1:].split("=", 1)[0]
                if any(f"-{c}" in names for c in letters):
                    return True
        return False

    def values(self, *names: str) -> list[str]:
        out: list[str] = []
        for name in names:
            out.extend(self.option_values.get(name, ()))
        return out


def invocation(command: Any, takes_value: frozenset[str] = frozenset(), *,
               subcommands: int = 1, words: list[Any] | None = None) -> Invocation:
    """Split ``command.args`` into options, ``subcommands`` leading non-option words, operands.

    ``takes_value`` lists options whose value is the next word (``-o Opt=1``, ``--virtual x``).
    Everything after ``--`` is ignored (it belongs to another program, e.g. gem build args).
    """
    inv = Invocation(command, None)
    subs: list[Any] = []
    words = list(command.args if words is None else words)
    i = 0
    while i < len(words):
        word = words[i]
        text = word_value(word)
        if text == "--":
            break
        if text.startswith("-") and len(text) > 1:
            name, _, attached = text.partition("=")
            inv.options.append(text)
            short_last = f"-{name[-1]}" if not name.startswith("--") else name
            if attached or "=" in text:
                inv.option_values.setdefault(name, []).append(attached)
            elif (name in takes_value or short_last in takes_value) and i + 1 < len(words):
                inv.option_values.setdefault(name if name in takes_value else short_last, []).append(
                    word_value(words[i + 1]))
                i += 1
        elif len(subs) < subcommands:
            subs.append(word)
        else:
            inv.operands.append(word)
        i += 1
    if subs:
        inv.subcommand = subs[-1] if subcommands == 1 else subs[0]
        if subcommands > 1:
            inv.operands = subs[1:] + inv.operands
    return inv


def name_word(command: Any) -> Any | None:
    """The Word holding the effective command name (``apt-get`` in ``sudo apt-get ...``)."""
    argv = list(command.argv)
    index = len(argv) - len(command.args) - 1
    if 0 <= index < len(argv):
        return argv[index]
    return argv[0] if argv else None


def command_span(command: Any, upto: Any | None = None) -> "Span | None":
    """From the command name to ``upto`` (e.g. the subcommand word) -- "apt-get install"."""
    first = name_word(command)
    from dockwise.syntax.tree import Span

    if first is None or first.span is None:
        return command.span
    last = upto if upto is not None and upto.span is not None else first
    return Span(first.span.start, last.span.end)


def _editable(run: Run, word: Any) -> bool:
    """Text edits are safe only in shell-form RUNs (an exec-form RUN is a JSON array)."""
    return word is not None and word.span is not None and not run.run.json_form


def insert_after(run: Run, word: Any, text: str, description: str) -> Fix | None:
    """A safe fix inserting ``text`` right after ``word`` (None when that cannot be done textually)."""
    if not _editable(run, word):
        return None
    at = word.span.end.offset
    return Fix(description, (Edit(at, at, text),))


def append_to_run(run: Run, text: str, description: str) -> Fix | None:
    """An *unsafe* fix appending `` && <text>`` right after the last command of a shell-form RUN
    (unsafe: it changes what the RUN does, and the script's last command may not be where it
    belongs). None when the script did not parse cleanly or the end of its last command is not
    the end of the script (a trailing ``;``, ``&``, ``fi``, ``done``, ``)``): there the insertion
    point is ambiguous. A trailing ``# comment`` stays after the inserted text."""
    instr = run.run
    script = run.script
    if instr.json_form or instr.heredocs or not script.posix or not script.parsed_ok:
        return None
    top = [c for c in script.commands if not c.in_substitution and not c.in_nested_shell]
    if not top:
        return None
    end = max(c.end for c in top)
    if not _only_comment(instr.body[end:]):
        return None
    at = instr.source_offset(end - 1) + 1
    return Fix(description, (Edit(at, at, f" && {text}"),), safe=False)


_TRAILER = lazy_compile(r"[ \t]*(?:#[^\n]*)?\s*")


def _only_comment(rest: str) -> bool:
    """True if ``rest`` (what follows the last command) is blank or one trailing comment."""
    return _TRAILER.fullmatch(rest) is not None


def replace_word(run: Run, word: Any, text: str, description: str) -> Fix | None:
    if not _editable(run, word):
        return None
    return Fix(description, (Edit(word.span.start.offset, word.span.end.offset, text),))


def position_of(script: Any, command: Any) -> int:
    for i, other in enumerate(script.commands):
        if other is command:
            return i
    return -1


# ---------------------------------------------------------------- mounts and removals

def mounts(run: "Instruction") -> list[tuple[str, str, dict[str, str]]]:
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


def normalize(path: str) -> str:
    if not path:
        return ""
    path = posixpath.normpath(path)
    return "/" if path == "//" else path


def is_under(path: str, parent: str) -> bool:
    """True if ``path`` is ``parent`` or lies below it (plain string paths, normalised)."""
    if not parent:
        return False
    if parent == "/":
        return path.startswith("/")
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def cache_mounted(run: "Instruction", *dirs: str) -> bool:
    """True if one of ``dirs`` sits on a cache or tmpfs mount, so nothing in it reaches the layer.

    A target ending in a relative tail (``.cache/pip``) matches any home directory."""
    for kind, target, _ in mounts(run):
        if kind not in ("cache", "tmpfs") or not target:
            continue
        for wanted in dirs:
            if wanted.startswith("/"):
                if is_under(wanted, target):
                    return True
            elif target.endswith("/" + wanted) or target == wanted:
                return True
    return False


REMOVERS = {"rm", "rmdir", "unlink", "shred"}


def removed_paths(command: Any) -> list[Any]:
    """The path Words a removal command deletes (``rm -rf a b``, ``find P -delete``)."""
    name = command.name
    if name in REMOVERS:
        return [w for w in command.args if not word_value(w).startswith("-") or word_value(w) == "-"]
    if name == "find":
        values = [word_value(w) for w in command.args]
        if "-delete" in values or ("-exec" in values and "rm" in values):
            return [w for w in command.args[:1] if not word_value(w).startswith("-")]
    return []


def path_covers(removed: str, path: str) -> bool:
    """True if removing ``removed`` (maybe a glob) deletes ``path`` or all of its contents."""
    removed = removed.rstrip("/") or "/"
    path = path.rstrip("/") or "/"
    if removed == path or is_under(path, removed):
        return True
    if not any(c in removed for c in "*?["):
        return False
    head, tail = posixpath.split(removed)
    if tail == "*" and path == head:  # "rm -rf /var/lib/apt/lists/*" empties the folder
        return True
    parts = path.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:cut]), removed) for cut in range(len(parts), 1, -1))


def removes_after(script: Any, start: int, *paths: str) -> bool:
    """True if a command after index ``start`` of ``script`` removes one of ``paths``."""
    for command in script.commands[start + 1:]:
        for word in removed_paths(command):
            gone = word_value(word)
            if any(path_covers(gone, p) for p in paths):
                return True
    return False


def env_truthy(target: "CheckTarget", run: Run, script: Any, command: Any, name: str) -> bool:
    """True if ``name`` is set to a truthy value for ``command``: by ENV/ARG in scope, by
    ``export NAME=...`` earlier in the script, or as a ``NAME=... cmd`` prefix."""
    value = scoped_value(target, run.outer, name)
    index = position_of(script, command)
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


def scoped_value(target: "CheckTarget", instr: "Instruction", name: str) -> str | None:
    """The value of ENV/ARG ``name`` in scope at ``instr`` (file order when there is no FROM)."""
    state = target.model.state_at(instr)
    if state is not None:
        for scope in (state.env, state.args):
            if name in scope:
                return scope[name].text
        return None
    value = None
    for other in target.dockerfile.instructions:
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


def unpinned_finding(target: "CheckTarget", info: Any, inv: Invocation, unpinned: list[tuple[Any, str]],
                     source: str, hint: str) -> Any:
    """One finding per install command listing its unpinned packages, at the first of them."""
    names = list(dict.fromkeys(text for _, text in unpinned))
    shown = ", ".join(f"`{n}`" for n in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    verb, pronoun = ("is", "it") if len(names) == 1 else ("are", "them")
    first_word = unpinned[0][0]
    example = hint.replace("{}", names[0])
    return target.finding(
        info,
        f"{shown} {verb} installed without a version: each build takes whatever {source} serves that "
        f"day, so images drift and rebuilds can break; pin {pronoun} (`{example}`).",
        first_word.span or command_span(inv.command, inv.subcommand), packages=names)
