"""PID 1: an entrypoint script that does not ``exec``, a shell as PID 1 without an init."""

from __future__ import annotations

import os
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.words import instruction_words, word_span
from dockwise.model.stages import effective_instruction
from dockwise.rules._entrypoint import _context_script, _copy_sources_of, _heredoc_scripts, _program_paths
from dockwise.rules.base import CheckTarget, DockerfileRule


SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"}
INITS = {"tini", "tini-static", "dumb-init", "docker-init", "catatonit", "s6-svscan", "init",
         "runsvdir", "supervisord", "s6-overlay", "entrykit", "su-exec-init"}


def _execs_a_program(script_text: str) -> bool:
    """True if the script hands PID 1 over: `exec prog ...` (not a bare `exec` redirection)."""
    from dockwise.model.shell import parse_shell

    script = parse_shell(script_text)
    if not script.posix:
        return True  # not a POSIX shell script: no opinion
    return any("exec" in c.wrappers and c.argv for c in script.commands)


def _last_command_line(text: str) -> str:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line and not line.startswith("#") and line not in ("fi", "done", "esac", "}", ";;"):
            return line
    return ""


def _entry_words(target: CheckTarget, instr) -> list:
    return instruction_words(instr, target.dockerfile.escape)


FORWARDING_TINIS = {"tini", "tini-static", "docker-init"}


def _program(words) -> int:
    """Index of the program PID 1 runs, looking past a `tini [opts] --` wrapper; -1 when an init
    that signals the whole process group (dumb-init, `tini -g`, s6, supervisord) is PID 1 --
    then the app gets SIGTERM whatever the script does."""
    if not words:
        return -1
    first = os.path.basename(words[0].value)
    if first not in INITS:
        return 0
    if first not in FORWARDING_TINIS:
        return -1
    for i, word in enumerate(words[1:], 1):
        if word.value in ("-g", "-pSIGTERM") or (word.value.startswith("-") and "g" in word.value[1:]
                                                 and not word.value.startswith("--")):
            return -1
        if word.value == "--":
            return i + 1 if i + 1 < len(words) else -1
        if not word.value.startswith("-"):
            return i
    return -1


class EntrypointScriptWithoutExec(DockerfileRule):
    info = RuleInfo(
        code="DW601",
        name="entrypoint-script-without-exec",
        severity=Severity.WARNING,
        summary="The ENTRYPOINT script does not `exec` its final command, so the shell stays PID 1.",
        rationale=(
            "A wrapper script that runs the app as a child keeps the shell as PID 1; the shell "
            "does not forward SIGTERM, so `docker stop` waits 10 s and SIGKILLs the app with no "
            "graceful shutdown."),
        bad_example=("# syntax=docker/dockerfile:1\nFROM python:3.12-slim\n"
                     "COPY --chmod=755 <<EOF /entrypoint.sh\n#!/bin/sh\nmigrate\ngunicorn app:app\nEOF\n"
                     "ENTRYPOINT [\"/entrypoint.sh\"]\n"),
        good_example=("# syntax=docker/dockerfile:1\nFROM python:3.12-slim\n"
                      "COPY --chmod=755 <<EOF /entrypoint.sh\n#!/bin/sh\nmigrate\nexec gunicorn app:app\nEOF\n"
                      "ENTRYPOINT [\"/entrypoint.sh\"]\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        if final is None:
            return
        instr = effective_instruction(final, "ENTRYPOINT") or effective_instruction(final, "CMD")
        if instr is None:
            return
        words = _entry_words(target, instr)
        if not words:
            return
        index = _program(words)
        if index >= 0 and os.path.basename(words[index].value) in SHELLS:
            index += 1  # ["sh", "/entrypoint.sh"]: the script is the shell's argument
            if index >= len(words) or words[index].value.startswith("-"):
                return  # `sh -c ...` is DW602's case
        if index < 0:
            return
        script = words[index]
        if not script.value.endswith(".sh") and "/" not in script.value:
            return
        state = target.model.state_at(instr)
        workdir = state.workdir if state else "/"
        scripts = []
        for path in _program_paths(script.value, workdir):
            scripts += [(f"`{source}`", _context_script(target, source))
                        for source in _copy_sources_of(target, path, final)]
            scripts += _heredoc_scripts(target, path, final)
        for source, text in scripts:
            if text is None or _execs_a_program(text):
                continue
            last = _last_command_line(text)
            yield target.finding(
                self.info,
                f"{source} (the {instr.keyword} script) runs its last command `{last[:60]}` as a "
                "child of the shell, so SIGTERM from `docker stop` stops at the shell and never "
                "reaches the app (it is killed after 10 s); start that line with `exec`",
                word_span(instr, script), script=source)
            return


def _shell_c_command(words) -> tuple[int, str] | None:
    """For ``["sh", "-c", "cmd"]``: the index of "cmd" and its text."""
    if len(words) >= 3 and os.path.basename(words[0].value) in SHELLS and words[1].value == "-c":
        return 2, words[2].value
    return None


class ShellAsPid1(DockerfileRule):
    info = RuleInfo(
        code="DW602",
        name="shell-as-pid1-without-init",
        severity=Severity.WARNING,
        summary="A shell runs several commands as PID 1 with no init to forward signals.",
        rationale=(
            "`sh -c \"a && b\"` keeps the shell as PID 1 while `b` runs; the shell ignores "
            "SIGTERM, so `docker stop` waits 10 s and SIGKILLs. It does not reap zombies either."),
        bad_example="FROM python:3.12-slim\nCMD [\"sh\", \"-c\", \"migrate && gunicorn app:app\"]\n",
        good_example=("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends tini\n"
                      "ENTRYPOINT [\"tini\", \"--\"]\nCMD [\"sh\", \"-c\", \"migrate && exec gunicorn app:app\"]\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        if final is None:
            return
        entry = effective_instruction(final, "ENTRYPOINT")
        cmd = effective_instruction(final, "CMD")
        instr = entry or cmd
        if instr is None or not instr.json_form:
            return
        words = instruction_words(instr, target.dockerfile.escape)
        if not words or os.path.basename(words[0].value) in INITS:
            return  # an init is PID 1: it reaps and forwards; DW601 judges what it starts
        found = _shell_c_command(words)
        if found is None:
            return
        index, text = found
        if len(text) > 4096:
            return
        from dockwise.model.shell import parse_shell

        script = parse_shell(text)
        commands = [c for c in script.commands if not c.in_condition]
        if len(commands) < 2 or any("exec" in c.wrappers for c in script.commands):
            return
        yield target.finding(
            self.info,
            f"`{words[0].value} -c` stays PID 1 while its commands run and does not forward "
            "SIGTERM (`docker stop` waits 10 s, then kills); `exec` the last command, or run an "
            "init (`ENTRYPOINT [\"tini\", \"--\"]`, `docker run --init`)",
            word_span(instr, words[index]))
