"""``FROM --platform``: a constant platform, or the target platform spelled out."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule


class ConstantPlatform(DockerfileRule):
    info = RuleInfo(
        code="DL3029",
        name="from-platform-constant",
        severity=Severity.WARNING,
        summary="Do not hard-code --platform in FROM.",
        rationale=("A constant platform forces emulation on other architectures (slow builds, "
                   "wrong-arch images); use $BUILDPLATFORM/$TARGETPLATFORM."),
        bad_example="FROM --platform=linux/amd64 debian:12\n",
        good_example="FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n",
        aliases=("hadolint:DL3029", "buildkit:FromPlatformFlagConstDisallowed"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            flag = instr.flag("platform") if instr.keyword == "FROM" else None
            if flag is None or flag.value is None or "$" in flag.value:
                continue
            yield target.finding(
                self.info,
                f"`--platform={flag.value}` is hard-coded: builds for other platforms run this "
                "stage under emulation or produce the wrong architecture; use "
                "`--platform=$BUILDPLATFORM` (or drop the flag)",
                flag.span)


class RedundantTargetPlatform(DockerfileRule):
    info = RuleInfo(
        code="DL3065", name="redundant-target-platform", severity=Severity.WARNING,
        summary="`FROM --platform=$TARGETPLATFORM` is the default; drop the flag.",
        rationale="A stage already builds for the target platform; spelling it out adds noise and hides "
                  "the stages where `--platform` matters (`$BUILDPLATFORM` for cross-compiling builders).",
        bad_example="FROM --platform=$TARGETPLATFORM alpine:3.20.3",
        good_example="FROM alpine:3.20.3",
        aliases=("hadolint:DL3065", "buildkit:RedundantTargetPlatform"),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.findings import Edit, Fix

        source = target.dockerfile.source
        for stage in target.model.stages:
            flag = stage.from_instruction.flag("platform")
            if flag is None or flag.value not in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
                continue
            end = flag.span.end.offset
            while end < len(source) and source[end] in " \t":
                end += 1
            yield target.finding(
                self.info,
                f"`{flag.raw}` repeats the default (every stage builds for the target platform); remove it "
                "so the stages where --platform matters (`$BUILDPLATFORM` builders) stand out.",
                flag.span, fix=Fix("remove the redundant --platform", (Edit(flag.span.start.offset, end, ""),)))
