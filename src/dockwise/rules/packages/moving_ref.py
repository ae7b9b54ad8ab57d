"""Packages installed from a repository branch: the install follows whatever is pushed next."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._languages import known_operands, pip_calls, tool_calls
from dockwise.rules.packages.node import NPM_INSTALL

# Names that are branches (or symbolic refs) by convention, never releases.
BRANCH_NAMES = frozenset({"main", "master", "develop", "development", "dev", "trunk", "head", "latest",
                          "stable", "next", "nightly", "default"})

_NAMED = lazy_compile(r"^[A-Za-z0-9._\[\],-]+\s*@\s*")  # PEP 508 `name @ url`
_VCS_URL = lazy_compile(r"(?i)^(git|hg|svn|bzr)\+\S+$")
_ARCHIVE_OF_BRANCH = lazy_compile(
    r"(?i)^https?://[^\s]*/(?:archive|tarball|zipball|-/archive)/(?:refs/heads/)?"
    r"(main|master|develop|dev|trunk|HEAD)(?:\.(?:zip|tar\.gz|tgz))?(?:[/?#]|$)")
_NPM_GIT = lazy_compile(
    r"(?i)^(?:git\+\S+|git://\S+|github:\S+|gitlab:\S+|bitbucket:\S+|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:#\S*)?)$")


def _vcs_ref(url: str) -> str | None:
    """The ref after the last ``@`` of a pip VCS URL's path (``git+https://h/r.git@v1.2#egg=x``)."""
    path = url.split("#", 1)[0]
    scheme_end = path.find("://")
    tail = path[scheme_end + 3:] if scheme_end >= 0 else path
    tail = tail.split("/", 1)[1] if "/" in tail else ""  # skip the host (and a user@)
    if "@" not in tail:
        return None
    return tail.rsplit("@", 1)[1]


def moving_pip_source(text: str) -> str | None:
    """Why a pip requirement follows a branch, or None."""
    url = _NAMED.sub("", text, count=1)
    if _VCS_URL.match(url):
        ref = _vcs_ref(url)
        if ref is None:
            return "names no commit or tag, so it installs the default branch as it is that day"
        if ref.lower() in BRANCH_NAMES:
            return f"follows the `{ref}` branch"
        return None
    match = _ARCHIVE_OF_BRANCH.match(text)
    if match:
        return f"downloads an archive of the `{match.group(1)}` branch"
    return None


def moving_npm_source(text: str) -> str | None:
    """Why an npm install argument follows a branch, or None (registry packages are DL3016's)."""
    if text.startswith(("@", ".", "/", "~")) or not _NPM_GIT.match(text):
        return None
    if "://" not in text and ":" not in text and text.count("/") != 1:
        return None
    ref = text.rsplit("#", 1)[1] if "#" in text else None
    if ref is None:
        return "names no commit or tag, so it installs the default branch as it is that day"
    ref = ref.removeprefix("semver:")
    if ref.lower() in BRANCH_NAMES:
        return f"follows the `{ref}` branch"
    return None


class InstallFromMovingRef(DockerfileRule):
    info = RuleInfo(
        code="DW204", name="install-from-moving-ref", severity=Severity.WARNING,
        summary="A package is installed from a repository branch; pin a commit or a release tag.",
        rationale="`pip install git+https://github.com/org/lib` or `...@main`, and "
                  "`npm install github:org/lib`, install whatever the branch holds when the image is "
                  "built: two builds of the same Dockerfile ship different code, a push upstream can "
                  "break the build or slip in a change nobody reviewed, and the cache hides it until "
                  "the next rebuild. Pin a commit (`@3f5a9c0`) or a release tag (`@v1.4.2`), or install "
                  "a released version from the package index.",
        bad_example="RUN pip install --no-cache-dir git+https://github.com/org/lib.git@main",
        good_example="RUN pip install --no-cache-dir git+https://github.com/org/lib.git@v1.4.2",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in pip_calls(target):
            for word, text in known_operands(target, run, inv):
                why = moving_pip_source(text)
                if why is not None:
                    yield self._finding(target, "pip install", text, why, word.span)
        for run, _command, inv in tool_calls(target, ("npm", "pnpm", "yarn")):
            if inv.sub not in NPM_INSTALL:
                continue
            for word, text in known_operands(target, run, inv):
                why = moving_npm_source(text)
                if why is not None:
                    yield self._finding(target, f"{inv.command.name} {inv.sub}", text, why, word.span)

    def _finding(self, target: CheckTarget, call: str, text: str, why: str, span) -> Finding:
        return target.finding(
            self.info,
            f"`{call} {text}` {why}: each build can ship different, unreviewed code. Pin a commit "
            f"or a release tag (`@<sha>` / `@v1.2.3`, `#<sha>` for npm), or install a released version.",
            span)
