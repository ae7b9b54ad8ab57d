"""npm and yarn: caches and pins."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import append_to_run, cache_mounted, ships, unpinned_finding
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._languages import cleaned_later, known_operands, label, span_of_call, tool_calls


NPM_VALUE_OPTIONS = frozenset({"--prefix", "--registry", "--cache", "-w", "--workspace", "--userconfig",
                               "--loglevel", "--omit", "--include", "--tag", "--install-strategy"})
NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
                         "isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean"})


YARN_VALUE_OPTIONS = frozenset({"--cache-folder", "--modules-folder", "--network-timeout", "--cwd",
                                "--mutex", "--registry"})


# `npm cache clear` is npm 2-4's name for `npm cache clean` (docker-library's node images use it)
NPM_CACHE_CLEANERS = (("npm", "cache", "clean"), ("npm", "cache", "clear"))


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
