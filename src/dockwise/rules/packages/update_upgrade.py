"""A package index updated without an install, and a distribution upgraded in the build."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import Run, cache_mounted, iter_runs
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._managers import (
    ALL_VALUE_OPTIONS, DNF_INSTALLING, YUM_INSTALLING, ZYPPER_INSTALLING, label, nested, where,
)


# ---------------------------------------------------------------- dockwise's own

UPDATE_ONLY = {
    "apt-get": ("update",), "apt": ("update",), "aptitude": ("update",), "apk": ("update",),
    "yum": ("makecache",), "dnf": ("makecache", "mc"), "zypper": ("refresh", "ref"),
}
INSTALLS = {
    "apt-get": frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "download"}),
    "apt": frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade"}),
    "aptitude": frozenset({"install", "upgrade", "safe-upgrade", "full-upgrade"}),
    "apk": frozenset({"add", "upgrade", "fix"}),
    "yum": YUM_INSTALLING, "dnf": DNF_INSTALLING, "zypper": ZYPPER_INSTALLING,
}
LISTS = {"apt-get": "/var/lib/apt/lists", "apt": "/var/lib/apt/lists", "aptitude": "/var/lib/apt/lists",
         "apk": "/var/cache/apk", "yum": "/var/cache/yum", "dnf": "/var/cache/dnf",
         "zypper": "/var/cache/zypp"}


class UpdateWithoutInstall(DockerfileRule):
    info = RuleInfo(
        code="DW201", name="package-index-update-alone", severity=Severity.WARNING,
        summary="Refresh the package index in the same RUN as the install that needs it.",
        rationale="A RUN that only runs `apt-get update` is cached on its own: later builds reuse the old "
                  "index while the install line changes, so installs fetch versions that are gone from the "
                  "mirror (404 errors) or stale ones; and the index (20-50 MB) ships in that layer.",
        bad_example="RUN apt-get update\nRUN apt-get install -y --no-install-recommends curl",
        good_example="RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
                     "    && rm -rf /var/lib/apt/lists/*",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for manager, subs in UPDATE_ONLY.items():
                for command in run.find(manager):
                    inv = run.invocation(command, ALL_VALUE_OPTIONS)
                    if inv.sub not in subs or installs_anything(run):
                        continue
                    if cache_mounted(run.run, LISTS[manager]):
                        continue
                    yield target.finding(
                        self.info,
                        f"`{label(inv)}` runs in a RUN without an install: its layer is cached apart from "
                        "the install, so later builds install from a stale index (missing versions, 404s), "
                        f"and {LISTS[manager]} ships in this layer; chain it with the install "
                        f"(`{manager} {inv.sub} && {manager} install ...`) in one RUN.",
                        where(inv))


def installs_anything(run: Run) -> bool:
    for manager, subs in INSTALLS.items():
        for command in run.find(manager):
            inv = run.invocation(command, ALL_VALUE_OPTIONS)
            if inv.sub in subs or nested(inv)[0] in ("group install", "module install"):
                return True
    return False


UPGRADES = {
    "apt-get": frozenset({"upgrade", "dist-upgrade", "full-upgrade"}),
    "apt": frozenset({"upgrade", "dist-upgrade", "full-upgrade"}),
    "aptitude": frozenset({"upgrade", "safe-upgrade", "full-upgrade", "dist-upgrade"}),
    "apk": frozenset({"upgrade"}),
    "yum": frozenset({"update", "upgrade", "distro-sync"}),
    "dnf": frozenset({"update", "upgrade", "up", "distro-sync", "dsync"}),
    "microdnf": frozenset({"update", "upgrade"}),
}


class DistributionUpgrade(DockerfileRule):
    info = RuleInfo(
        code="DW202", name="package-upgrade-in-build", severity=Severity.INFO,
        summary="Prefer a newer base image to upgrading every package in the Dockerfile.",
        rationale="`apt-get upgrade`/`dist-upgrade`, `apk upgrade`, `yum update` rewrite many files of the "
                  "base image in a new layer: the old copies stay in the base layers (the bytes count twice) "
                  "and the result depends on the build day. A fresher, pinned base image gives the same "
                  "fixes reproducibly.",
        bad_example="FROM debian:12.1\nRUN apt-get update && apt-get upgrade -y",
        good_example="FROM debian:12.8",
        aliases=("hadolint:DL3005",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for manager, subs in UPGRADES.items():
                for command in run.find(manager):
                    inv = run.invocation(command, ALL_VALUE_OPTIONS)
                    if inv.sub not in subs or inv.operands:  # a targeted upgrade of named packages is fine
                        continue
                    yield target.finding(
                        self.info,
                        f"`{label(inv)}` upgrades every package inside a layer: replaced files stay in the "
                        "base layers (their bytes count twice) and the image depends on the build day; use "
                        "a newer pinned base image instead.",
                        where(inv))
