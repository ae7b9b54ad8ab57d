"""gpg without ``--batch`` in a build."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._downloads import GPG, path_key
from dockwise.rules._runs import Run, insert_after, iter_runs, name_word
from dockwise.rules.base import CheckTarget, DockerfileRule


# gpg commands that only print: they never prompt, so --batch changes nothing
GPG_READ_ONLY = ("--version", "--help", "-h", "--list-keys", "-k", "--list-public-keys",
                 "--list-secret-keys", "-K", "--list-sigs", "--check-sigs", "--fingerprint",
                 "--list-packets", "--show-keys", "--print-md", "--list-config", "--dump-options",
                 "--warranty")
# gpg commands that write to stdout unless -o is given: nothing to overwrite, nothing to ask
GPG_TO_STDOUT = ("--export", "--export-ssh-key", "--dearmor", "--enarmor")


# ================================================================ gpg --batch

def _gpg_conf_sets_batch(run: Run) -> bool:
    """The RUN writes ``batch`` into a gpg.conf (then every gpg call is in batch mode)."""
    for command in run.script.commands:
        for redirect in command.redirects:
            if redirect.target is not None and path_key(redirect.target).endswith("gpg.conf"):
                if "batch" in run.script.text_of(command):
                    return True
    return False


class GpgWithoutBatch(DockerfileRule):
    info = RuleInfo(
        code="DW953", name="gpg-without-batch", severity=Severity.INFO,
        summary="gpg runs without `--batch`, so it may try to ask a question during the build.",
        rationale="Without `--batch`, gpg asks before overwriting a file (`--dearmor -o` of an "
                  "existing keyring), deleting a key or trusting one, and GnuPG 2 may start a "
                  "pinentry: in a build there is no terminal to answer, so the RUN fails with "
                  "`cannot open '/dev/tty'` or waits. `--batch` makes gpg decide without asking "
                  "(and fail cleanly when it cannot).",
        bad_example="RUN gpg --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
        good_example="RUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
        aliases=("binnacle:gpgUseBatchFlag",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            calls = run.find(*GPG)
            if not calls or _gpg_conf_sets_batch(run):
                continue
            for command in calls:
                if command.has_option("--batch", "--no-batch") or command.has_option(*GPG_READ_ONLY):
                    continue
                if command.has_option(*GPG_TO_STDOUT) and not command.has_option("-o", "--output"):
                    continue  # `gpg --export KEY | apt-key add -`: writes stdout, never asks
                word = name_word(command)
                yield target.finding(
                    self.info,
                    f"`{command.name}` without `--batch` may stop to ask (overwrite, trust, "
                    f"passphrase) and there is no terminal in a build; add `--batch`.",
                    word.span if word is not None and word.span else command.span,
                    fix=insert_after(run, word, " --batch", "add --batch to gpg"))
