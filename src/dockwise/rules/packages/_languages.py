"""Family 8: language package-manager caches baked into layers, and unpinned language packages.

pip (DL3042 cache, DL3013 pins), yarn (DL3060), npm (DW801 cache, DL3016 pins), gem (DW802
documentation, DL3028 pins), poetry (DW803). A cache counts as handled when the RUN disables
it, cleans it after the install, or puts it on a ``RUN --mount=type=cache`` (or tmpfs) mount --
the mount is the better advice: the cache survives between builds but never reaches a layer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dockwise.rules._runs import (
    Invocation, Run, command_span, expanded, invocation, iter_runs, position_of, removes_after, word_value,
)
from dockwise.rules.base import CheckTarget


_PIP_NAME = re.compile(r"pip(?:\d(?:\.\d+)?)?")
_PYTHON_NAME = re.compile(r"python(?:\d(?:\.\d+)?)?")
PIP_VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
    "--find-links", "-t", "--target", "--prefix", "--root", "-e", "--editable", "--trusted-host",
    "--cache-dir", "--src", "--platform", "--python-version", "--implementation", "--abi", "--log",
    "--proxy", "--retries", "--timeout", "--progress-bar", "--no-binary", "--only-binary", "-d", "--dest",
    "--upgrade-strategy", "--python", "--build", "-b", "--root-user-action", "--config-settings",
    "-C", "--global-option", "--install-option", "--cert", "--client-cert", "--exists-action",
    "--report", "--pip-args", "--suffix", "--spec",
})


# ---------------------------------------------------------------- finding pip / npm / gem calls

def pip_calls(target: CheckTarget, *, pipx: bool = False) -> Iterator[tuple[Run, Any, Invocation]]:
    """``pip install`` in all its spellings: pip, pip3, pip3.12, ``python -m pip``, pipx."""
    for run in iter_runs(target):
        for name, commands in run.by_name.items():
            as_module = False
            if _PIP_NAME.fullmatch(name) or (pipx and name == "pipx"):
                pass
            elif _PYTHON_NAME.fullmatch(name):
                as_module = True
            else:
                continue
            for command in commands:
                if not as_module:
                    inv = run.invocation(command, PIP_VALUE_OPTIONS)
                elif [word_value(w) for w in command.args[:2]] == ["-m", "pip"]:
                    inv = invocation(command, PIP_VALUE_OPTIONS, words=list(command.args[2:]))
                else:
                    continue
                if inv.sub == "install":
                    yield run, command, inv


def tool_calls(target: CheckTarget, names: tuple[str, ...], value_options: frozenset[str]
               ) -> Iterator[tuple[Run, Any, Invocation]]:
    for run in iter_runs(target):
        for command in run.find(*names):
            yield run, command, run.invocation(command, value_options)


def known_operands(target: CheckTarget, run: Run, inv: Invocation) -> list[tuple[Any, str]]:
    """(word, value) of the operands whose value is known (no unresolved variable)."""
    found = []
    for word in inv.operands:
        text = expanded(target, run, word)
        if text and "$" not in text and "`" not in text:
            found.append((word, text))
    return found


def span_of_call(inv: Invocation):
    return command_span(inv.command, inv.subcommand)


def label(inv: Invocation) -> str:
    words = [word_value(w) for w in inv.command.argv]
    if inv.subcommand is None:
        return str(inv.command.name)
    for i, w in enumerate(inv.command.argv):
        if w is inv.subcommand:
            return " ".join(words[: i + 1]) if i <= 3 else f"{inv.command.name} {inv.sub}"
    return f"{inv.command.name} {inv.sub}"


def cleaned_later(run: Run, command: Any, *paths: str, cleaner: tuple[str, ...] = ()) -> bool:
    """The cache is removed (rm of one of ``paths``) or cleaned (``cleaner`` command words, e.g.
    ("npm", "cache", "clean"), or a tuple of such alternatives) after ``command`` in the same RUN."""
    index = position_of(run.script, command)
    if removes_after(run.script, index, *paths):
        return True
    choices = cleaner if cleaner and isinstance(cleaner[0], tuple) else (cleaner,) if cleaner else ()
    for later in run.script.commands[index + 1:]:
        for words_wanted in choices:
            if later.name == words_wanted[0]:
                words = [word_value(w) for w in later.args if not word_value(w).startswith("-")]
                if words[: len(words_wanted) - 1] == list(words_wanted[1:]):
                    return True
    return False
