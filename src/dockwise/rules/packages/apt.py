"""apt-get and apt: pins, package lists, prompts, recommends, ``apt`` in scripts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.package_caches import APT_ARCHIVES, APT_LISTS
from dockwise.model.shell.command import Invocation
from dockwise.rules._runs import (
    Run, append_to_run, cache_mounted, command_span, insert_after, iter_runs,
    position_of, removes_after, replace_word, ships, unpinned_finding,
)
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._managers import (
    APT, APT_PROMPTING, calls, label, package_words, where,
)


def apt_update_done_later(script: Any, start: int) -> bool:
    return removes_after(script, start, APT_LISTS) or any(
        c.name in APT and c.invocation().sub == "dist-clean"
        for c in script.commands[start + 1:] if c.name in APT)


# ---------------------------------------------------------------- apt

class AptGetPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3008", name="apt-get-pin-versions", severity=Severity.INFO,
        summary="Pin versions in `apt-get install` (or make the build repeatable another way).",
        rationale="Unpinned packages install whatever the mirror has on build day: two builds of the "
                  "same Dockerfile differ. Pinning a Debian/Ubuntu version is the usual answer but a "
                  "fragile one: the mirrors keep only the current version of each package, so a pinned "
                  "build breaks weeks later. Reported at info for that reason; what makes builds "
                  "repeatable is the base image pinned by digest and, where it matters, a snapshot "
                  "mirror (snapshot.debian.org, snapshot.ubuntu.com).",
        bad_example="RUN apt-get install -y --no-install-recommends curl",
        good_example="RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apt-get", "apt")):
            if inv.sub != "install":
                continue
            unpinned = [(word, text) for word, text in package_words(target, run, inv.operands)
                        if not ("=" in text or text.endswith(".deb") or "/" in text)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the mirror", "{}=<version>",
                                       distro_mirror="a snapshot mirror (snapshot.debian.org, snapshot.ubuntu.com)")


class AptListsNotRemoved(DockerfileRule):
    info = RuleInfo(
        code="DL3009", name="apt-lists-not-removed", severity=Severity.INFO,
        summary="Delete the apt package lists in the RUN that ran `apt-get update`.",
        rationale="`apt-get update` downloads 20-50 MB of package lists into /var/lib/apt/lists. Left "
                  "there, they ship in the image; removing them in a later RUN only hides them.",
        bad_example="RUN apt-get update && apt-get install -y --no-install-recommends curl",
        good_example="RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
                     "    && rm -rf /var/lib/apt/lists/*",
        fixable=True,  # with --unsafe-fixes: appends the cleanup to the RUN
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            if not ships(target, run):
                continue
            for name in APT:
                for command in run.find(name):
                    inv = run.invocation(command)
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
    if not cache_mounted(run.run, APT_LISTS):
        return False
    return cache_mounted(run.run, APT_ARCHIVES) or not docker_clean_removed(target, run)


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
        summary="Use the `-y` switch with `apt-get install` (and `apt install`).",
        rationale="Without `-y` apt-get asks for confirmation; a build has no terminal, so the "
                  "question is answered 'no' and the build fails or silently installs nothing.",
        bad_example="RUN apt-get install curl",
        good_example="RUN apt-get install -y curl",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("apt-get", "apt")):  # `apt install` prompts too
            if inv.sub not in APT_PROMPTING or apt_assumes_yes(inv):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `-y` waits for a confirmation no one can give in a build and "
                "aborts; add `-y`.",
                where(inv), fix=insert_after(run, inv.subcommand_word, " -y", "add -y"))


def apt_assumes_yes(inv: Invocation) -> bool:
    if inv.has("-y", "--yes", "--assume-yes", "--force-yes"):
        return True
    quiet = 0
    for opt in inv.flags:
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
        summary="Avoid additional packages by specifying `--no-install-recommends` (apt-get and apt).",
        rationale="apt installs 'recommended' packages by default: documentation, extra libraries, "
                  "often 30-50% more bytes that the application never uses.",
        bad_example="RUN apt-get install -y curl",
        good_example="RUN apt-get install -y --no-install-recommends curl",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in calls(target, ("apt-get", "apt")):  # `apt install` recommends too
            if inv.sub != "install" or inv.has("--no-install-recommends"):
                continue
            if any("install-recommends=" in v.lower() and v.lower().rsplit("=", 1)[1] in ("false", "0", "no")
                   for v in inv.values("-o", "--option")):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `--no-install-recommends` pulls in recommended packages "
                "(often 30-50% more bytes); add `--no-install-recommends`.",
                where(inv), fix=insert_after(run, inv.subcommand_word, " --no-install-recommends",
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
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apt",)):
            from dockwise.rules._runs import name_word

            word = name_word(command)
            fix = replace_word(run, word, "apt-get", "use apt-get") if inv.sub in APT_GET_SUBCOMMANDS else None
            yield target.finding(
                self.info,
                f"`{label(inv)}`: `apt` is meant for people at a terminal, its CLI may change between "
                "releases and breaks scripted builds; use `apt-get` (or `apt-cache` for search/show).",
                command_span(command) if word is not None else command.span, fix=fix)
