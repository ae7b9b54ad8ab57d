"""Family 8: language package-manager caches baked into layers, and unpinned language packages.

pip (DL3042 cache, DL3013 pins), yarn (DL3060), npm (DW801 cache, DL3016 pins), gem (DW802
documentation, DL3028 pins), poetry (DW803). A cache counts as handled when the RUN disables
it, cleans it after the install, or puts it on a ``RUN --mount=type=cache`` (or tmpfs) mount --
the mount is the better advice: the cache survives between builds but never reaches a layer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import (
    Invocation, Run, cache_mounted, command_span, env_truthy, expanded, insert_after, invocation,
    append_to_run, iter_runs, position_of, removes_after, ships, unpinned_finding, word_value,
)
from dockwise.rules.base import CheckTarget, DockerfileRule

_PIP_NAME = re.compile(r"pip(?:\d(?:\.\d+)?)?")
_PYTHON_NAME = re.compile(r"python(?:\d(?:\.\d+)?)?")
PIP_VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
    "--find-links", "-t", "--target", "--prefix", "--root", "-e", "--editable", "--trusted-host",
    "--cache-dir", "--src", "--platform", "--python-version", "--implementation", "--abi", "--log",
    "--proxy", "--retries", "--timeout", "--progress-bar", "--no-binary", "--only-binary", "-d", "--dest",
    "--upgrade-strategy", "--python", "--build", "-b", "--root-user-action", "--config-settings",
    "-C", "--global-option", "--install-option", "--cert", "--client-cert", "--exists-action",
    "--report", "--pip-args", "--suffix", "--spec",
})
NPM_VALUE_OPTIONS = frozenset({"--prefix", "--registry", "--cache", "-w", "--workspace", "--userconfig",
                               "--loglevel", "--omit", "--include", "--tag", "--install-strategy"})
NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
                         "isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean"})
GEM_VALUE_OPTIONS = frozenset({"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source",
                               "-s", "-p", "--platform", "-P", "--trust-policy", "-g", "--file",
                               "--build-root", "--target-rbconfig"})
YARN_VALUE_OPTIONS = frozenset({"--cache-folder", "--modules-folder", "--network-timeout", "--cwd",
                                "--mutex", "--registry"})
POETRY_VALUE_OPTIONS = frozenset({"--only", "--with", "--without", "-E", "--extras", "-C", "--directory",
                                  "-P", "--project", "--group", "-G", "--source"})


# ---------------------------------------------------------------- finding pip / npm / gem calls

def pip_calls(target: CheckTarget, *, pipx: bool = False) -> Iterator[tuple[Run, Any, Invocation]]:
    """``pip install`` in all its spellings: pip, pip3, pip3.12, ``python -m pip``, pipx."""
    for run in iter_runs(target):
        for name, commands in run.by_name.items():
            as_module = False
            if _PIP_NAME.fullmatch(name) or (pipx and name == "pipx"):
                pass
            elif _PYTHON_NAME.fullmatch(name):
                as_module = True
            else:
                continue
            for command in commands:
                if not as_module:
                    inv = run.invocation(command, PIP_VALUE_OPTIONS)
                elif [word_value(w) for w in command.args[:2]] == ["-m", "pip"]:
                    inv = invocation(command, PIP_VALUE_OPTIONS, words=list(command.args[2:]))
                else:
                    continue
                if inv.sub == "install":
                    yield run, command, inv


def tool_calls(target: CheckTarget, names: tuple[str, ...], value_options: frozenset[str]
               ) -> Iterator[tuple[Run, Any, Invocation]]:
    for run in iter_runs(target):
        for command in run.find(*names):
            yield run, command, run.invocation(command, value_options)


def known_operands(target: CheckTarget, run: Run, inv: Invocation) -> list[tuple[Any, str]]:
    """(word, value) of the operands whose value is known (no unresolved variable)."""
    found = []
    for word in inv.operands:
        text = expanded(target, run, word)
        if text and "$" not in text and "`" not in text:
            found.append((word, text))
    return found


def span_of_call(inv: Invocation):
    return command_span(inv.command, inv.subcommand)


def label(inv: Invocation) -> str:
    words = [word_value(w) for w in inv.command.argv]
    if inv.subcommand is None:
        return str(inv.command.name)
    for i, w in enumerate(inv.command.argv):
        if w is inv.subcommand:
            return " ".join(words[: i + 1]) if i <= 3 else f"{inv.command.name} {inv.sub}"
    return f"{inv.command.name} {inv.sub}"


def cleaned_later(run: Run, command: Any, *paths: str, cleaner: tuple[str, ...] = ()) -> bool:
    """The cache is removed (rm of one of ``paths``) or cleaned (``cleaner`` command words, e.g.
    ("npm", "cache", "clean"), or a tuple of such alternatives) after ``command`` in the same RUN."""
    index = position_of(run.script, command)
    if removes_after(run.script, index, *paths):
        return True
    choices = cleaner if cleaner and isinstance(cleaner[0], tuple) else (cleaner,) if cleaner else ()
    for later in run.script.commands[index + 1:]:
        for words_wanted in choices:
            if later.name == words_wanted[0]:
                words = [word_value(w) for w in later.args if not word_value(w).startswith("-")]
                if words[: len(words_wanted) - 1] == list(words_wanted[1:]):
                    return True
    return False


# ---------------------------------------------------------------- pip

# pip takes any unambiguous abbreviation of a long option: `--no-cache` is `--no-cache-dir`
PIP_NO_CACHE_DIR_SPELLINGS = tuple("--no-cache-dir"[:n] for n in range(len("--no-ca"), len("--no-cache-dir") + 1))


def _no_cache_dir(inv) -> bool:
    return inv.has(*PIP_NO_CACHE_DIR_SPELLINGS)


# `npm cache clear` is npm 2-4's name for `npm cache clean` (docker-library's node images use it)
NPM_CACHE_CLEANERS = (("npm", "cache", "clean"), ("npm", "cache", "clear"))


class PipNoCacheDir(DockerfileRule):
    info = RuleInfo(
        code="DL3042", name="pip-install-without-no-cache-dir", severity=Severity.WARNING,
        summary="Avoid keeping pip's download cache: `pip install --no-cache-dir`.",
        rationale="pip keeps every downloaded wheel and sdist in ~/.cache/pip; in an image that is dead "
                  "weight (often tens to hundreds of MB for data-science stacks) that ships in the layer.",
        bad_example="RUN pip install -r requirements.txt",
        good_example="RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
        aliases=("hadolint:DL3042",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in pip_calls(target):
            if _no_cache_dir(inv) or env_truthy(target, run, run.script, command, "PIP_NO_CACHE_DIR"):
                continue
            if cache_mounted(run.run, ".cache/pip", "/root/.cache/pip") or cleaned_later(
                    run, command, "/root/.cache/pip", "/root/.cache", cleaner=("pip", "cache", "purge")):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` keeps every downloaded package in ~/.cache/pip, which ships in this layer "
                "(often tens to hundreds of MB); add `--no-cache-dir`, or keep the cache out of the image "
                "with `RUN --mount=type=cache,target=/root/.cache/pip`.",
                span_of_call(inv), fix=insert_after(run, inv.subcommand, " --no-cache-dir", "add --no-cache-dir"))


def pip_requirement_pinned(text: str) -> bool:
    """True for a pinned requirement, a local path, an archive or URL, or a VCS ref with ``@rev``."""
    lowered = text.lower()
    if "://" in lowered:
        if re.match(r"[a-z]+\+", lowered):  # git+https://...: pinned with @rev in the last part
            return "@" in lowered.rsplit("/", 1)[-1]
        return True
    if text.startswith((".", "/", "~")) or "/" in text:
        return True
    if lowered.endswith((".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".egg")):
        return True
    return any(c in text for c in "=<>!~@")


class PipPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3013", name="pip-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `pip install` (`pip install <package>==<version>`).",
        rationale="An unpinned package installs whatever PyPI has on build day: rebuilds drift and a new "
                  "major release can break the image without any change in the repository.",
        bad_example="RUN pip install --no-cache-dir flask",
        good_example="RUN pip install --no-cache-dir flask==3.0.3",
        aliases=("hadolint:DL3013",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in pip_calls(target, pipx=True):
            if inv.values("-c", "--constraint"):
                continue
            unpinned = [(w, t) for w, t in known_operands(target, run, inv)
                        if not pip_requirement_pinned(t)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "PyPI", "{}==<version>")


# ---------------------------------------------------------------- yarn / npm

class YarnCacheClean(DockerfileRule):
    info = RuleInfo(
        code="DL3060", name="yarn-cache-not-cleaned", severity=Severity.INFO,
        summary="Run `yarn cache clean` after `yarn install`, in the same RUN.",
        rationale="yarn keeps a copy of every package tarball in its global cache; in the image that is "
                  "often as large as node_modules itself.",
        bad_example="RUN yarn install --frozen-lockfile",
        good_example="RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile",
        aliases=("hadolint:DL3060",),
        fixable=True,  # with --unsafe-fixes: appends `&& yarn cache clean`
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in tool_calls(target, ("yarn",), YARN_VALUE_OPTIONS):
            if inv.sub not in (None, "install", "add") or not ships(target, run):
                continue
            if inv.sub is None and inv.options and all(o in ("-v", "--version", "-h", "--help") for o in inv.options):
                continue
            if cache_mounted(run.run, ".cache/yarn", "/usr/local/share/.cache/yarn") or cleaned_later(
                    run, command, "/usr/local/share/.cache/yarn", "/root/.cache/yarn",
                    cleaner=("yarn", "cache", "clean")):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` leaves every package tarball in yarn's cache, which ships in this layer "
                "(often as big as node_modules); add `&& yarn cache clean` to this RUN, or use "
                "`RUN --mount=type=cache,target=/usr/local/share/.cache/yarn`.",
                span_of_call(inv), fix=append_to_run(run, "yarn cache clean", "run yarn cache clean"))


class NpmCacheClean(DockerfileRule):
    info = RuleInfo(
        code="DW801", name="npm-cache-not-cleaned", severity=Severity.INFO,
        summary="Keep npm's cache out of the image (`npm cache clean --force` or a cache mount).",
        rationale="`npm install`/`npm ci` copy every downloaded tarball into ~/.npm/_cacache; in the image "
                  "that duplicates node_modules in compressed form, tens to hundreds of MB.",
        bad_example="RUN npm ci --omit=dev",
        good_example="RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev",
        fixable=True,  # with --unsafe-fixes: appends `&& npm cache clean --force`
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in tool_calls(target, ("npm",), NPM_VALUE_OPTIONS):
            if inv.sub not in NPM_INSTALL or not ships(target, run) or inv.values("--cache"):
                continue
            if cache_mounted(run.run, ".npm", "/root/.npm") or cleaned_later(
                    run, command, "/root/.npm", cleaner=NPM_CACHE_CLEANERS):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` copies every tarball into ~/.npm/_cacache, which ships in this layer "
                "(tens to hundreds of MB); use `RUN --mount=type=cache,target=/root/.npm`, or end the RUN "
                "with `&& npm cache clean --force`.",
                span_of_call(inv), fix=append_to_run(run, "npm cache clean --force", "run npm cache clean --force"))


def npm_package_pinned(text: str) -> bool:
    if text.startswith(("/", "./", "../", "~/")) or text.endswith((".tar", ".tar.gz", ".tgz")):
        return True
    if "://" in text or text.startswith(("git@", "github:", "gitlab:", "bitbucket:")):
        return "#" in text
    return "@" in text.lstrip("@")


class NpmPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3016", name="npm-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `npm install` (`npm install <package>@<version>`).",
        rationale="An unpinned package installs whatever the registry has on build day; rebuilds drift and "
                  "a new major version can break the image.",
        bad_example="RUN npm install -g typescript",
        good_example="RUN npm install -g typescript@5.6.3",
        aliases=("hadolint:DL3016",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("npm",), NPM_VALUE_OPTIONS):
            if inv.sub not in NPM_INSTALL:
                continue
            unpinned = [(w, t) for w, t in known_operands(target, run, inv) if not npm_package_pinned(t)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the npm registry", "{}@<version>")


# ---------------------------------------------------------------- gem

class GemPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3028", name="gem-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `gem install` (`gem install <gem>:<version>`).",
        rationale="An unpinned gem installs whatever rubygems.org has on build day; rebuilds drift.",
        bad_example="RUN gem install bundler",
        good_example="RUN gem install bundler:2.5.22",
        aliases=("hadolint:DL3028",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("gem",), GEM_VALUE_OPTIONS):
            if inv.sub not in ("install", "i") or inv.has("-v", "--version"):
                continue
            unpinned = [(w, t) for w, t in known_operands(target, run, inv)
                        if not (":" in t or t.endswith(".gem") or "/" in t)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "rubygems.org",
                                       "{}:<version>` or `-v <version>")


def base_family(target: CheckTarget, run: Run) -> str | None:
    """The image name at the root of this RUN's stage chain (``ruby`` for FROM ruby:3.3)."""
    stage = target.model.stage_of(run.outer)
    seen = set()
    while stage is not None and stage.base_stage is not None and stage.index not in seen:
        seen.add(stage.index)
        stage = stage.base_stage
    ref = getattr(stage, "base_ref", None)
    return ref.name if ref is not None else None


