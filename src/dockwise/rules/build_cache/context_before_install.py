"""Family 7: layer-cache order. Copy the dependency manifest, install, then copy the code."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import instruction_words, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


WHOLE_CONTEXT = {".", "./", "*", "./*"}


class Install(namedtuple("Install", "ecosystem manifests command")):
    """A dependency install: its ecosystem, the ``manifests`` to copy first (for the message)
    and the shell ``command``."""

    __slots__ = ()


def _pip_install(command) -> Install | None:
    args = [w.value or "" for w in command.args]
    if command.name in ("python", "python3") or (command.name or "").startswith("python3."):
        if args[:2] != ["-m", "pip"]:
            return None
        args = args[2:]
    if not args or args[0] != "install":
        return None
    for i, arg in enumerate(args):
        if arg in ("-r", "--requirement") and i + 1 < len(args):
            return Install("python", f"`{args[i + 1]}`", command)
        if arg.startswith("--requirement="):
            return Install("python", f"`{arg.split('=', 1)[1]}`", command)
        if arg.startswith("-r") and len(arg) > 2:
            return Install("python", f"`{arg[2:]}`", command)
    if any(a in (".", "./") for a in args[1:]) or "-e" in args and "." in args:
        return Install("python", "`pyproject.toml` (or setup.py) and install the dependencies", command)
    return None


NODE_INSTALLS = {
    "npm": ({"ci", "install", "i"}, "`package.json` and `package-lock.json`"),
    "yarn": ({"install", None}, "`package.json` and `yarn.lock`"),
    "pnpm": ({"install", "i"}, "`package.json` and `pnpm-lock.yaml`"),
}
OTHER_INSTALLS = {
    # name: (subcommands that install dependencies, ecosystem, manifests)
    "poetry": ({"install"}, "python", "`pyproject.toml` and `poetry.lock`"),
    "pipenv": ({"install", "sync"}, "python", "`Pipfile` and `Pipfile.lock`"),
    "uv": ({"sync"}, "python", "`pyproject.toml` and `uv.lock`"),
    "bundle": ({"install", None}, "ruby", "`Gemfile` and `Gemfile.lock`"),
    "composer": ({"install"}, "php", "`composer.json` and `composer.lock`"),
    "mvn": ({"dependency:go-offline", "dependency:resolve", "package", "install", "verify"},
            "java", "`pom.xml` (then `mvn dependency:go-offline`)"),
    "cargo": ({"fetch", "build"}, "rust", "`Cargo.toml` and `Cargo.lock` (then `cargo fetch`)"),
    "dep": ({"ensure"}, "go", "`Gopkg.toml` and `Gopkg.lock`"),
}


def _install_of(command) -> Install | None:
    name = command.name
    if name is None:
        return None
    if name.startswith(("pip", "python")):
        return _pip_install(command)
    if name == "go":
        sub = command.subcommand()
        ops = [w.value for w in command.args]
        if ops[:2] == ["mod", "download"]:
            return Install("go", "`go.mod` and `go.sum`", command)
        if sub == "build":
            return Install("go", "`go.mod` and `go.sum` (then `go mod download`)", command)
        return None
    if name in NODE_INSTALLS:
        subs, manifests = NODE_INSTALLS[name]
        sub_value = command.subcommand()
        if sub_value not in subs:
            return None
        if sub_value is not None and command.operands():
            return None  # `npm install express` adds a package; it does not read the manifest
        return Install("node", manifests, command)
    if name in OTHER_INSTALLS:
        subs, ecosystem, manifests = OTHER_INSTALLS[name]
        if command.subcommand() in subs or (
                name == "mvn" and any(w.value in subs for w in command.args)):
            return Install(ecosystem, manifests, command)
    return None


def _whole_context_word(target: CheckTarget, instr):
    if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None or instr.heredocs:
        return None
    words = instruction_words(instr, target.dockerfile.escape)
    for word in words[:-1]:
        if word.value in WHOLE_CONTEXT:
            return word
    return None


class WholeContextBeforeInstall(DockerfileRule):
    info = RuleInfo(
        code="DW701",
        name="copy-context-before-dependency-install",
        severity=Severity.WARNING,
        summary="The whole build context is copied before a dependency install that only needs a manifest.",
        rationale=(
            "Docker reuses a layer only if everything before it is unchanged. With `COPY . .` "
            "before `pip install -r requirements.txt`, every code edit invalidates the install "
            "layer: each build re-downloads and rebuilds all dependencies (minutes, not seconds)."),
        bad_example=("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                     "RUN pip install --no-cache-dir -r requirements.txt\n"),
        good_example=("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                      "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages:
            yield from self._check_stage(target, stage.instructions)

    def _check_stage(self, target: CheckTarget, instructions) -> Iterator[Finding]:
        installed_before: set[str] = set()
        copy_instr = copy_word = None
        reported: set[str] = set()
        for instr in instructions:
            if copy_instr is None:
                word = _whole_context_word(target, instr)
                if word is not None:
                    copy_instr, copy_word = instr, word
                    continue
            if instr.keyword != "RUN":
                continue
            for command in target.shell(instr).commands:
                install = _install_of(command)
                if install is None:
                    continue
                if copy_instr is None:
                    installed_before.add(install.ecosystem)
                elif install.ecosystem not in installed_before | reported:
                    reported.add(install.ecosystem)
                    line = command.span.start.line if command.span else instr.line
                    yield target.finding(
                        self.info,
                        f"`{copy_instr.keyword} {copy_word.raw} …` copies the whole context before "
                        f"the dependency install on line {line}, so every code change re-runs that "
                        f"install; copy {install.manifests} first, install, then copy the rest",
                        word_span(copy_instr, copy_word), install_line=line)
