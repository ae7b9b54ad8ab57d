"""CMD and ENTRYPOINT in shell form: the shell, not the application, gets the signals."""

from __future__ import annotations

import json
from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.model.words import body_span, split_body
from dockwise.rules.base import CheckTarget, DockerfileRule


# Characters that make a shell-form command need a shell: converting it to exec form would
# change its meaning, so no fix is offered then.
SHELL_SYNTAX = set("$&|;<>*?`'\"\\(){}[]~#=!")


# Shell builtins and keywords are not programs: exec form would fail with "not found".
SHELL_BUILTINS = {"cd", "export", "source", ".", "set", "unset", "ulimit", "umask", "eval", "trap",
                  "if", "for", "while", "until", "case", "alias", "read", "shift", "wait", "test",
                  "[", "exit", "return", "local", "declare", "typeset", "readonly", "builtin"}


def _exec_form_fix(target: CheckTarget, instr) -> Fix | None:
    body = instr.body.strip()
    if not body or any(ch in SHELL_SYNTAX for ch in body):
        return None
    words = body.split()
    if words[0] == "exec":  # `exec app` in exec form is just `app`, already PID 1
        words = words[1:]
    if not words or words[0] in SHELL_BUILTINS:
        return None
    span = body_span(instr)
    replacement = json.dumps(words)
    return Fix(description="rewrite in exec (JSON array) form",
               edits=(Edit(span.start.offset, span.end.offset, replacement),), safe=False)


class ShellFormCommand(DockerfileRule):
    info = RuleInfo(
        code="DL3025",
        name="json-args-recommended",
        severity=Severity.WARNING,
        summary="Use the exec (JSON) form for CMD, ENTRYPOINT and HEALTHCHECK CMD.",
        rationale=(
            "In shell form PID 1 is /bin/sh, which does not forward SIGTERM: `docker stop` waits "
            "its 10 s grace period and then SIGKILLs the app, with no graceful shutdown (open "
            "connections dropped, buffers lost). It also needs /bin/sh in the image. A shell-form "
            "HEALTHCHECK that uses shell syntax (`curl -f localhost || exit 1`) is left alone "
            "unless the image has no shell: its exec form would start the shell anyway. Under a "
            "PowerShell or cmd SHELL (Windows containers, where stop reaches every process) "
            "shell-form CMD and ENTRYPOINT are not reported."),
        bad_example="FROM python:3.12-slim\nCMD python app.py\n",
        good_example="FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
        aliases=("buildkit:JSONArgsRecommended",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword in ("CMD", "ENTRYPOINT"):
                if instr.json_form or not instr.body.strip() or _windows_shell(target, instr):
                    continue
                body = instr.body.strip()
                if body.startswith("[") and body.endswith("]"):
                    yield target.finding(
                        self.info,
                        f"{instr.keyword} {body[:40]} looks like exec form but is not valid JSON "
                        f"({_json_error(body)}), so Docker runs the whole text with "
                        f"`{_shell_of(target, instr)}`; write a JSON array of double-quoted strings",
                        body_span(instr))
                    continue
                yield target.finding(
                    self.info,
                    f"shell-form {instr.keyword} runs `{_shell_of(target, instr)}`, which does not forward "
                    "SIGTERM: `docker stop` waits 10 s then kills the app; use the exec form "
                    f"{instr.keyword} [\"executable\", \"arg\"]",
                    body_span(instr), fix=_exec_form_fix(target, instr))
            elif instr.keyword == "HEALTHCHECK":
                yield from self._healthcheck(target, instr)

    def _healthcheck(self, target: CheckTarget, instr) -> Iterator[Finding]:
        words = split_body(instr.body, target.dockerfile.escape)
        if not words or words[0].value.upper() != "CMD":
            return
        rest = instr.body[words[0].end:].strip()
        if not rest or rest.startswith("["):
            return
        if any(ch in SHELL_SYNTAX for ch in rest) and not _shell_less(target, instr):
            return  # `curl -f localhost || exit 1` needs the shell: exec form would be `sh -c` again
        start = instr.body.index(rest, words[0].end)
        yield target.finding(
            self.info,
            "shell-form HEALTHCHECK CMD starts `/bin/sh -c` for every probe and breaks on images "
            "without a shell; use HEALTHCHECK CMD [\"executable\", \"arg\"]",
            instr.span_of(start, start + len(rest)))


def _shell_of(target: CheckTarget, instr) -> str:
    """The shell a shell-form instruction runs under (`/bin/sh -c`, or the stage's SHELL)."""
    state = target.model.state_at(instr)
    shell = state.shell if state is not None and state.shell else ["/bin/sh", "-c"]
    return " ".join(shell[:2])


def _shell_less(target: CheckTarget, instr) -> bool:
    """The image has no shell at all: built FROM scratch or a distroless image."""
    from dockwise.model.stages import lineage

    stage = target.model.stage_of(instr)
    root = lineage(stage)[-1] if stage is not None else None
    if root is None:
        return False
    text = (root.base.text or "").lower()
    return root.is_scratch or "distroless" in text or "chainguard/static" in text


WINDOWS_SHELLS = ("pwsh", "powershell", "cmd")


def _windows_shell(target: CheckTarget, instr) -> bool:
    """A shell-form CMD under PowerShell or cmd: a Windows container, where `docker stop` signals
    every process of the container, not PID 1 alone, so the shell does not swallow it."""
    state = target.model.state_at(instr)
    program = (state.shell[0] if state is not None and state.shell else "").replace("\\", "/")
    name = program.rsplit("/", 1)[-1].lower().removesuffix(".exe")
    return name in WINDOWS_SHELLS


def _json_error(body: str) -> str:
    """What makes a bracketed CMD not JSON: a trailing comma, single quotes, or the parser's word."""
    if "'" in body and '"' not in body:
        return "single quotes; JSON strings take double quotes"
    if body[:-1].rstrip().endswith(","):
        return "a trailing comma before `]`"
    try:
        json.loads(body)
    except ValueError as exc:
        return str(exc).split(":", 1)[0].lower()
    return "not an array of strings"
