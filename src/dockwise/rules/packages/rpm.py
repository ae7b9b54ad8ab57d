"""yum, dnf and zypper: prompts, cleaning after install, pins, dist-upgrade."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.package_caches import cache_dirs as dirs_filled_by
from dockwise.rules._runs import (
    Run, append_to_run, cache_mounted, expanded, insert_after, position_of, removes_after,
    unpinned_finding, word_value,
)
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._managers import (
    DNF, DNF_INSTALLING, DNF_PROMPTING, YUM, YUM_INSTALLING,
    YUM_PROMPTING, ZYPPER_INSTALLING, ZYPPER_PROMPTING, calls, label, nested,
    package_words, unknown, where,
)


# ---------------------------------------------------------------- yum / dnf / zypper: -y

class _AssumeYes(DockerfileRule):
    managers: tuple[str, ...] = ()
    prompting: frozenset[str] = frozenset()
    yes_options: tuple[str, ...] = ("-y", "--assumeyes", "--assume-yes")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, self.managers):
            sub, _ = nested(inv)
            if sub is None or sub.split(" ")[-1] not in self.prompting or inv.has(*self.yes_options):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `-y` waits for a confirmation no one can give in a build and "
                "aborts; add `-y`.",
                where(inv), fix=insert_after(run, inv.subcommand_word, " -y", "add -y"))


class YumYes(_AssumeYes):
    info = RuleInfo(
        code="DL3030", name="yum-missing-yes", severity=Severity.WARNING,
        summary="Use the `-y` switch with `yum install`.",
        rationale="Without `-y` yum asks for confirmation; a build has no terminal, so the build fails.",
        bad_example="RUN yum install httpd-2.4.57", good_example="RUN yum install -y httpd-2.4.57",
        fixable=True,
    )
    managers = YUM
    prompting = YUM_PROMPTING | {"install"}


class DnfYes(_AssumeYes):
    info = RuleInfo(
        code="DL3038", name="dnf-missing-yes", severity=Severity.WARNING,
        summary="Use the `-y` switch with `dnf install` (and microdnf).",
        rationale="Without `-y` dnf asks for confirmation; a build has no terminal, so the build fails.",
        bad_example="RUN dnf install httpd-2.4.57", good_example="RUN dnf install -y httpd-2.4.57",
        fixable=True,
    )
    managers = DNF
    prompting = DNF_PROMPTING


class ZypperNonInteractive(_AssumeYes):
    info = RuleInfo(
        code="DL3034", name="zypper-missing-non-interactive", severity=Severity.WARNING,
        summary="Use `zypper install -y` (or `--non-interactive`).",
        rationale="Without `-y`/`-n` zypper asks for confirmation; a build has no terminal, so it fails.",
        bad_example="RUN zypper install httpd=2.4.57", good_example="RUN zypper install -y httpd=2.4.57",
        fixable=True,
    )
    managers = ("zypper",)
    prompting = ZYPPER_PROMPTING
    yes_options = ("-y", "--no-confirm", "-n", "--non-interactive")


# ---------------------------------------------------------------- caches left behind

class _CleanAfterInstall(DockerfileRule):
    """A package manager's cache must be cleaned after the install, in the same RUN."""

    managers: tuple[str, ...] = ()
    installing: frozenset[str] = frozenset()
    cache_dirs: tuple[str, ...] = ()
    advice = ""

    def cleans(self, command: Any) -> bool:
        raise NotImplementedError

    def clean_command(self, install: Any) -> str:
        return f"{install.name} clean all"

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, self.managers):
            sub, _ = nested(inv)
            if sub is None or sub.split(" ")[-1] not in self.installing:
                continue
            if cache_mounted(run.run, *self.cache_dirs):
                continue
            index = position_of(run.script, command)
            if removes_after(run.script, index, *self.cache_dirs) or any(
                    self.cleans(later) and same_tool(command, later) for later in run.script.commands[index + 1:]):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` leaves downloaded packages and metadata in {self.cache_dirs[0]} "
                f"(tens of MB) in this layer; {self.advice} at the end of this RUN, or use "
                f"`RUN --mount=type=cache,target={self.cache_dirs[0]}`.",
                where(inv), fix=append_to_run(run, self.clean_command(command), f"run {self.clean_command(command)}"))


def same_tool(install: Any, clean: Any) -> bool:
    """`dnf install` is cleaned by `dnf clean` (dnf5 alike), `microdnf install` by `microdnf clean`."""
    family = {"dnf5": "dnf"}
    return family.get(install.name, install.name) == family.get(clean.name, clean.name)


def _clean_call(command: Any, names: tuple[str, ...], subs: tuple[str, ...], need_all: bool) -> bool:
    if command.name not in names:
        return False
    inv = command.invocation()
    if inv.sub not in subs:
        return False
    if not need_all:
        return True
    return any(word_value(w) in ("all", "packages") for w in inv.operands)


class YumClean(_CleanAfterInstall):
    info = RuleInfo(
        code="DL3032", name="yum-clean-missing", severity=Severity.WARNING,
        summary="Run `yum clean all` after `yum install`, in the same RUN.",
        rationale="yum keeps downloaded packages and repository metadata in /var/cache/yum; they ship "
                  "in the layer unless removed by the RUN that created them.",
        bad_example="RUN yum install -y httpd-2.4.57",
        good_example="RUN yum install -y httpd-2.4.57 && yum clean all",
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )
    managers = YUM
    installing = YUM_INSTALLING
    cache_dirs = dirs_filled_by("yum")
    advice = "add `&& yum clean all`"

    def cleans(self, command: Any) -> bool:
        return _clean_call(command, YUM, ("clean",), True)


class DnfClean(_CleanAfterInstall):
    info = RuleInfo(
        code="DL3040", name="dnf-clean-missing", severity=Severity.WARNING,
        summary="Run `dnf clean all` after `dnf install`, in the same RUN.",
        rationale="dnf keeps downloaded packages and repository metadata under /var/cache; they ship "
                  "in the layer unless removed by the RUN that created them.",
        bad_example="RUN dnf install -y httpd-2.4.57",
        good_example="RUN dnf install -y httpd-2.4.57 && dnf clean all",
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )
    managers = DNF
    installing = DNF_INSTALLING
    cache_dirs = dirs_filled_by("dnf")
    advice = "add `&& dnf clean all`"

    def cleans(self, command: Any) -> bool:
        return _clean_call(command, DNF + YUM, ("clean",), True)


class ZypperClean(_CleanAfterInstall):
    info = RuleInfo(
        code="DL3036", name="zypper-clean-missing", severity=Severity.WARNING,
        summary="Run `zypper clean` after `zypper install`, in the same RUN.",
        rationale="zypper keeps downloaded packages and metadata in /var/cache/zypp; they ship in the "
                  "layer unless removed by the RUN that created them.",
        bad_example="RUN zypper install -y httpd=2.4.57",
        good_example="RUN zypper install -y httpd=2.4.57 && zypper clean -a",
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )
    managers = ("zypper",)
    installing = ZYPPER_INSTALLING
    cache_dirs = dirs_filled_by("zypper")
    advice = "add `&& zypper clean -a`"

    def cleans(self, command: Any) -> bool:
        return _clean_call(command, ("zypper",), ("clean", "cc"), False)

    def clean_command(self, install: Any) -> str:
        return "zypper clean -a"


# ---------------------------------------------------------------- rpm-family pinning

RPM_VERSIONED = re.compile(r"-\d")


def rpm_package_words(target: CheckTarget, run: Run, words: list[Any]) -> Iterator[tuple[Any, str]]:
    """Like :func:`package_words`, but ``name-${version}`` with an unknown version counts as
    unpinned (the version slot is empty in this stage), while a bare ``$PKGS`` is skipped."""
    for word in words:
        text = expanded(target, run, word)
        if text and not (unknown(text) and text.lstrip("\"'").startswith(("$", "`"))):
            yield word, text


