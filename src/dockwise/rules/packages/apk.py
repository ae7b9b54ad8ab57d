"""apk: pins and the package cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.knowledge.package_caches import APK_CACHE
from dockwise.rules._runs import (
    Run, cache_mounted, insert_after, position_of, removes_after, unpinned_finding,
)
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
                  "and it ships in the layer; `--no-cache` also makes `--update` unnecessary. An "
                  "`apk update` stores the same index there, so it is reported too unless the RUN "
                  "removes /var/cache/apk or mounts a cache on it.",
        bad_example="RUN apk add --update curl",
        good_example="RUN apk add --no-cache curl",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in calls(target, ("apk",)):
            if inv.sub not in ("add", "update") or inv.has("--no-cache"):
                continue
            if cache_mounted(run.run, APK_CACHE) or removes_after(
                    run.script, position_of(run.script, command), APK_CACHE):
                continue
            if inv.sub == "update":
                if _adds_without_cache(run):
                    continue  # that add's own finding covers the index
                yield target.finding(
                    self.info,
                    f"`{label(inv)}` stores the apk index (several MB) in /var/cache/apk, and it ships "
                    "in this layer; `apk add --no-cache` fetches a fresh index by itself: drop "
                    "`apk update`.", where(inv), fix=_drop_update(run, command))
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` without `--no-cache` keeps the apk index (several MB) in /var/cache/apk "
                "in this layer; use `apk add --no-cache`.",
                where(inv), fix=_no_cache_fix(run, command, inv))


def _adds_without_cache(run: Run) -> bool:
    return any(run.invocation(c).sub == "add" and not run.invocation(c).has("--no-cache")
               for c in run.find("apk"))


def _update_before(run: Run, add: Any) -> Any | None:
    """The ``apk update`` joined to ``add`` by ``&&`` right before it, when nothing else in the
    RUN reads the index it fetches (no other apk command but adds)."""
    script = run.script
    index = position_of(script, add)
    if index < 1 or add.connector != "&&":
        return None
    update = script.commands[index - 1]
    if update.name != "apk" or run.invocation(update).sub != "update" or run.invocation(update).operands:
        return None
    if update.in_substitution or update.in_nested_shell or add.in_substitution or add.in_nested_shell:
        return None
    if any(c is not update and run.invocation(c).sub != "add" for c in run.find("apk")):
        return None
    return update


def _no_cache_fix(run: Run, add: Any, inv: Any) -> Fix | None:
    """Add ``--no-cache``; an ``apk update &&`` right before the add goes too, or the index it
    fetched would stay in the layer and the finding only look fixed. An update elsewhere in
    the RUN: no fix (that update's index would stay)."""
    insert = insert_after(run, inv.subcommand_word, " --no-cache", "add --no-cache")
    updates = [c for c in run.find("apk") if run.invocation(c).sub == "update" and c.start < add.start]
    if not updates or insert is None:
        return insert
    drop = _drop_update(run, add, update=updates[-1])
    if drop is None or len(updates) > 1:
        return None
    return Fix("drop `apk update` and add --no-cache", drop.edits + insert.edits)


def _drop_update(run: Run, command: Any, update: Any | None = None) -> Fix | None:
    """Delete ``apk update && `` before the apk add that follows it (``command`` is the update,
    or the add when ``update`` is given)."""
    instr = run.run
    if instr.json_form or instr.heredocs or not run.script.parsed_ok:
        return None
    script = run.script
    if update is None:
        index = position_of(script, command)
        if index + 1 >= len(script.commands):
            return None
        update, add = command, script.commands[index + 1]
    else:
        add = command
    if add.name != "apk" or run.invocation(add).sub != "add" or _update_before(run, add) is not update:
        return None
    start, end = instr.source_offset(update.start), instr.source_offset(add.start)
    return Fix("drop `apk update` (apk add --no-cache fetches the index itself)", (Edit(start, end, ""),))
