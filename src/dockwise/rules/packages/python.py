"""pip, poetry, pipenv and uv: caches and pins."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.package_caches import PIP_CACHE, PIPENV_CACHE, POETRY_CACHE, UV_CACHE
from dockwise.rules._runs import (
    Run, cache_mounted, command_span, env_truthy, insert_after, position_of, ships, unpinned_finding,
    word_value,
)
from dockwise.rules.packages.version_specs import constraint_read_as_redirect
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._languages import (
    cleaned_later, known_operands, label, pip_calls, span_of_call, tool_calls,
)


# pip takes any unambiguous abbreviation of a long option: `--no-cache` is `--no-cache-dir`
PIP_NO_CACHE_DIR_SPELLINGS = tuple("--no-cache-dir"[:n] for n in range(len("--no-ca"), len("--no-cache-dir") + 1))


def _no_cache_dir(inv) -> bool:
    return inv.has(*PIP_NO_CACHE_DIR_SPELLINGS)


class PipNoCacheDir(DockerfileRule):
    info = RuleInfo(
        code="DL3042", name="pip-install-without-no-cache-dir", severity=Severity.WARNING,
        summary="Avoid keeping pip's download cache: `pip install --no-cache-dir`.",
        rationale="pip keeps every downloaded wheel and sdist in ~/.cache/pip; in an image that is dead "
                  "weight (often tens to hundreds of MB for data-science stacks) that ships in the layer.",
        bad_example="RUN pip install -r requirements.txt",
        good_example="RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
        fixable=True,
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in pip_calls(target):
            if _no_cache_dir(inv) or env_truthy(target, run, run.script, command, "PIP_NO_CACHE_DIR"):
                continue
            if cache_mounted(run.run, ".cache/pip", PIP_CACHE) or cleaned_later(
                    run, command, PIP_CACHE, "/root/.cache", cleaner=("pip", "cache", "purge")):
                continue
            fix = insert_after(run, inv.subcommand_word, " --no-cache-dir", "add --no-cache-dir")
            if not ships(target, run):
                stage = target.model.stage_of(run.outer)
                yield target.finding(
                    self.info,
                    f"`{label(inv)}` keeps every downloaded package in ~/.cache/pip in the builder stage "
                    f"`{stage.label if stage else '?'}`, which does not ship: it only fills the build cache; "
                    "`RUN --mount=type=cache,target=/root/.cache/pip` would reuse it across builds instead.",
                    span_of_call(inv), severity=Severity.INFO, fix=fix)
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` keeps every downloaded package in ~/.cache/pip, which ships in this layer "
                "(often tens to hundreds of MB); add `--no-cache-dir`, or keep the cache out of the image "
                "with `RUN --mount=type=cache,target=/root/.cache/pip`.",
                span_of_call(inv), fix=fix)


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


# `pip install --upgrade pip setuptools wheel`: the installer brought up to date on purpose before
# the real installs; pinning it is a policy choice, not a forgotten pin.
PACKAGING_TOOLS = frozenset({"pip", "setuptools", "wheel"})


class PipPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3013", name="pip-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `pip install` (`pip install <package>==<version>`).",
        rationale="An unpinned package installs whatever PyPI has on build day: rebuilds drift and a new "
                  "major release can break the image without any change in the repository. "
                  "`pip install --upgrade pip setuptools wheel` (the installer updating itself) is "
                  "not reported, unlike hadolint.",
        bad_example="RUN pip install --no-cache-dir flask",
        good_example="RUN pip install --no-cache-dir flask==3.0.3",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, command, inv in pip_calls(target, pipx=True):
            if inv.values("-c", "--constraint"):
                continue
            glued = constraint_read_as_redirect(run.script, command)  # DW203's finding
            self_upgrade = inv.has("-U", "--upgrade")
            unpinned = [(w, t) for w, t in known_operands(target, run, inv)
                        if not pip_requirement_pinned(t) and w.start not in glued
                        and not (self_upgrade and t.lower() in PACKAGING_TOOLS)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "PyPI", "{}==<version>")


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
        for run, command, inv in tool_calls(target, ("poetry",)):
            if inv.sub not in ("install", "add", "update", "sync") or not ships(target, run):
                continue
            if inv.has("--no-cache") or env_truthy(target, run, run.script, command, "POETRY_NO_CACHE"):
                continue
            cache_dir = poetry_cache_dir(target, run)
            dirs = tuple(d for d in (cache_dir, POETRY_CACHE) if d)
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
        for run, command, inv in tool_calls(target, ("pipenv",)):
            if inv.sub not in ("install", "sync", "update") or not ships(target, run):
                continue
            state = target.model.state_at(run.outer)
            configured = state.env.get("PIPENV_CACHE_DIR") if state is not None else None
            cache_dir = configured.text if configured is not None and configured.known else None
            dirs = tuple(d for d in (cache_dir, PIPENV_CACHE) if d)
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


# ---------------------------------------------------------------- uv

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
        for run, command, inv in tool_calls(target, ("uv",)):
            sub, last = inv.sub, inv.subcommand_word
            if sub in ("pip", "tool") and inv.operands:
                sub, last = f"{sub} {word_value(inv.operands[0])}", inv.operands[0]
            if sub not in ("pip install", "pip sync", "sync", "add", "tool install") or not ships(target, run):
                continue
            if inv.has("--no-cache", "-n") or env_truthy(target, run, run.script, command, "UV_NO_CACHE"):
                continue
            state = target.model.state_at(run.outer)
            configured = state.env.get("UV_CACHE_DIR") if state is not None else None
            cache_dir = configured.text if configured is not None and configured.known else None
            dirs = tuple(d for d in (cache_dir, UV_CACHE) if d)
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
