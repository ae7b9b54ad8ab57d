"""Rule-side helpers shared by the package, layer, build-tool and cache rule families.

The semantics they read -- which commands a RUN runs (ONBUILD RUN included), how a call splits
into subcommand, options and operands, what a RUN removes, which directories are on a cache
mount, which ARG/ENV values a command sees, which stages ship -- live in the model
(:mod:`dockwise.model.runs`, :mod:`dockwise.model.shell`, :mod:`dockwise.model.stages`); this
module hands them to the rules per check target and builds the findings and fixes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.findings import Edit, Fix
from dockwise.model.runs import (  # noqa: F401  (re-exported for the rules)
    FALSY, TRUTHY, Run, cache_mounted, collect_runs, expanded_word, normalize, prefix_assignments,
    run_mounts as mounts, scoped_value as _scoped_value,
)
from dockwise.model.shell.command import word_value  # noqa: F401
from dockwise.model.shell.paths import REMOVERS, is_under, path_covers, removed_words as removed_paths  # noqa: F401
from dockwise.model.stages import shipped_stage_indexes

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.rules.base import CheckTarget
    from dockwise.syntax.tree import Instruction, Span


def iter_runs(target: "CheckTarget") -> list[Run]:
    """Every RUN and ONBUILD RUN of the file, in order, with its (cached) shell script."""
    def collect() -> list[Run]:
        return [_LegacyRun(r.outer, r.run, r.script, r.onbuild) for r in collect_runs(target.model, target.shell)]

    return target.memo("runs", collect)


class _LegacyRun(Run):
    __slots__ = ()

    def invocation(self, command: Any, takes_value: frozenset[str] = frozenset()) -> "Invocation":
        return invocation(command, takes_value)


def shipping_stage_indexes(target: "CheckTarget") -> frozenset[int]:
    """Indexes of the final stage and the stages it is built FROM (their layers ship)."""
    return shipped_stage_indexes(target.model)


def ships(target: "CheckTarget", run: Run) -> bool:
    """True when the layer this RUN writes ends up in the image (ONBUILD always may)."""
    if run.onbuild:
        return True
    stage = target.model.stage_of(run.outer)
    return stage is None or stage.index in shipped_stage_indexes(target.model)


def expanded(target: "CheckTarget", run: Run, word: Any) -> str:
    """A word with the ARG/ENV values in scope substituted (unknown ones left as written)."""
    return expanded_word(target.model, run.outer, word)


def scoped_value(target: "CheckTarget", instr: "Instruction", name: str) -> str | None:
    """The value of ENV/ARG ``name`` in scope at ``instr`` (file order when there is no FROM)."""
    return _scoped_value(target.model, instr, name)


# ---------------------------------------------------------------- words and commands

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
    return script.index_of(command)


# ---------------------------------------------------------------- removals

def removes_after(script: Any, start: int, *paths: str) -> bool:
    """True if a command after index ``start`` of ``script`` removes one of ``paths``."""
    return script.removes_after(start, *paths)


def env_truthy(target: "CheckTarget", run: Run, script: Any, command: Any, name: str) -> bool:
    """True if ``name`` is set to a truthy value for ``command`` (see :func:`dockwise.model.runs.env_truthy`)."""
    from dockwise.model.runs import env_truthy as truthy

    return truthy(target.model, run, command, name)


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
