"""A downloaded archive, package or program installed without a checksum or signature check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.shell import DOWNLOADERS
from dockwise.rules._downloads import fetched_files, run_paths, verified_after
from dockwise.rules._runs import Run, expanded, iter_runs, word_value
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.downloads.plain_http import plain_http_host

EXTRACTORS = frozenset({"tar", "unzip", "bsdtar", "7z", "7za", "gunzip", "unxz", "bunzip2", "zstd"})
PACKAGE_INSTALLERS = {"dpkg": ("-i", "--install"), "rpm": ("-i", "-U", "--install", "--upgrade", "-ivh", "-Uvh"),
                      "apk": ("add",), "apt-get": ("install",), "apt": ("install",), "yum": ("install", "localinstall"),
                      "dnf": ("install",), "gdebi": ()}
# A 40-hex git commit in the URL (raw.githubusercontent.com/org/repo/<sha>/file, an archive of a
# commit): the content is fixed by the URL itself.
_COMMIT_IN_URL = lazy_compile(r"(?i)/[0-9a-f]{40}(?:[/.]|$)")


def _how_installed(run: Run, path: str, download: Any, paths: Any) -> str | None:
    """What a later command of the RUN does with the downloaded file, if it installs it."""
    for command in run.script.commands:
        if command.start <= download.start:
            continue
        args = [paths.of(w, command) for w in command.args]
        if path not in args:
            if command.name == path.rsplit("/", 1)[-1] or (command.argv and paths.of(command.argv[0], command) == path):
                return "runs it"
            continue
        name = command.name or ""
        if name in EXTRACTORS:
            return "unpacks it"
        if name in PACKAGE_INSTALLERS:
            return "installs it as a package"
        if name in ("sh", "bash", "dash", "ash", "python", "python3", "perl", "ruby", "node", "php"):
            return "runs it"
        if name == "chmod" and any("x" in (word_value(w) or "") or (word_value(w) or "").isdigit()
                                   for w in command.args[:1]):
            return "makes it executable"
        if name in ("mv", "install", "cp") and any(
                "/bin/" in a or a.endswith("/bin") for a in args[args.index(path) + 1:]):
            return "puts it on the PATH"
    return None


def _piped_into_extractor(run: Run, download: Any) -> bool:
    """``curl ... | tar -xz``: the stream is unpacked as it arrives."""
    if download.pipeline is None:
        return False
    return any(c.pipeline == download.pipeline and c.pipeline_index > download.pipeline_index
               and c.name in EXTRACTORS for c in run.script.commands)


class DownloadInstalledUnverified(DockerfileRule):
    info = RuleInfo(
        code="DW957", name="download-installed-unverified", severity=Severity.WARNING,
        summary="A downloaded archive, package or program is installed without a checksum or signature check.",
        rationale="A release asset on https proves which server sent it, not what it is: a "
                  "compromised upstream account, a re-tagged release or a hijacked mirror ships its "
                  "own binary, and the build installs it without noticing. Pin what you expect: "
                  "`echo \"<sha256>  tool.tgz\" | sha256sum -c -` (or verify the publisher's "
                  "signature) before unpacking, installing or running the file, or use "
                  "`ADD --checksum=sha256:...`.",
        bad_example=("RUN curl -fsSLo /tmp/tool.tgz https://github.com/org/tool/releases/download/v1.4.2/tool-linux-amd64.tgz \\\n"
                     " && tar -xzf /tmp/tool.tgz -C /usr/local/bin && rm /tmp/tool.tgz"),
        good_example=("RUN curl -fsSLo /tmp/tool.tgz https://github.com/org/tool/releases/download/v1.4.2/tool-linux-amd64.tgz \\\n"
                      " && echo \"24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/tool.tgz\" | sha256sum -c - \\\n"
                      " && tar -xzf /tmp/tool.tgz -C /usr/local/bin && rm /tmp/tool.tgz"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            downloads = [c for c in run.script.commands if c.name in DOWNLOADERS]
            if not downloads:
                continue
            paths = run_paths(target, run)
            fetched = [f for f in fetched_files(run, paths) if f.command.name in DOWNLOADERS]
            for download in downloads:
                if (verified_after(run.script, download) or _over_plain_http(target, run, download)
                        or _pinned_by_commit(target, run, download)):
                    continue  # checked, content fixed by the URL, or DW952 already says it
                how = "unpacks it as it arrives" if _piped_into_extractor(run, download) else None
                for item in fetched:
                    if how is None and item.command is download:
                        how = _how_installed(run, item.path, download, paths)
                if how is None:
                    continue
                word = next((w for w in download.positionals() if "://" in (w.text or "")), None)
                yield target.finding(
                    self.info,
                    f"`{download.name}` downloads a file and the RUN {how} without checking a "
                    f"checksum or signature: a replaced release or a compromised mirror ends up in "
                    f"the image unnoticed. Verify it first "
                    f"(`echo \"<sha256>  <file>\" | sha256sum -c -`, or the publisher's signature).",
                    (word.span if word is not None and word.span else download.span))


def _pinned_by_commit(target: CheckTarget, run: Run, download: Any) -> bool:
    return any(_COMMIT_IN_URL.search(expanded(target, run, w)) for w in download.positionals())


def _over_plain_http(target: CheckTarget, run: Run, download: Any) -> bool:
    return any(plain_http_host(expanded(target, run, w)) for w in download.positionals())
