"""A sudoers rule without a password: the non-root user is root in all but name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import iter_runs, ships, word_value
from dockwise.rules.base import CheckTarget, DockerfileRule

SUDOERS = ("/etc/sudoers",)


def _writes_sudoers(command: Any) -> bool:
    """The command writes a sudoers file: a redirect, ``tee``, ``sed -i`` or ``cp``/``install`` to it."""
    if any(r.target is not None and (r.target.value or "").startswith(SUDOERS)
           for r in command.redirects if r.writes_file):
        return True
    return command.name in ("tee", "sed", "cp", "install", "mv") and any(
        (word_value(w) or "").startswith(SUDOERS) for w in command.args)


class PasswordlessSudo(DockerfileRule):
    info = RuleInfo(
        code="DW504", name="passwordless-sudo", severity=Severity.WARNING,
        summary="The image gives a user passwordless sudo, which makes the non-root user root-equivalent.",
        rationale="`USER app` protects the host only if `app` cannot become root. A sudoers line "
                  "with `NOPASSWD` lets any process running as that user -- including an attacker "
                  "who got in through the application -- run anything as root with `sudo`, so the "
                  "non-root USER buys nothing. Do the root work at build time (RUN before USER), or "
                  "grant the one command that needs it, with a password or not at all.",
        bad_example="RUN useradd -u 10001 app && echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers\nUSER 10001",
        good_example="RUN useradd -u 10001 app\nUSER 10001",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            if not ships(target, run):
                continue
            for command in run.script.commands:
                grant = next((w for w in command.args if "NOPASSWD" in (word_value(w) or w.text)), None)
                if grant is None:
                    continue
                if not (_writes_sudoers(command) or _piped_into_sudoers(run.script, command)):
                    continue
                rule = word_value(grant) or grant.text
                if "ALL" in rule.split("NOPASSWD", 1)[1]:
                    effect = "can become root without a password"
                else:
                    effect = ("can run the listed commands as root without a password (package "
                              "managers, editors and shells among them open a root shell)")
                yield target.finding(
                    self.info,
                    f"this RUN writes a sudoers rule with `NOPASSWD`: the user it names {effect}, so "
                    f"running the container as non-root protects little. Do the root steps before "
                    f"`USER`, and drop sudo from the image.",
                    grant.span)


def _piped_into_sudoers(script: Any, command: Any) -> bool:
    """``echo '... NOPASSWD ...' | tee -a /etc/sudoers``."""
    if command.pipeline is None:
        return False
    return any(other.pipeline == command.pipeline and other.pipeline_index > command.pipeline_index
               and _writes_sudoers(other) for other in script.commands)
