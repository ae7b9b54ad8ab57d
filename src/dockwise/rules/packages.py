"""Family 2: OS package-manager hygiene (apt-get/apt, apk, yum, dnf/microdnf, zypper).

Every rule here looks at the package-manager calls of one RUN (ONBUILD RUN too) through the
shell model, so ``sudo apt-get -qq install``, multi-line chains and ``if`` blocks all count.
The ``DL`` codes follow hadolint's documented behaviour for those codes; ``DW2xx`` are
dockwise's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import (
    Invocation, Run, append_to_run, cache_mounted, unpinned_finding, command_span, expanded, insert_after, invocation, iter_runs,
    position_of, removes_after, replace_word, ships, word_value,
)
from dockwise.rules.base import CheckTarget, DockerfileRule

APT = ("apt-get", "apt", "aptitude")
APT_VALUE_OPTIONS = frozenset({"-o", "-c", "-t", "--option", "--config-file", "--target-release",
                               "--default-release"})
APK_VALUE_OPTIONS = frozenset({"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch",
                               "--keys-dir", "--repositories-file", "--cache-dir", "--cache-max-age"})
YUM = ("yum",)
DNF = ("dnf", "microdnf", "dnf5")
RPM_VALUE_OPTIONS = frozenset({"-c", "--config", "--enablerepo", "--disablerepo", "--repo", "--repoid",
                               "--installroot", "--releasever", "-x", "--exclude", "--setopt",
                               "--downloaddir", "--destdir", "--forcearch", "-d", "--debuglevel",
                               "-e", "--errorlevel", "--repofrompath", "--rpmverbosity"})
ZYPPER_VALUE_OPTIONS = frozenset({"-r", "--repo", "--from", "-t", "--type", "-R", "--root",
                                  "-D", "--reposd-dir", "-C", "--cache-dir", "--raw-cache-dir",
                                  "--solv-cache-dir", "--pkg-cache-dir", "-c", "--config"})

ALL_VALUE_OPTIONS = APT_VALUE_OPTIONS | APK_VALUE_OPTIONS | RPM_VALUE_OPTIONS
RPM_ZYPPER_OPTIONS = RPM_VALUE_OPTIONS | ZYPPER_VALUE_OPTIONS

APT_PROMPTING = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge",
                           "autoremove", "build-dep", "reinstall"})
YUM_INSTALLING = frozenset({"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade",
                            "downgrade", "update-minimal", "upgrade-minimal", "distro-sync"})
YUM_PROMPTING = YUM_INSTALLING | {"remove", "erase", "autoremove", "groupremove"}
DNF_INSTALLING = frozenset({"install", "in", "reinstall", "rei", "upgrade", "up", "update",
                            "upgrade-minimal", "up-min", "update-minimal", "downgrade", "dg",
                            "distro-sync", "dsync", "groupinstall", "localinstall"})
DNF_PROMPTING = DNF_INSTALLING | {"remove", "rm", "erase", "autoremove"}
ZYPPER_INSTALLING = frozenset({"install", "in", "update", "up", "patch", "dist-upgrade", "dup",
                               "source-install", "si", "install-new-recommends", "inr"})
ZYPPER_PROMPTING = ZYPPER_INSTALLING | {"remove", "rm"}


# ---------------------------------------------------------------- shared helpers

def calls(target: CheckTarget, names: tuple[str, ...], value_options: frozenset[str]
          ) -> Iterator[tuple[Run, Any, Invocation]]:
    """Every call of one of ``names`` in every RUN: (run, command, invocation)."""
    for run in iter_runs(target):
        for name in names:
            for command in run.find(name):
                yield run, command, run.invocation(command, value_options)


def nested(inv: Invocation, groups: tuple[str, ...] = ("group", "module")) -> tuple[str | None, list[Any]]:
    """``yum module install x`` -> ("module install", [x]); plain calls -> (sub, operands)."""
    sub = inv.sub
    if sub in groups and inv.operands:
        return f"{sub} {word_value(inv.operands[0])}", inv.operands[1:]
    return sub, inv.operands


def label(inv: Invocation) -> str:
    sub = inv.sub
    return f"{inv.command.name} {sub}" if sub else str(inv.command.name)


def where(inv: Invocation):
    return command_span(inv.command, inv.subcommand)


def unknown(text: str) -> bool:
    return "$" in text or "`" in text


def package_words(target: CheckTarget, run: Run, words: list[Any]) -> Iterator[tuple[Any, str]]:
    """(word, expanded text) for every operand whose value can be known."""
    for word in words:
        text = expanded(target, run, word)
        if text and not unknown(text):
            yield word, text


def apt_update_done_later(script: Any, start: int) -> bool:
    return removes_after(script, start, "/var/lib/apt/lists") or any(
        c.name in APT and invocation(c, APT_VALUE_OPTIONS).sub == "dist-clean"
        for c in script.commands[start + 1:] if c.name in APT)


# ---------------------------------------------------------------- apt

class AptGetPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3008", name="apt-get-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `apt-get install`.",
        rationale="Unpinned packages install whatever the mirror has on build day: two builds of the "
                  "same Dockerfile differ, and an upstream update can break a rebuild without any change.",
        bad_example="RUN apt-get install -y --no-install-recommends curl",
        good_example="RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5",
        aliases=("hadolint:DL3008",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apt-get", "apt"), APT_VALUE_OPTIONS):
            if inv.sub != "install":
                continue
            unpinned = [(word, text) for word, text in package_words(target, run, inv.operands)
                        if not ("=" in text or text.endswith(".deb") or "/" in text)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the mirror", "{}=<version>")


class AptListsNotRemoved(DockerfileRule):
    info = RuleInfo(
        code="DL3009", name="apt-lists-not-removed", severity=Severity.INFO,
        summary="Delete the apt package lists in the RUN that ran `apt-get update`.",
        rationale="`apt-get update` downloads 20-50 MB of package lists into /var/lib/apt/lists. Left "
                  "there, they ship in the image; removing them in a later RUN only hides them.",
        bad_example="RUN apt-get update && apt-get install -y --no-install-recommends curl",
        good_example="RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
                     "    && rm -rf /var/lib/apt/lists/*",
        aliases=("hadolint:DL3009",),
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            if not ships(target, run):
                continue
            for name in APT:
                for command in run.find(name):
                    inv = run.invocation(command, APT_VALUE_OPTIONS)
                    if inv.sub != "update":
                        continue
                    index = position_of(run.script, command)
                    if apt_update_done_later(run.script, index) or lists_on_mount(target, run):
                        continue
                    yield target.finding(
                        self.info,
                        f"`{label(inv)}` leaves 20-50 MB of package lists in /var/lib/apt/lists, and they "
                        "ship in this layer (a later RUN cannot take them out); end this RUN with "
                        "`&& rm -rf /var/lib/apt/lists/*`, or use `RUN --mount=type=cache,target=/var/lib/apt/lists`.",
                        where(inv), fix=append_to_run(run, "rm -rf /var/lib/apt/lists/*", "remove the apt lists"))


def lists_on_mount(target: CheckTarget, run: Run) -> bool:
    """apt lists live on a cache/tmpfs mount. If the stage removed Debian's docker-clean hook,
    downloaded .debs stay in /var/cache/apt too, so that must be mounted as well."""
    if not cache_mounted(run.run, "/var/lib/apt/lists"):
        return False
    return cache_mounted(run.run, "/var/cache/apt") or not docker_clean_removed(target, run)


def docker_clean_removed(target: CheckTarget, run: Run) -> bool:
    """True if this RUN, or an earlier RUN of its stage, deletes /etc/apt/apt.conf.d/docker-clean."""
    stage = target.model.stage_of(run.outer)
    for other in iter_runs(target):
        if other.outer.span.start.offset > run.outer.span.start.offset:
            break
        if other.outer is not run.outer and stage is not None and target.model.stage_of(other.outer) is not stage:
            continue
        if removes_after(other.script, -1, "/etc/apt/apt.conf.d/docker-clean"):
            return True
    return False


class AptGetYes(DockerfileRule):
    info = RuleInfo(
        code="DL3014", name="apt-get-missing-yes", severity=Severity.WARNING,
        summary="Use the `-y` switch with `apt-get install`.",
        rationale="Without `-y` apt-get asks for confirmation; a build has no terminal, so the "
                  "question is answered 'no' and the build fails or silently installs nothing.",
        bad_example="RUN apt-get install curl",
        good_example="RUN apt-get install -y curl",
        aliases=("hadolint:DL3014",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("apt-get",), APT_VALUE_OPTIONS):
            if inv.sub not in APT_PROMPTING or apt_assumes_yes(inv):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `-y` waits for a confirmation no one can give in a build and "
                "aborts; add `-y`.",
                where(inv), fix=insert_after(run, inv.subcommand, " -y", "add -y"))


def apt_assumes_yes(inv: Invocation) -> bool:
    if inv.has("-y", "--yes", "--assume-yes", "--force-yes"):
        return True
    quiet = 0
    for opt in inv.options:
        if opt.startswith("--quiet"):
            quiet = quiet + 1 if "=" not in opt else int(opt.split("=", 1)[1] or 0)
        elif opt.startswith("-") and not opt.startswith("--"):
            letters, _, level = opt[1:].partition("=")
            if level.isdigit() and letters.endswith("q"):
                quiet = int(level)
            else:
                quiet += letters.count("q")
    if quiet >= 2:  # -qq implies -y
        return True
    return any("assume-yes=true" in v.lower() or "assume-yes=1" in v.lower()
               for v in inv.values("-o", "--option"))


class AptGetNoInstallRecommends(DockerfileRule):
    info = RuleInfo(
        code="DL3015", name="apt-get-install-recommends", severity=Severity.INFO,
        summary="Avoid additional packages by specifying `--no-install-recommends`.",
        rationale="apt installs 'recommended' packages by default: documentation, extra libraries, "
                  "often 30-50% more bytes that the application never uses.",
        bad_example="RUN apt-get install -y curl",
        good_example="RUN apt-get install -y --no-install-recommends curl",
        aliases=("hadolint:DL3015",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("apt-get",), APT_VALUE_OPTIONS):
            if inv.sub != "install" or inv.has("--no-install-recommends"):
                continue
            if any("install-recommends=" in v.lower() and v.lower().rsplit("=", 1)[1] in ("false", "0", "no")
                   for v in inv.values("-o", "--option")):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `--no-install-recommends` pulls in recommended packages "
                "(often 30-50% more bytes); add `--no-install-recommends`.",
                where(inv), fix=insert_after(run, inv.subcommand, " --no-install-recommends",
                                             "add --no-install-recommends"))


APT_GET_SUBCOMMANDS = frozenset({"install", "update", "upgrade", "dist-upgrade", "remove", "purge",
                                 "autoremove", "clean", "autoclean", "source", "build-dep", "download",
                                 "check"})


class AptNotAptGet(DockerfileRule):
    info = RuleInfo(
        code="DL3027", name="apt-in-dockerfile", severity=Severity.WARNING,
        summary="Do not use `apt` in scripts; use `apt-get` or `apt-cache`.",
        rationale="`apt` is the interactive front end: its command-line interface is not stable and "
                  "it warns so on every call; `apt-get` keeps scripts working across releases.",
        bad_example="RUN apt install -y curl",
        good_example="RUN apt-get install -y curl",
        aliases=("hadolint:DL3027",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apt",), APT_VALUE_OPTIONS):
            from dockwise.rules._runs import name_word

            word = name_word(command)
            fix = replace_word(run, word, "apt-get", "use apt-get") if inv.sub in APT_GET_SUBCOMMANDS else None
            yield target.finding(
                self.info,
                f"`{label(inv)}`: `apt` is meant for people at a terminal, its CLI may change between "
                "releases and breaks scripted builds; use `apt-get` (or `apt-cache` for search/show).",
                command_span(command) if word is not None else command.span, fix=fix)


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


# ---------------------------------------------------------------- yum / dnf / zypper: -y

class _AssumeYes(DockerfileRule):
    managers: tuple[str, ...] = ()
    prompting: frozenset[str] = frozenset()
    yes_options: tuple[str, ...] = ("-y", "--assumeyes", "--assume-yes")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, self.managers, RPM_ZYPPER_OPTIONS):
            sub, _ = nested(inv)
            if sub is None or sub.split(" ")[-1] not in self.prompting or inv.has(*self.yes_options):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `-y` waits for a confirmation no one can give in a build and "
                "aborts; add `-y`.",
                where(inv), fix=insert_after(run, inv.subcommand, " -y", "add -y"))


class YumYes(_AssumeYes):
    info = RuleInfo(
        code="DL3030", name="yum-missing-yes", severity=Severity.WARNING,
        summary="Use the `-y` switch with `yum install`.",
        rationale="Without `-y` yum asks for confirmation; a build has no terminal, so the build fails.",
        bad_example="RUN yum install httpd-2.4.57", good_example="RUN yum install -y httpd-2.4.57",
        aliases=("hadolint:DL3030",), fixable=True,
    )
    managers = YUM
    prompting = YUM_PROMPTING | {"install"}


class DnfYes(_AssumeYes):
    info = RuleInfo(
        code="DL3038", name="dnf-missing-yes", severity=Severity.WARNING,
        summary="Use the `-y` switch with `dnf install` (and microdnf).",
        rationale="Without `-y` dnf asks for confirmation; a build has no terminal, so the build fails.",
        bad_example="RUN dnf install httpd-2.4.57", good_example="RUN dnf install -y httpd-2.4.57",
        aliases=("hadolint:DL3038",), fixable=True,
    )
    managers = DNF
    prompting = DNF_PROMPTING


class ZypperNonInteractive(_AssumeYes):
    info = RuleInfo(
        code="DL3034", name="zypper-missing-non-interactive", severity=Severity.WARNING,
        summary="Use `zypper install -y` (or `--non-interactive`).",
        rationale="Without `-y`/`-n` zypper asks for confirmation; a build has no terminal, so it fails.",
        bad_example="RUN zypper install httpd=2.4.57", good_example="RUN zypper install -y httpd=2.4.57",
        aliases=("hadolint:DL3034",), fixable=True,
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
        for run, command, inv in calls(target, self.managers, RPM_ZYPPER_OPTIONS):
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
    inv = invocation(command, RPM_ZYPPER_OPTIONS)
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
        aliases=("hadolint:DL3032",),
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )
    managers = YUM
    installing = YUM_INSTALLING
    cache_dirs = ("/var/cache/yum",)
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
        aliases=("hadolint:DL3040",),
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )
    managers = DNF
    installing = DNF_INSTALLING
    cache_dirs = ("/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5")
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
        aliases=("hadolint:DL3036",),
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )
    managers = ("zypper",)
    installing = ZYPPER_INSTALLING
    cache_dirs = ("/var/cache/zypp",)
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
        for run, _command, inv in calls(target, self.managers, RPM_VALUE_OPTIONS):
            sub, operands = nested(inv)
            if sub not in ("install", "in", "module install"):
                continue
            unpinned = [(word, text) for word, text in rpm_package_words(target, run, operands)
                        if not self.pinned(sub, text)]
            if unpinned:
                hint = "{}:<stream>" if sub == "module install" else "{}-<version>"
                yield unpinned_finding(target, self.info, inv, unpinned, "the repository", hint)


def _pin_versions_info(code: str, tool: str, separator: str, clean: str) -> RuleInfo:
    """The rule description shared by the yum, dnf and zypper pinning rules (hadolint's codes)."""
    return RuleInfo(
        code=code, name=f"{tool}-pin-versions", severity=Severity.WARNING,
        summary=f"Specify versions with `{tool} install -y <package>{separator}<version>`.",
        rationale="Unpinned packages install whatever the repository serves on build day; builds drift.",
        bad_example=f"RUN {tool} install -y httpd && {clean}",
        good_example=f"RUN {tool} install -y httpd{separator}2.4.57 && {clean}",
        aliases=(f"hadolint:{code}",),
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
        for run, _command, inv in calls(target, ("zypper",), ZYPPER_VALUE_OPTIONS):
            if inv.sub not in ("install", "in"):
                continue
            unpinned = [(word, text) for word, text in package_words(target, run, inv.operands)
                        if not (any(c in text for c in "=<>") or text.endswith(".rpm") or "/" in text)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the repository", "{}=<version>")


class ZypperDistUpgrade(DockerfileRule):
    info = RuleInfo(
        code="DL3035", name="zypper-dist-upgrade", severity=Severity.WARNING,
        summary="Do not use `zypper dist-upgrade` in a Dockerfile.",
        rationale="A distribution upgrade rewrites much of the base image in a new layer (the old files "
                  "stay below it) and makes the result depend on the build day; use a newer base image.",
        bad_example="RUN zypper dist-upgrade -y",
        good_example="FROM opensuse/leap:15.6",
        aliases=("hadolint:DL3035",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("zypper",), ZYPPER_VALUE_OPTIONS):
            if inv.sub in ("dist-upgrade", "dup"):
                yield target.finding(
                    self.info,
                    f"`{label(inv)}` upgrades the whole distribution inside a layer: the replaced files "
                    "stay in the base layers (double the bytes) and the result depends on the build day; "
                    "move to a newer base image instead.",
                    where(inv))


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
