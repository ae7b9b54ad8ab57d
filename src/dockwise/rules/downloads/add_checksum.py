"""``ADD <url>`` without ``--checksum``: a remote file nobody checks."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.copies import copy_sources
from dockwise.rules._runs import iter_runs
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules._downloads import verifies


def _is_git_source(url: str) -> bool:
    """BuildKit reads these as git repositories (``--checksum`` then means a commit)."""
    lower = url.lower()
    path = lower.split("#", 1)[0].split("?", 1)[0]
    return lower.startswith(("git@", "git://", "ssh://")) or path.endswith(".git") or "#" in lower


class AddUrlWithoutChecksum(DockerfileRule):
    info = RuleInfo(
        code="DW956", name="add-url-without-checksum", severity=Severity.WARNING,
        summary="`ADD <url>` downloads a file that nothing checks; add `--checksum=sha256:...`.",
        rationale="ADD fetches the URL at build time and puts whatever the server answers into the "
                  "image: a file replaced upstream, a compromised server or a man in the middle "
                  "changes the image without any change to the Dockerfile, and a rebuild is not the "
                  "build you tested. `ADD --checksum=sha256:<digest> <url>` (BuildKit, Dockerfile "
                  "syntax 1.6+) fails the build when the bytes differ; or verify the file with "
                  "`sha256sum -c` in the RUN that uses it.",
        bad_example="ADD https://downloads.example.com/tool-1.2.3.tar.gz /tmp/",
        good_example=("# syntax=docker/dockerfile:1\nFROM debian:12.8\n"
                      "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
                      "https://downloads.example.com/tool-1.2.3.tar.gz /tmp/\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        verified = _verifying_runs(target)
        for stage in target.model.stages:
            for instr in stage.instructions:
                if instr.keyword != "ADD" or instr.flag("checksum") is not None:
                    continue
                remote = [s for s in copy_sources(target.model, instr)
                          if s.is_url and not _is_git_source(s.text)]
                if not remote or _checked_later(stage, instr, remote[0].text, verified):
                    continue
                source = remote[0]
                yield target.finding(
                    self.info,
                    f"`ADD {source.text}` puts whatever the server answers into the image, unchecked: "
                    f"a file changed upstream or swapped on the way changes the image with no change "
                    f"here. Add `--checksum=sha256:<digest>` (BuildKit verifies it), or check the file "
                    f"with `sha256sum -c` in the RUN that uses it.",
                    source.span)


def _verifying_runs(target: CheckTarget) -> dict[int, str]:
    """The RUNs that check a checksum or a signature: their offset and their text."""
    found = {}
    for run in iter_runs(target):
        for command in run.script.commands:
            if verifies(command):
                found[run.outer.span.start.offset] = run.run.body
                break
    return found


def _checked_later(stage, instr, url: str, verified: dict[int, str]) -> bool:
    """A RUN after the ADD in the same stage verifies a checksum or signature of the file (its
    name appears in that RUN)."""
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    after = False
    for other in stage.instructions:
        if other is instr:
            after = True
        elif after and other.keyword == "RUN" and name in verified.get(other.span.start.offset, ""):
            return True
    return False
