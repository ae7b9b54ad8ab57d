"""Family 2: OS package-manager hygiene (apt-get/apt, apk, yum, dnf/microdnf, zypper).

Every rule here looks at the package-manager calls of one RUN (ONBUILD RUN too) through the
shell model, so ``sudo apt-get -qq install``, multi-line chains and ``if`` blocks all count.
The ``DL`` codes follow hadolint's documented behaviour for those codes; ``DW2xx`` are
dockwise's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.rules._runs import Invocation, Run, command_span, expanded, iter_runs, word_value
from dockwise.rules.base import CheckTarget


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