class GemDocumentation(DockerfileRule):
    info = RuleInfo(
        code="DW802", name="gem-install-with-documentation", severity=Severity.INFO,
        summary="Install gems with `--no-document`.",
        rationale="`gem install` generates ri/rdoc documentation for every gem by default: megabytes of "
                  "files and seconds of build time nobody reads in a container.",
        bad_example="RUN gem install bundler:2.5.22",
        good_example="RUN gem install --no-document bundler:2.5.22",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("gem",), GEM_VALUE_OPTIONS):
            if inv.sub not in ("install", "i", "update") or not ships(target, run):
                continue
            if inv.has("--no-document", "-N", "--no-rdoc") or base_family(target, run) == "ruby":
                continue  # the official ruby images set `gem: --no-document` in their gemrc
            if gemrc_disables_docs(target, run):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` also generates ri/rdoc documentation (megabytes per gem, and build time) "
                "that ships in this layer; add `--no-document`.",
                span_of_call(inv), fix=insert_after(run, inv.subcommand, " --no-document", "add --no-document"))


def gemrc_disables_docs(target: CheckTarget, run: Run) -> bool:
    stage = target.model.stage_of(run.outer)
    instructions = stage.instructions if stage is not None else target.dockerfile.instructions
    for instr in instructions:
        if instr is run.outer:
            break
        if "no-document" in instr.source or "no-rdoc" in instr.source:
            return True
    return False


# ---------------------------------------------------------------- poetry

class PoetryCache(DockerfileRule):
    info = RuleInfo(
        code="DW803", name="poetry-cache-not-removed", severity=Severity.INFO,
        summary="Keep Poetry's cache out of the image (`--no-cache`, a cache mount, or remove it).",
        rationale="`poetry install` keeps downloaded wheels and sdists in ~/.cache/pypoetry (or "
                  "POETRY_CACHE_DIR); shipped in a layer they double the size of the installed packages.",
        bad_example="RUN poetry install --only main",
        good_example="RUN --mount=type=cache,target=/root/.cache/pypoetry poetry install --only main",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in tool_calls(target, ("poetry",), POETRY_VALUE_OPTIONS):
            if inv.sub not in ("install", "add", "update", "sync") or not ships(target, run):
                continue
            if inv.has("--no-cache") or env_truthy(target, run, run.script, command, "POETRY_NO_CACHE"):
                continue
            cache_dir = poetry_cache_dir(target, run)
            dirs = tuple(d for d in (cache_dir, "/root/.cache/pypoetry") if d)
            if cache_mounted(run.run, ".cache/pypoetry", *dirs) or cleaned_later(run, command, *dirs, "/root/.cache"):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` keeps every downloaded package in {cache_dir or '~/.cache/pypoetry'}, which "
                "ships in this layer; use `RUN --mount=type=cache,target=/root/.cache/pypoetry` or pass "
                "`--no-cache`.",
                span_of_call(inv))


