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
from dockwise.findings import Edit, Fix
from dockwise.model.runs import (  # noqa: F401  (re-exported for the rules)
    FALSY, TRUTHY, Run, cache_mounted, collect_runs, expanded_word, normalize, prefix_assignments,
    run_mounts as mounts, scoped_value as _scoped_value,
)
from dockwise.model.shell.command import Invocation, word_value  # noqa: F401
from dockwise.model.shell.paths import REMOVERS, is_under, path_covers, removed_words as removed_paths  # noqa: F401
from dockwise.model.stages import shipped_stage_indexes, ships as stage_ships

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.rules.base import CheckTarget
    from dockwise.syntax.tree import Instruction, Span


def iter_runs(target: "CheckTarget") -> list[Run]:
    """Every RUN and ONBUILD RUN of the file, in order, with its (cached) shell script."""
    return target.memo("runs", lambda: collect_runs(target.model, target.shell))


def shipping_stage_indexes(target: "CheckTarget") -> frozenset[int]:
    """Indexes of the final stage and the stages it is built FROM (their layers ship)."""
    return shipped_stage_indexes(target.model)


def ships(target: "CheckTarget", run: Run) -> bool:
    """True when the layer this RUN writes ends up in the image (ONBUILD always may)."""
    return run.onbuild or stage_ships(target.model, run.outer)


def expanded(target: "CheckTarget", run: Run, word: Any) -> str:
    """A word with the ARG/ENV values in scope substituted (unknown ones left as written)."""
    return expanded_word(target.model, run.outer, word)


def scoped_value(target: "CheckTarget", instr: "Instruction", name: str) -> str | None:
    """The value of ENV/ARG ``name`` in scope at ``instr`` (file order when there is no FROM)."""
    return _scoped_value(target.model, instr, name)


# ---------------------------------------------------------------- words and commands

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
                     source: str, hint: str, distro_mirror: str | None = None) -> Any:
    """One finding per install command listing its unpinned packages, at the first of them (an
    ARG or ENV that expands to several packages counts each of them). ``distro_mirror``: the
    packages come from a distribution mirror that keeps only its current versions, so the
    advice is the base image's digest and a snapshot mirror instead of a pin that will break."""
    names = list(dict.fromkeys(name for _, text in unpinned for name in text.split()))
    shown = ", ".join(f"`{n}`" for n in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    verb, pronoun = ("is", "it") if len(names) == 1 else ("are", "them")
    first_word = unpinned[0][0]
    example = hint.replace("{}", names[0])
    span = first_word.span or command_span(inv.command, inv.subcommand_word)
    if distro_mirror is not None:
        return target.finding(
            info,
            f"{shown} {verb} installed without a version: each build takes whatever {source} serves "
            f"that day. A version pin (`{example}`) breaks the build as soon as the mirror drops that "
            f"version; for repeatable builds pin the base image by digest and, where it matters, "
            f"install from {distro_mirror}.",
            span, packages=names)
    return target.finding(
        info,
        f"{shown} {verb} installed without a version: each build takes whatever {source} serves that "
        f"day, so images drift and rebuilds can break; pin {pronoun} (`{example}`).",
        span, packages=names)
