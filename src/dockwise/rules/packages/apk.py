"""apk: pins and the package cache."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.package_caches import APK_CACHE
from dockwise.rules._runs import cache_mounted, insert_after, position_of, removes_after, unpinned_finding
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._managers import calls, label, package_words, where


# ---------------------------------------------------------------- apk

class ApkPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3018", name="apk-pin-versions", severity=Severity.INFO,
        summary="Pin versions in `apk add` (or make the build repeatable another way).",
        rationale="Unpinned packages install whatever the Alpine mirror serves on build day; two builds "
                  "of the same Dockerfile differ. An exact pin (`curl=8.5.0-r0`) is fragile: Alpine "
                  "keeps only the latest revision of each package per branch, so the pinned build "
                  "breaks once it is replaced. Reported at info for that reason; a base image pinned "
                  "by digest on a fixed Alpine branch (`alpine:3.20`), or `~` pins to a minor "
                  "version, keep builds repeatable.",
        bad_example="RUN apk add --no-cache curl",
        good_example="RUN apk add --no-cache curl=8.5.0-r0",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("apk",)):
            if inv.sub != "add":
                continue
            unpinned = [(word, text) for word, text in package_words(target, run, inv.operands)
                        if not (any(c in text for c in "=~<>") or text.endswith(".apk") or "/" in text)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the Alpine mirror",
                                       "{}=<version>",
                                       distro_mirror="a fixed Alpine branch (`alpine:3.20@sha256:...`), "
                                                     "with `{}~<major.minor>` pins where a package must not move"
                                                     .replace("{}", "<package>"))


class ApkNoCache(DockerfileRule):
    info = RuleInfo(
        code="DL3019", name="apk-add-without-no-cache", severity=Severity.INFO,
        summary="Use `apk add --no-cache` instead of keeping the apk index in the image.",
        rationale="Without `--no-cache` apk stores its package index (several MB) under /var/cache/apk, "
                  "and it ships in the layer; `--no-cache` also makes `--update` unnecessary.",
        bad_example="RUN apk add --update curl",
        good_example="RUN apk add --no-cache curl",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apk",)):
            if inv.sub != "add" or inv.has("--no-cache"):
                continue
            if cache_mounted(run.run, APK_CACHE) or removes_after(
                    run.script, position_of(run.script, command), APK_CACHE):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `--no-cache` keeps the apk index (several MB) in /var/cache/apk "
                "in this layer; use `apk add --no-cache`.",
                where(inv), fix=insert_after(run, inv.subcommand_word, " --no-cache", "add --no-cache"))
