"""Family 4: build tools in the image that ships.

Compilers, build kits, header packages, VCS clients and SDKs are needed to *build* an
application, not to run it. Installed in the final stage (or a stage the final stage is built
FROM) they add hundreds of MB and a large attack surface. Installed in a builder stage whose
output is only COPY'd --from, they cost nothing -- so those are not reported, nor packages
removed again in the same RUN (``apk add --virtual .build-deps ... && apk del .build-deps``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.build_tools import is_build_tool_package
from dockwise.knowledge.runtime import VCS_CLIENTS, VCS_COMMANDS, VCS_URL_WORD
from dockwise.model.purpose import image_purpose
from dockwise.rules._runs import Run, expanded, iter_runs, position_of, ships, word_value
from dockwise.rules.base import CheckTarget, DockerfileRule


_VERSION_SPLIT = lazy_compile(r"[=<>~]")

INSTALLERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # manager: (install subcommands, removal subcommands)
    "apt-get": (frozenset({"install"}), frozenset({"remove", "purge", "autoremove"})),
    "apt": (frozenset({"install"}), frozenset({"remove", "purge", "autoremove"})),
    "apk": (frozenset({"add"}), frozenset({"del"})),
    "yum": (frozenset({"install"}), frozenset({"remove", "erase", "autoremove"})),
    "dnf": (frozenset({"install", "in"}), frozenset({"remove", "rm", "erase", "autoremove"})),
    "microdnf": (frozenset({"install"}), frozenset({"remove"})),
    "zypper": (frozenset({"install", "in"}), frozenset({"remove", "rm"})),
}


def package_name(text: str) -> str:
    """``gcc=4:12.2`` -> ``gcc``; ``gcc-12.2.1`` stays (rpm versions are not split off)."""
    name = _VERSION_SPLIT.split(text, 1)[0]
    return name.split(":", 1)[0] if ":" in name and not name.startswith(":") else name


def removed_later(run: Run, command: Any, names: set[str], virtual: str | None) -> set[str]:
    """Names (or the virtual package) removed again after ``command`` in the same RUN.
    An unknown removal operand (``apt-get purge $BUILD_DEPS``) counts as removing everything."""
    gone: set[str] = set()
    marked_auto = False
    for later in run.script.commands[position_of(run.script, command) + 1:]:
        if later.name == "apt-mark" and later.args and word_value(later.args[0]) == "auto":
            marked_auto = True  # docker-library's savedAptMark pattern: purge --auto-remove follows
            continue
        if later.name not in INSTALLERS:
            continue
        inv = run.invocation(later)
        if inv.sub not in INSTALLERS[later.name][1]:
            continue
        if marked_auto and (inv.sub == "autoremove" or inv.has("--auto-remove", "--autoremove")):
            return set(names)
        for word in inv.operands:
            value = word.value
            if value is None:
                return set(names)
            if virtual is not None and value == virtual:
                return set(names)
            gone.add(package_name(value))
    return gone


def build_uses_vcs(target: CheckTarget) -> bool:
    """True when a shipped RUN runs a version-control client (``git clone``) or installs from a
    VCS URL (``pip install git+https://...``): then git is there for the build. A git the build
    never calls is there for the image's users (a CI agent, a deployment tool) and is kept."""
    def compute() -> bool:
        for run in iter_runs(target):
            if not ships(target, run):
                continue
            if any(run.find(name) for name in VCS_COMMANDS) or VCS_URL_WORD.search(run.run.body):
                return True
        return False
    return target.memo("build-uses-vcs", compute)


class BuildToolsInFinalImage(DockerfileRule):
    info = RuleInfo(
        code="DW401", name="build-tools-in-final-image", severity=Severity.WARNING,
        summary="Do not install compilers, build kits and SDKs in the image that ships.",
        rationale="gcc, build-essential, `*-dev` headers, git, JDKs and CUDA toolkits are needed to build, "
                  "not to run: in the runtime image they add hundreds of MB to every pull and give an "
                  "attacker a compiler. Build in a builder stage and COPY --from only the artefacts.",
        bad_example="FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\n"
                    "COPY . /app\nRUN pip install /app\nCMD [\"python\", \"-m\", \"app\"]",
        good_example="FROM python:3.12-slim AS build\nRUN apt-get update && apt-get install -y gcc libpq-dev\n"
                     "RUN pip wheel -w /wheels -r requirements.txt\nFROM python:3.12-slim\n"
                     "COPY --from=build /wheels /wheels",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        if image_purpose(target.model) is not None:
            return  # a base, build or dev image: its tools are what it is for
        for run in iter_runs(target):
            if not ships(target, run):
                continue
            for manager, (installs, _) in INSTALLERS.items():
                for command in run.find(manager):
                    inv = run.invocation(command)
                    if inv.sub not in installs:
                        continue
                    yield from self._install(target, run, manager, command, inv)

    def _install(self, target: CheckTarget, run: Run, manager: str, command: Any, inv: Any) -> Iterator[Finding]:
        tools: list[tuple[Any, str]] = []
        for word in inv.operands:
            for text in expanded(target, run, word).split():
                name = package_name(text)
                if "$" not in name and is_build_tool_package(name):
                    tools.append((word, name))
        if any(n in VCS_CLIENTS for _, n in tools) and not build_uses_vcs(target):
            tools = [(w, n) for w, n in tools if n not in VCS_CLIENTS]
        if not tools:
            return
        virtual = (inv.values("-t", "--virtual") or [None])[0] if manager == "apk" else None
        gone = removed_later(run, command, {n for _, n in tools}, virtual)
        tools = [(w, n) for w, n in tools if n not in gone]
        if not tools:
            return
        names = ", ".join(dict.fromkeys(f"`{n}`" for _, n in tools))
        yield target.finding(
            self.info,
            f"{names} installed in a stage that ships: build tools add tens to hundreds of MB to every "
            "pull and hand an attacker a toolchain; install them in a builder stage and COPY --from only "
            "the built artefacts (or remove them again in this same RUN).",
            tools[0][0].span or inv.command.span, packages=[n for _, n in tools])
