"""Inline ``# hadolint ignore=`` pragmas (hadolint's DL1001, off by default as a team policy)."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule

_INLINE_IGNORE = lazy_compile(r"(?i)^#\s*(?:hadolint|dockwise\s*:)\s*ignore\s*=")


class InlineIgnorePragma(DockerfileRule):
    info = RuleInfo(
        code="DL1001", name="inline-ignore-pragma", severity=Severity.INFO,
        summary="An inline `# hadolint ignore=` pragma silences a rule for one instruction.",
        rationale="Some teams want every exception in one reviewed place: an inline pragma hides a "
                  "finding where no one sees it in review. Off by default; turn it on to keep "
                  "exceptions in the configuration (`.hadolint.yaml`'s `ignored`, or "
                  "`[tool.dockwise]`'s `per-file-ignores`).",
        bad_example="# hadolint ignore=DL3008\nRUN apt-get update && apt-get install -y --no-install-recommends curl",
        good_example="RUN apt-get update && apt-get install -y --no-install-recommends curl",
        default_enabled=False,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for comment in target.dockerfile.comments:
            if _INLINE_IGNORE.match(comment.text.strip()):
                yield target.finding(
                    self.info,
                    "an inline ignore pragma silences a rule here, out of sight of review; fix the "
                    "finding, or record the exception in the configuration file",
                    comment.span)
