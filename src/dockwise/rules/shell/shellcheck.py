"""ShellCheck over every RUN script -- what hadolint runs by default, here opt-in (it is slow)."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, Fix, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule


_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
           "style": Severity.STYLE}


class ShellCheck(DockerfileRule):
    info = RuleInfo(
        code="DW050",
        name="shellcheck",
        severity=Severity.WARNING,
        summary="ShellCheck's findings in RUN scripts (off by default: `--select DW050`).",
        rationale=(
            "A RUN script is a shell script: an unquoted variable splits into words, a failed "
            "`cd` lets the next command run in the wrong directory, a typo in a test silently "
            "skips a step -- and the image builds anyway. ShellCheck finds these; each finding "
            "carries its SC code (suppress one with `# hadolint ignore=SC2086` above the RUN). "
            "It runs one ShellCheck process per 400 scripts, with the SHELL in effect and the "
            "ARG/ENV names in scope, which is why it is opt-in."),
        bad_example='FROM debian:12.5\nARG FILES\nRUN cp $FILES /srv/\n',
        good_example='FROM debian:12.5\nARG FILES\nRUN cp "$FILES" /srv/\n',
        aliases=("hadolint:shellcheck",),
        other_severities=(Severity.ERROR, Severity.INFO, Severity.STYLE),
        fixable=True,
        default_enabled=False,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.model.shellcheck import check_target

        for _instr, found in check_target(target):
            fix = None
            if found.edits:  # quoting changes word splitting: never applied without consent
                fix = Fix(description=f"ShellCheck's suggestion for {found.code}", edits=found.edits,
                          safe=False)
            yield target.finding(self.info, f"{found.code}: {found.message} ({found.wiki_url})",
                                 found.span, severity=_LEVELS.get(found.level, Severity.INFO),
                                 fix=fix, shellcheck=found.code)
