"""TLS certificate or package signature checks turned off for a download or an install."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.verification_off import (
    APT_INSECURE_SETTINGS, CONFIG_KEYS_OFF, EFFECTS, FALSE_WORDS, INSECURE_OPTIONS, PROGRAM_FAMILY, SIGNATURES,
    env_turns_off,
)
from dockwise.model.stages import all_instructions
from dockwise.model.words import assignments, word_span
from dockwise.rules._runs import Run, iter_runs, word_value
from dockwise.rules.base import CheckTarget, DockerfileRule

_PIP = lazy_compile(r"pip(?:\d(?:\.\d+)?)?")
_PYTHON = lazy_compile(r"python(?:\d(?:\.\d+)?)?")
_TRUSTED_SOURCE = lazy_compile(r"\[[^\]]*\btrusted=yes\b[^\]]*\]")

_ADVICE = {
    "TLS certificate checks": "anyone on the network path, or a hijacked DNS entry, can swap what is "
                              "downloaded. If a private CA is the reason, install its certificate "
                              "(`COPY ca.crt /usr/local/share/ca-certificates/` then "
                              "`update-ca-certificates`) instead",
    SIGNATURES: "a tampered or substituted package installs without complaint. Import the "
                "repository's signing key instead",
}


def _program(command: Any) -> str | None:
    """The option table a command is read with (``python -m pip`` reads as pip)."""
    name = command.name or ""
    if _PYTHON.fullmatch(name) and [word_value(w) for w in command.args[:2]] == ["-m", "pip"]:
        return "pip"
    if _PIP.fullmatch(name):
        return "pip"
    return PROGRAM_FAMILY.get(name, name)


class VerificationTurnedOff(DockerfileRule):
    info = RuleInfo(
        code="DW955", name="verification-turned-off", severity=Severity.WARNING,
        summary="A download or install runs with TLS certificate or package signature checks turned off.",
        rationale="`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, "
                  "`apk --allow-untrusted`, `apt-get --allow-unauthenticated`, `--nogpgcheck`, "
                  "`git -c http.sslVerify=false`, `NODE_TLS_REJECT_UNAUTHORIZED=0` and their kin "
                  "accept whatever arrives: a machine on the network path, a hijacked DNS entry or "
                  "a compromised mirror can replace the file or package, and the build ships it. "
                  "Set in `ENV`, the setting also stays on in every container run from the image. "
                  "Fix the cause instead: install the private CA certificate the proxy or mirror "
                  "uses, or import the repository's signing key.",
        bad_example="RUN curl -fsSLk -o /tmp/tool.tgz https://downloads.example.com/tool-1.2.3.tgz",
        good_example="RUN curl -fsSL -o /tmp/tool.tgz https://downloads.example.com/tool-1.2.3.tgz",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for command in run.script.commands:
                yield from self._command(target, run, command)
        for instr in all_instructions(target.model):
            if instr.keyword not in ("ARG", "ENV"):
                continue
            for pair in assignments(instr, target.dockerfile.escape):
                what = env_turns_off(pair.name_text, pair.value)
                if what is not None:
                    stays = (" and stays set in every container run from the image"
                             if instr.keyword == "ENV" else "")
                    yield self._finding(target, f"`{instr.keyword} {pair.name_text}={pair.value}`", what,
                                        word_span(instr, pair.name), stays)

    def _command(self, target: CheckTarget, run: Run, command: Any) -> Iterator[Finding]:
        program = _program(command)
        options = INSECURE_OPTIONS.get(program or "")
        if options:
            word = command.option(*options)
            if word is not None:
                flag = word_value(word) or word.text
                option = next((o for o in options if flag == o or flag.startswith(o + "=")), None) \
                    or next(o for o in options if len(o) == 2 and o[1] in flag)
                shown = "pip" if program == "pip" else command.name
                yield self._finding(target, f"`{shown} {option}`", options[option], word.span,
                                    effect=EFFECTS.get(option))
                return
        found = _setting_words(command, program)
        if found is not None:
            word, what, shown = found
            yield self._finding(target, shown, what, word.span)
            return
        for word in _assignment_words(command):
            name, _, value = (word_value(word) or "").partition("=")
            what = env_turns_off(name, value)
            if what is not None:
                yield self._finding(target, f"`{name}={value}`", what, word.span)

    def _finding(self, target: CheckTarget, setting: str, what: str, span: Any,
                 stays: str = "", effect: tuple[str, str] | None = None) -> Finding:
        does, advice = effect or (f"turns off {what}", _ADVICE[what])
        return target.finding(self.info, f"{setting} {does}{stays}: {advice}.", span)


def _setting_words(command: Any, program: str | None) -> tuple[Any, str, str] | None:
    """An option value or configuration command that turns a check off: apt's `-o` settings,
    `git -c http.sslVerify=false`, `git config http.sslVerify false`, `npm config set strict-ssl
    false`, an apt source line marked `[trusted=yes]`."""
    values = [word_value(w) or "" for w in command.args]
    for i, (word, value) in enumerate(zip(command.args, values)):
        lowered = value.lower()
        key, eq, setting = lowered.partition("=")
        if program == "apt-get" and eq and key in APT_INSECURE_SETTINGS and setting.strip('"') in FALSE_WORDS | {"true", "1", "yes"}:
            off = APT_INSECURE_SETTINGS[key]
            verify_key = key.endswith("verify-peer") or key.endswith("verify-host")
            if (setting.strip('"') in FALSE_WORDS) == verify_key:
                return word, off, f"`{command.name} -o {value}`"
        if program in ("git", "npm", "yarn", "pnpm") and eq and key in CONFIG_KEYS_OFF and setting in FALSE_WORDS:
            before = "-c " if i and values[i - 1] == "-c" else ""
            return word, CONFIG_KEYS_OFF[key], f"`{command.name} {before}{value}`"
        if (program in ("git", "npm", "yarn", "pnpm") and not eq and lowered in CONFIG_KEYS_OFF
                and i + 1 < len(values) and values[i + 1].lower() in FALSE_WORDS):
            return word, CONFIG_KEYS_OFF[lowered], f"`{' '.join([command.name, *values[:i + 2]])}`"
        if program == "npm" and lowered.startswith("--strict-ssl=") and setting in FALSE_WORDS:
            return word, CONFIG_KEYS_OFF["strict-ssl"], f"`npm {value}`"
        if (program in ("echo", "printf", "tee") and _TRUSTED_SOURCE.search(value)
                and "file:" not in value and "copy:" not in value):  # a local repository has nothing to intercept
            return word, SIGNATURES, "`[trusted=yes]` on an apt source line"
    return None


def _assignment_words(command: Any) -> list[Any]:
    """``VAR=x cmd``, ``env VAR=x cmd`` and ``export VAR=x`` words."""
    words = list(command.assignments)
    if command.name == "export":
        words.extend(w for w in command.args if "=" in (word_value(w) or ""))
    return words
