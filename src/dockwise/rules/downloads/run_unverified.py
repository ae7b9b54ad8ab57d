"""A download run as a program the moment it arrives: ``curl ... | sh``, ``| python3 -``."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.shell import SCRIPT_INTERPRETERS
from dockwise.rules._runs import command_span, iter_runs
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.syntax.tree import Span


class DownloadRunUnverified(DockerfileRule):
    info = RuleInfo(
        code="DW954", name="download-run-unverified", severity=Severity.WARNING,
        summary="A script is downloaded and run in one go, without a checksum or signature check.",
        rationale="`curl ... | sh` runs whatever the server sends at build time, as root: a "
                  "compromised server, CDN or DNS entry, or a script changed upstream, runs its own "
                  "code in your build and in the image you ship, and a download cut off half-way "
                  "runs half a script. Nothing records which script ran, so the build is not "
                  "reproducible either. Download the script to a file, check it against a pinned "
                  "`sha256sum` (or its publisher's signature), then run the file -- or install the "
                  "tool from a package or a pinned release.",
        bad_example="RUN curl -fsSL https://get.example.com/install.sh | sh",
        good_example=(
            "RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.4.2/install.sh \\\n"
            " && echo \"3f5a9c0d2e7b1f4a6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b  /tmp/install.sh\""
            " | sha256sum -c - \\\n && sh /tmp/install.sh && rm /tmp/install.sh"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for downloader, runner in run.script.executed_downloads(*SCRIPT_INTERPRETERS):
                how = (f"hands it to `{runner.name}` as its program" if downloader.in_substitution
                       else f"pipes it into `{runner.name}`")
                yield target.finding(
                    self.info,
                    f"`{downloader.name}` fetches a script and {how}, so it runs, unchecked, "
                    f"whatever the server sends that day (a compromised or changed script ships in "
                    f"the image). Save it to a file, verify a pinned `sha256sum` or signature, then "
                    f"run the file.",
                    _pair_span(downloader, runner))


def _pair_span(downloader, runner) -> Span | None:
    """From the downloader to the program that runs its output (the whole ``curl ... | sh``)."""
    first, last = command_span(downloader), command_span(runner)
    if first is None or last is None:
        return runner.span
    if downloader.in_substitution:
        return runner.span or last
    return Span(first.start, last.end)
