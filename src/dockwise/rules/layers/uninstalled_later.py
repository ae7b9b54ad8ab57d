"""Packages removed in a later layer than the one that installed them: the bytes stay."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.stages import lineage
from dockwise.rules._runs import Run, iter_runs, ships, word_value
from dockwise.rules.base import CheckTarget, DockerfileRule

# program family -> (subcommands that install, subcommands that remove)
MANAGERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "apt-get": (frozenset({"install"}), frozenset({"remove", "purge", "autoremove"})),
    "apk": (frozenset({"add"}), frozenset({"del"})),
    "dnf": (frozenset({"install", "in"}), frozenset({"remove", "erase", "rm"})),
    "zypper": (frozenset({"install", "in"}), frozenset({"remove", "rm"})),
    "pip": (frozenset({"install"}), frozenset({"uninstall"})),
    "npm": (frozenset({"install", "i", "add"}), frozenset({"uninstall", "remove", "rm", "un", "r"})),
    "yarn": (frozenset({"add"}), frozenset({"remove"})),
    "gem": (frozenset({"install"}), frozenset({"uninstall"})),
}
FAMILY = {"apt": "apt-get", "aptitude": "apt-get", "yum": "dnf", "microdnf": "dnf", "tdnf": "dnf",
          "pip3": "pip", "pnpm": "npm"}


def _family(command: Any) -> str | None:
    name = command.name or ""
    if name.startswith("pip") and name[3:].replace(".", "").isdigit():
        name = "pip"
    family = FAMILY.get(name, name)
    return family if family in MANAGERS else None


def _packages(inv: Any, family: str) -> list[tuple[Any, str]]:
    """(word, name) of literal package operands, versions and pins stripped (apk's virtual
    package names start with a dot)."""
    found = []
    paths = ("-", "/") if family == "apk" else ("-", ".", "/")
    for word in inv.operands:
        value = word_value(word)
        if not value or value.startswith(paths) or "$" in value:
            continue
        name = value
        for sep in ("==", ">=", "<=", "~=", "=", "@", ">", "<"):
            if sep in name[1:]:
                name = name[: name.index(sep, 1)]
        found.append((word, name.lower()))
    return found


class UninstalledInLaterLayer(DockerfileRule):
    info = RuleInfo(
        code="DW305", name="uninstall-in-later-layer", severity=Severity.WARNING,
        summary="A package is removed in a later RUN than the one that installed it; its bytes stay in the image.",
        rationale="Each RUN is a layer. `apt-get purge`, `apk del`, `pip uninstall` or "
                  "`npm uninstall` in a later RUN only hides the files: the layer that installed "
                  "them is still stored, pushed and pulled in full, so the image is no smaller "
                  "(it grows by the removal's own layer). Install and remove in the same RUN "
                  "(`apk add --virtual .build-deps ... && ... && apk del .build-deps`), or install "
                  "build-only packages in a builder stage and copy out what you need.",
        bad_example=("RUN apt-get update && apt-get install -y --no-install-recommends gcc "
                     "&& rm -rf /var/lib/apt/lists/*\nRUN make -C /src\nRUN apt-get purge -y gcc"),
        good_example=("RUN apt-get update && apt-get install -y --no-install-recommends gcc "
                      "&& make -C /src && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        installed: dict[tuple[int, str, str], Run] = {}  # (stage index, family, package) -> RUN
        for run in iter_runs(target):
            if run.onbuild:
                continue
            stage = target.model.stage_of(run.outer)
            stages = [s.index for s in lineage(stage)] if stage is not None else []
            for command in run.script.commands:
                family = _family(command)
                if family is None:
                    continue
                installs, removes = MANAGERS[family]
                inv = run.invocation(command)
                if inv.sub in removes and ships(target, run):
                    yield from self._removals(target, run, inv, family, stages, installed)
            for command in run.script.commands:
                family = _family(command)
                if family is not None and stage is not None:
                    inv = run.invocation(command)
                    if inv.sub in MANAGERS[family][0]:
                        names = [n for _, n in _packages(inv, family)] + _virtual_names(inv, family)
                        for name in names:
                            installed[(stage.index, family, name)] = run

    def _removals(self, target, run, inv, family, stages, installed) -> Iterator[Finding]:
        """One finding per removal command, naming the packages an earlier layer installed."""
        hits: list[tuple[Any, str, Run]] = []
        for word, name in _packages(inv, family):
            earlier = next((installed[(i, family, name)] for i in stages if (i, family, name) in installed), None)
            if earlier is not None and earlier is not run:
                hits.append((word, name, earlier))
        if not hits:
            return
        names = ", ".join(f"`{name}`" for _, name, _ in hits[:6]) + (f" and {len(hits) - 6} more" if len(hits) > 6 else "")
        lines = sorted({earlier.outer.line for _, _, earlier in hits})
        where = "line " + ", ".join(str(n) for n in lines) if len(lines) < 4 else f"lines {lines[0]}-{lines[-1]}"
        yield target.finding(
            self.info,
            f"`{inv.command.name} {inv.sub}` removes {names}, installed by the RUN on {where}: that "
            f"layer keeps every byte of them, so the image is no smaller. Remove them in the RUN "
            f"that installs them, or install them in a build stage only.",
            hits[0][0].span, packages=[name for _, name, _ in hits])


def _virtual_names(inv, family: str) -> list[str]:
    """``apk add --virtual .build-deps gcc``: the group name a later ``apk del`` removes."""
    if family != "apk":
        return []
    return [v.lower() for v in inv.values("-t", "--virtual")]
