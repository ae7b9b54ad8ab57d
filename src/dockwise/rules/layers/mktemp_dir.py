"""A ``mktemp -d`` directory the RUN never removes."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._downloads import (
    RunPaths, _mounted, _resolve, _tail, covers, option_values, path_key, run_paths,
)
from dockwise.rules._runs import Run, command_span, iter_runs, removed_paths, ships
from dockwise.rules.base import CheckTarget, DockerfileRule


MKTEMP_VALUE_OPTIONS = frozenset({"-p", "--suffix"})


_ASSIGNED_FROM = lazy_compile(r"([A-Za-z_][A-Za-z0-9_]*)=[\"']?(?:\$\(|`)\s*$")
_X_RUN = lazy_compile(r"X{3,}$")


# ================================================================ mktemp -d

def _mktemp_pattern(command: Any, paths: RunPaths) -> str:
    """Where ``mktemp -d`` creates its directory, as a glob (``/tmp/tmp.*`` by default)."""
    template = command.positionals(MKTEMP_VALUE_OPTIONS)
    directory = option_values(command, "-p") + [
        _tail(w, len("--tmpdir=")) for w in command.args if (w.value or "").startswith("--tmpdir=")]
    name = path_key(template[0]) if template else "tmp.XXXXXXXXXX"
    name = _X_RUN.sub("*", name)
    if name.startswith(("/", "$")):
        return posixpath.normpath(name)
    if directory:
        return _resolve(name, path_key(directory[-1]))
    if template and not command.has_option("-t", "--tmpdir"):
        return _resolve(name, paths.cwd.get(id(command)))
    return posixpath.join("/tmp", name)


def _assigned_variable(script: Any, command: Any) -> str | None:
    """``NAME`` of ``NAME="$(mktemp -d)"`` / ``export NAME=`mktemp -d```, when so assigned."""
    if not command.in_substitution:
        return None
    match = _ASSIGNED_FROM.search(script.text[max(command.start - 200, 0):command.start])
    return match.group(1) if match else None


def _removes_variable(command: Any, name: str) -> bool:
    """``rm -rf "$NAME"`` (or ``$NAME/*``, ``${NAME}``), a ``trap`` that will do it, or
    ``mv "$NAME" DEST`` (then it is no temporary directory)."""
    wanted = "$" + name
    if command.name == "mv":  # `mv "$tmp" /opt/app`: the directory becomes the product
        return any(path_key(w).rstrip("/") == wanted for w in command.positionals()[:-1])
    if command.name == "trap":
        text = " ".join(path_key(w) for w in command.args)
        return "rm " in text and (wanted + " " in text + " " or wanted + "/" in text
                                  or wanted + '"' in text)
    for word in removed_paths(command):
        key = path_key(word)
        if key in (wanted, wanted + "/", wanted + "/*", wanted + "/."):
            return True  # `rm -rf "$d"/*` leaves an empty directory: nothing to speak of
    return False


class MktempDirNotRemoved(DockerfileRule):
    info = RuleInfo(
        code="DW304", name="mktemp-dir-not-removed", severity=Severity.INFO,
        summary="A `mktemp -d` directory is not removed in the same RUN, so it ships in the layer.",
        rationale="A temporary directory made with `mktemp -d` (a GNUPGHOME keyring, a build tree) "
                  "outlives the RUN: whatever was put in it is stored in the layer under a random "
                  "name nobody will look for, and a keyring left there keeps the imported keys and "
                  "gpg-agent sockets in the image. Remove it before the RUN ends "
                  "(`rm -rf \"$GNUPGHOME\"`); a later RUN only hides it (DW301).",
        bad_example="RUN export GNUPGHOME=\"$(mktemp -d)\" \\\n"
                    "    && gpg --batch --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
        good_example="RUN export GNUPGHOME=\"$(mktemp -d)\" \\\n"
                     "    && gpg --batch --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4 \\\n"
                     "    && gpgconf --kill all && rm -rf \"$GNUPGHOME\"",
        aliases=("binnacle:rmRecursiveAfterMktempD",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            # a bare `mktemp -d` only prints its name: nothing can be put in the directory
            made = [c for c in run.find("mktemp")
                    if c.has_option("-d", "--directory") and c.in_substitution]
            if not made or not ships(target, run):
                continue
            paths = run_paths(target, run)
            for command in made:
                if not self._left_behind(run, paths, command):
                    continue
                variable = _assigned_variable(run.script, command)
                held = f" (held in ${variable})" if variable else ""
                removal = f'rm -rf "${variable}"' if variable else "rm -rf <the directory>"
                yield target.finding(
                    self.info,
                    f"`mktemp -d` makes a directory{held} that this RUN never removes: it and "
                    f"everything put in it stay in the layer. Add `{removal}` before the RUN ends.",
                    command_span(command, command.option("-d", "--directory")))

    def _left_behind(self, run: Run, paths: RunPaths, command: Any) -> bool:
        pattern = _mktemp_pattern(command, paths)
        if _mounted(run, posixpath.dirname(pattern) or "/"):
            return False
        variable = _assigned_variable(run.script, command)
        for later in run.script.commands:
            if later.start <= command.start:
                continue
            if variable and _removes_variable(later, variable):
                return False
            for word in removed_paths(later):
                if covers(paths.of(word, later), pattern):
                    return False
        return True