def poetry_cache_dir(target: CheckTarget, run: Run) -> str | None:
    state = target.model.state_at(run.outer)
    if state is None:
        return None
    value = state.env.get("POETRY_CACHE_DIR") or state.args.get("POETRY_CACHE_DIR")
    return value.text if value is not None and value.known else None


class PipenvCache(DockerfileRule):
    info = RuleInfo(
        code="DW804", name="pipenv-cache-not-removed", severity=Severity.INFO,
        summary="Keep pipenv's cache out of the image (a cache mount, or remove ~/.cache/pipenv).",
        rationale="`pipenv install`/`pipenv sync` keep downloaded wheels and their HTTP cache in "
                  "~/.cache/pipenv (or PIPENV_CACHE_DIR); shipped in a layer that is tens to hundreds of "
                  "MB next to the installed packages.",
        bad_example="RUN pipenv install --system --deploy",
        good_example="RUN --mount=type=cache,target=/root/.cache/pipenv pipenv install --system --deploy",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in tool_calls(target, ("pipenv",), frozenset({"--python", "--pypi-mirror"})):
            if inv.sub not in ("install", "sync", "update") or not ships(target, run):
                continue
            state = target.model.state_at(run.outer)
            configured = state.env.get("PIPENV_CACHE_DIR") if state is not None else None
            cache_dir = configured.text if configured is not None and configured.known else None
            dirs = tuple(d for d in (cache_dir, "/root/.cache/pipenv") if d)
            if cache_mounted(run.run, ".cache/pipenv", *dirs) or cleaned_later(run, command, *dirs, "/root/.cache"):
                continue
            if any(later.name == "pipenv" and later.has_option("--clear")
                   for later in run.script.commands[position_of(run.script, command) + 1:]):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` keeps every downloaded package in {cache_dir or '~/.cache/pipenv'}, which "
                "ships in this layer; use `RUN --mount=type=cache,target=/root/.cache/pipenv`, or end the "
                "RUN with `&& rm -rf /root/.cache/pipenv`.",
                span_of_call(inv))


# ---------------------------------------------------------------- go

GO_VALUE_OPTIONS = frozenset({"-o", "-C", "-ldflags", "-tags", "-gcflags", "-mod", "-p", "-modfile",
                              "-asmflags", "-buildmode", "-compiler", "-pkgdir", "-toolexec", "-overlay",
                              "-exec", "-pgo", "-gccgoflags", "-installsuffix", "-covermode", "-coverpkg"})
GO_FLOATING = ("latest", "master", "main", "head", "upgrade", "patch")


def go_package_pinned(text: str) -> bool:
    if text.startswith(("/", "./", "../")) or text in (".", "..") or text.startswith("./"):
        return True
    module, at, version = text.partition("@")
    return bool(at) and version.lower() not in GO_FLOATING and bool(version)


class GoPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3062", name="go-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `go install`/`go get`/`go run` (`<module>@<version>`).",
        rationale="Without a version (or with `@latest`) Go resolves the newest release at build time: "
                  "rebuilds of the same Dockerfile install different tools, and a breaking release "
                  "breaks the build.",
        bad_example="RUN go install golang.org/x/tools/gopls@latest",
        good_example="RUN go install golang.org/x/tools/gopls@v0.16.2",
        aliases=("hadolint:DL3062",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("go",), GO_VALUE_OPTIONS):
            if inv.sub not in ("install", "get", "run"):
                continue
            operands = known_operands(target, run, inv)
            if inv.sub == "run":
                operands = operands[:1]  # the rest are the program's own arguments
            unpinned = [(w, t.partition("@")[0]) for w, t in operands if not go_package_pinned(t)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "the Go module proxy",
                                       "{}@<version>")


# ---------------------------------------------------------------- uv

UV_VALUE_OPTIONS = frozenset({"-p", "--python", "--index-url", "-i", "--extra-index-url", "--index",
                              "-r", "--requirement", "-c", "--constraint", "--cache-dir", "--target",
                              "--prefix", "--group", "--extra", "--package", "--project", "--directory",
                              "-f", "--find-links", "--only-group", "--no-group"})


class UvCache(DockerfileRule):
    info = RuleInfo(
        code="DW805", name="uv-cache-not-removed", severity=Severity.INFO,
        summary="Keep uv's cache out of the image (a cache mount, `--no-cache` or UV_NO_CACHE=1).",
        rationale="uv keeps every downloaded wheel, unpacked, in ~/.cache/uv (or UV_CACHE_DIR); in a layer "
                  "that is often as large as the installed environment itself.",
        bad_example="RUN uv sync --locked --no-dev",
        good_example="RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked --no-dev",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in tool_calls(target, ("uv",), UV_VALUE_OPTIONS):
            sub, last = inv.sub, inv.subcommand
            if sub in ("pip", "tool") and inv.operands:
                sub, last = f"{sub} {word_value(inv.operands[0])}", inv.operands[0]
            if sub not in ("pip install", "pip sync", "sync", "add", "tool install") or not ships(target, run):
                continue
            if inv.has("--no-cache", "-n") or env_truthy(target, run, run.script, command, "UV_NO_CACHE"):
                continue
            state = target.model.state_at(run.outer)
            configured = state.env.get("UV_CACHE_DIR") if state is not None else None
            cache_dir = configured.text if configured is not None and configured.known else None
            dirs = tuple(d for d in (cache_dir, "/root/.cache/uv") if d)
            if cache_mounted(run.run, ".cache/uv", *dirs) or cleaned_later(
                    run, command, *dirs, "/root/.cache", cleaner=("uv", "cache", "clean")) or cleaned_later(
                    run, command, cleaner=("uv", "cache", "prune")):
                continue
            yield target.finding(
                self.info,
                f"`uv {sub}` keeps every downloaded wheel in {cache_dir or '~/.cache/uv'}, which ships in this "
                "layer; use `RUN --mount=type=cache,target=/root/.cache/uv`, or pass `--no-cache` "
                "(UV_NO_CACHE=1).",
                command_span(command, last))
