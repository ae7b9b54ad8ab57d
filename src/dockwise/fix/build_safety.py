"""Shapes that make a build fail, compared before and after a round of fixes.

A fix may parse and still break the build. Two shapes are looked for, each counted per
Dockerfile so that a fix is blamed only for the ones it brings:

- a package install without its index: ``apt-get install`` (``build-dep``, ``source``,
  ``download``) runs when no ``apt-get update`` filled /var/lib/apt/lists -- not earlier in
  its RUN, not in an earlier RUN of its stage's lineage whose lists are still there. A
  cleanup appended to a standalone ``RUN apt-get update`` makes the next RUN's install fail
  this way (official Debian and Ubuntu images ship with empty lists).
- a command that needs root after a non-root ``USER``: a package manager that installs or
  a ``useradd``/``groupadd`` in a RUN that runs as another user fails with "permission
  denied" (exit 100 for apt-get).

:func:`broken_shapes` names the shapes ``new`` has more of than ``old``; the fix loop refuses a
round that brings one.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.build import BuildModel
    from dockwise.model.shell import Command, ShellScript

APT_LISTS = "/var/lib/apt/lists"
APT_PROGRAMS = frozenset({"apt-get", "apt", "aptitude"})
NEEDS_INDEX = frozenset({"install", "build-dep", "source", "download"})
# (program, subcommand or None for any): what only root may run
ROOT_ONLY = {"apt-get": NEEDS_INDEX | {"update", "upgrade", "dist-upgrade", "remove", "purge"},
             "apt": NEEDS_INDEX | {"update", "upgrade", "full-upgrade", "remove", "purge"},
             "apk": {"add", "del", "update", "upgrade"},
             "dnf": {"install", "upgrade", "update", "remove"},
             "yum": {"install", "upgrade", "update", "remove"},
             "microdnf": {"install", "update", "remove"},
             "zypper": {"install", "in", "update", "up", "remove", "rm"},
             "useradd": None, "groupadd": None, "adduser": None, "addgroup": None}


def broken_shapes(old: str, new: str, path: str = "Dockerfile") -> list[str]:
    """The build-breaking shapes ``new`` has more of than ``old``, one line each (empty when
    ``new`` brings none, or when either text does not parse: the loop's parse check says so)."""
    before, after = _shapes(old, path), _shapes(new, path)
    if before is None or after is None:
        return []
    return [shape for shape, count in sorted(after.items()) if count > before[shape]]


def _shapes(text: str, path: str) -> "Counter[str] | None":
    from dockwise.model import build_model
    from dockwise.syntax import parse_dockerfile

    try:
        model = build_model(parse_dockerfile(text, path=path))
    except Exception:  # noqa: BLE001 - an unparsable text is the parse check's business
        return None
    return _index_gaps(model) + _root_after_user(model)


def _scripts(model: "BuildModel", stage) -> "list[tuple[object, ShellScript]]":
    from dockwise.model.runs import run_script

    return [(instr, run_script(model, instr)) for instr in stage.instructions if instr.keyword == "RUN"]


def _index_gaps(model: "BuildModel") -> "Counter[str]":
    """Each apt install that runs with no package lists, by what it installs."""
    gaps: Counter[str] = Counter()
    lists_at_end: dict[int, bool] = {}
    for stage in model.stages:
        present = lists_at_end.get(stage.base_stage.index, False) if stage.base_stage is not None else False
        for _instr, script in _scripts(model, stage):
            for command in script.commands:
                if _removes_lists(command):
                    present = False
                if command.name not in APT_PROGRAMS:
                    continue
                inv = command.invocation()
                if inv.sub == "update":
                    present = True
                elif inv.sub == "dist-clean":
                    present = False
                elif inv.sub in NEEDS_INDEX and not present and not _local_debs(inv):
                    # keyed by what it installs, not how: `apt` made `apt-get`, an option
                    # added, is the same install
                    gaps[f"an apt `{inv.sub}` without `apt-get update` before it ({_operands(inv)})"] += 1
        lists_at_end[stage.index] = present
    return gaps


def _removes_lists(command: "Command") -> bool:
    from dockwise.model.shell.command import word_value
    from dockwise.model.shell.paths import path_covers, removed_words

    return any(path_covers(word_value(word), APT_LISTS) for word in removed_words(command))


def _local_debs(inv) -> bool:
    words = [w.value or w.text for w in inv.operands]
    return bool(words) and all(w.endswith(".deb") for w in words)


def _operands(inv) -> str:
    words = [w.value or w.text for w in inv.operands]
    return " ".join(words[:4]) + (" ..." if len(words) > 4 else "") if words else "no packages"


def _root_after_user(model: "BuildModel") -> "Counter[str]":
    """Each command that needs root in a RUN that runs as another user, by the command."""
    from dockwise.model.stages import is_root_user

    found: Counter[str] = Counter()
    for stage in model.stages:
        for instr, script in _scripts(model, stage):
            state = model.state_at(instr)
            user = state.user.text if state is not None and state.user is not None else None
            if user is None or is_root_user(user) or "$" in user:
                continue
            for command in script.commands:
                if "sudo" in command.wrappers or "su" in command.wrappers:
                    continue
                subs = ROOT_ONLY.get(command.name or "", ())
                sub = command.invocation().sub
                if subs is None or sub in subs:
                    what = command.name if subs is None else f"{command.name} {sub}"
                    found[f"`{what}` after `USER {user}` (it needs root)"] += 1
    return found
