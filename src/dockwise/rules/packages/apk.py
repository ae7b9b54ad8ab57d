"""apk: pins and the package cache."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import cache_mounted, insert_after, position_of, removes_after, unpinned_finding
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._managers import APK_VALUE_OPTIONS, calls, label, package_words, where


# ---------------------------------------------------------------- apk

class ApkPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3018", name="apk-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `apk add` (`apk add <package>=<version>`).",
        rationale="Unpinned packages install whatever the Alpine mirror serves on build day; two builds "
                  "of the same Dockerfile differ and a rebuild can break without any change.",
        bad_example="RUN apk add --no-cache curl",
        good_example="RUN apk add --no-cache curl=8.5.0-r0",
        aliases=("hadolint:DL3018",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("apk",), APK_VALUE_OPTIONS):
            if inv.sub != "add":
                continue
            unpinned = [(word, text) for word, text in package_words(target, run, inv.operands)
                        if not (any(c in text for c in "=~<>") or text.endswith(".apk") or "/" in text)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the Alpine mirror",
                                       "{}=<version>` or `{}~<major.minor>")


class ApkNoCache(DockerfileRule):
    info = RuleInfo(
        code="DL3019", name="apk-add-without-no-cache", severity=Severity.INFO,
        summary="Use `apk add --no-cache` instead of keeping the apk index in the image.",
        rationale="Without `--no-cache` apk stores its package index (several MB) under /var/cache/apk, "
                  "and it ships in the layer; `--no-cache` also makes `--update` unnecessary.",
        bad_example="RUN apk add --update curl",
        good_example="RUN apk add --no-cache curl",
        aliases=("hadolint:DL3019",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apk",), APK_VALUE_OPTIONS):
            if inv.sub != "add" or inv.has("--no-cache"):
                continue
            if cache_mounted(run.run, "/var/cache/apk") or removes_after(
                    run.script, position_of(run.script, command), "/var/cache/apk"):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `--no-cache` keeps the apk index (several MB) in /var/cache/apk "
                "in this layer; use `apk add --no-cache`.",
                where(inv), fix=insert_after(run, inv.subcommand, " --no-cache", "add --no-cache"))