class _RpmPin(DockerfileRule):
    managers: tuple[str, ...] = ()
    example = ""

    def pinned(self, sub: str, text: str) -> bool:
        if text.endswith(".rpm") or "/" in text:
            return True
        if sub == "module install":
            return ":" in text
        return bool(RPM_VERSIONED.search(text))

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, self.managers):
            sub, operands = nested(inv)
            if sub not in ("install", "in", "module install"):
                continue
            unpinned = [(word, text) for word, text in rpm_package_words(target, run, operands)
                        if not self.pinned(sub, text)]
            if unpinned:
                hint = "{}:<stream>" if sub == "module install" else "{}-<version>"
                yield unpinned_finding(target, self.info, inv, unpinned, "the repository", hint,
                                       distro_mirror=RPM_SNAPSHOT)


RPM_SNAPSHOT = "a dated repository snapshot (a vault or mirror snapshot of the release)"


def _pin_versions_info(code: str, tool: str, separator: str, clean: str) -> RuleInfo:
    """The rule description shared by the yum, dnf and zypper pinning rules (hadolint's codes)."""
    return RuleInfo(
        code=code, name=f"{tool}-pin-versions", severity=Severity.INFO,
        summary=f"Specify versions with `{tool} install -y <package>{separator}<version>` "
                "(or make the build repeatable another way).",
        rationale="Unpinned packages install whatever the repository serves on build day; builds drift. "
                  "Distribution repositories keep few old versions, so an exact pin breaks the build "
                  "once the repository moves on: reported at info, like apt's and apk's pins "
                  "(DL3008, DL3018). A base image pinned by digest and a dated repository snapshot "
                  "keep builds repeatable.",
        bad_example=f"RUN {tool} install -y httpd && {clean}",
        good_example=f"RUN {tool} install -y httpd{separator}2.4.57 && {clean}",
    )


class YumPinVersions(_RpmPin):
    info = _pin_versions_info("DL3033", "yum", "-", "yum clean all")
    managers = YUM


class DnfPinVersions(_RpmPin):
    info = _pin_versions_info("DL3041", "dnf", "-", "dnf clean all")
    managers = DNF


class ZypperPinVersions(DockerfileRule):
    info = _pin_versions_info("DL3037", "zypper", "=", "zypper clean")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("zypper",)):
            if inv.sub not in ("install", "in"):
                continue
            unpinned = [(word, text) for word, text in package_words(target, run, inv.operands)
                        if not (any(c in text for c in "=<>") or text.endswith(".rpm") or "/" in text)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the repository", "{}=<version>",
                                       distro_mirror=RPM_SNAPSHOT)


class ZypperDistUpgrade(DockerfileRule):
    info = RuleInfo(
        code="DL3035", name="zypper-dist-upgrade", severity=Severity.WARNING,
        summary="Do not use `zypper dist-upgrade` in a Dockerfile.",
        rationale="A distribution upgrade rewrites much of the base image in a new layer (the old files "
                  "stay below it) and makes the result depend on the build day; use a newer base image.",
        bad_example="RUN zypper dist-upgrade -y",
        good_example="FROM opensuse/leap:15.6",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("zypper",)):
            if inv.sub in ("dist-upgrade", "dup"):
                yield target.finding(
                    self.info,
                    f"`{label(inv)}` upgrades the whole distribution inside a layer: the replaced files "
                    "stay in the base layers (double the bytes) and the result depends on the build day; "
                    "move to a newer base image instead.",
                    where(inv))
