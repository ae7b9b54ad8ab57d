"""A version constraint the shell reads as a redirection (``pip install flask>=2.0``).

Unquoted, ``>`` and ``<`` in a shell word start a redirection: ``flask>=2.0`` installs the newest
flask and writes pip's output to a file named ``=2.0``; ``flask<3`` reads the package list from a
file named ``3`` and fails, or installs something else. The pin the author wrote never reaches
the installer -- and a rule that checks pins sees a package without one and says only that.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import iter_runs
from dockwise.rules.base import CheckTarget, DockerfileRule


# Installers whose package arguments take comparison constraints (``name>=1``, ``name@>=1``).
INSTALLERS = frozenset({
    "pip", "pip3", "pipx", "uv", "python", "python3", "conda", "mamba", "micromamba",
    "npm", "yarn", "pnpm", "apk", "gem",
})
_REDIRECT_OPERATORS = (">", ">>", "<")


class VersionSpecAsRedirect(DockerfileRule):
    info = RuleInfo(
        code="DW203",
        name="version-constraint-read-as-redirect",
        severity=Severity.ERROR,
        summary="Quote version constraints: the shell reads an unquoted `>` or `<` as a redirection.",
        rationale=("`pip install flask>=2.0` does not pin flask: the shell takes `>=2.0` as "
                   "\"write the output to a file named =2.0\", so the newest flask is installed "
                   "and a stray file lands in the image; `flask<3` reads from a file named `3` "
                   "and fails. The same holds for npm (`lodash@>=4`), apk and conda constraints."),
        bad_example="FROM python:3.12.4-slim\nRUN pip install --no-cache-dir flask>=2.0\n",
        good_example="FROM python:3.12.4-slim\nRUN pip install --no-cache-dir 'flask>=2.0'\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for command in run.script.commands:
                if _program(command) not in INSTALLERS:
                    continue
                for redirect in command.redirects:
                    finding = self._glued_constraint(target, run.script, command, redirect)
                    if finding is not None:
                        yield finding

    def _glued_constraint(self, target: CheckTarget, script: Any, command: Any,
                          redirect: Any) -> Finding | None:
        word = redirect.target
        if redirect.operator not in _REDIRECT_OPERATORS or redirect.fd or word is None:
            return None
        text = script.text
        start = word.start - len(redirect.operator)
        if start < 0 or text[start:word.start] != redirect.operator:
            return None  # a space between operator and file: a deliberate redirection
        if not (word.text[:1] == "=" or word.text[:1].isdigit()):
            return None
        package = next((w for w in command.args if w.end == start), None)
        if package is None:
            return None  # `pip install x >=1`: a blank before the operator
        constraint = redirect.operator + word.text
        name = package.text.rstrip("@") or package.text
        return target.finding(
            self.info,
            f"`{package.text}{constraint}` is not quoted: the shell reads `{constraint}` as a "
            f"redirection, so `{name}` is installed without the constraint"
            + (f" and a file `{word.text}` is written" if redirect.operator != "<" else "")
            + f"; write `'{package.text}{constraint}'`",
            script.span_of(package.start, word.end))


def constraint_read_as_redirect(script: Any, command: Any) -> set[int]:
    """Start offsets of the package words of ``command`` whose version constraint the shell took
    as a redirection (``flask>=2.0``): DW203 reports them, so pin rules leave them to it."""
    starts = set()
    for redirect in command.redirects:
        word = redirect.target
        if redirect.operator not in _REDIRECT_OPERATORS or redirect.fd or word is None:
            continue
        start = word.start - len(redirect.operator)
        if start < 0 or script.text[start:word.start] != redirect.operator:
            continue
        if word.text[:1] == "=" or word.text[:1].isdigit():
            starts.add(start)
    return {w.start for w in command.args if w.end in starts}


def _program(command: Any) -> str | None:
    name = command.name or ""
    return name.rsplit("/", 1)[-1] if name else None
