"""Files a RUN downloads and uses (unpacks, verifies) but leaves in its layer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._downloads import (
    GPG, _mounted, _produced_by, covers, fetched_files, option_values, path_key, run_paths,
)
from dockwise.rules._runs import Run, iter_runs, removed_paths, ships
from dockwise.rules.base import CheckTarget, DockerfileRule


TAR = ("tar", "bsdtar", "gtar")
SEVEN_ZIP = ("7z", "7za", "7zr")
RPM_INSTALLERS = ("yum", "dnf", "microdnf", "tdnf", "zypper")


# options of gpg that take a value, beyond the shell model's list (so operands are found)
GPG_VALUE_OPTIONS = frozenset({
    "--keyserver", "-o", "--output", "--homedir", "--keyring", "--export-options", "--import-options",
    "--trust-model", "--default-key", "-u", "--local-user", "--recipient", "-r", "--keyserver-options",
    "--status-fd", "--logger-fd", "--attribute-fd", "--command-fd", "--passphrase-fd", "--passphrase",
    "--passphrase-file", "--keyid-format", "--weak-digest", "--compress-algo", "--cipher-algo",
    "--digest-algo", "--default-recipient", "-z", "--encrypt-to", "--set-filename", "--log-file",
    "--auto-key-locate", "--verify-options", "--list-options", "--trustdb-name", "--primary-keyring",
    "--status-file", "--logger-file", "--trusted-key", "--pinentry-mode", "--secret-keyring",
})


# ================================================================ unpacking and verifying

def _tar_archives(command: Any) -> list[Any]:
    args = command.args
    first = args[0].value if args else None
    if first and not first.startswith("-") and "x" in first and first.isalpha():
        # old style `tar xzf FILE`: value letters take the next words, in order
        takes = [c for c in first if c in "fCbTXIKNVgH"]
        if "f" in takes and len(args) > takes.index("f") + 1:
            return [args[takes.index("f") + 1]]
        return []
    if not command.has_option("-x", "--extract", "--get"):
        return []
    return option_values(command, "-f", "--file")


def unpacked_archives(command: Any) -> list[Any]:
    """The archive words a command unpacks or installs from (tar, unzip, 7z, dpkg, rpm, ...)."""
    name = command.name
    if name in TAR:
        words = _tar_archives(command)
    elif name == "unzip":
        words = command.positionals()[:1]
    elif name in SEVEN_ZIP:
        words = command.operands()[:1] if command.subcommand() in ("x", "e") else []
    elif name == "dpkg":
        words = command.positionals() if command.has_option("-i", "--install") else []
    elif name == "rpm":
        words = command.positionals() if command.has_option("-i", "-U", "--install", "--upgrade") else []
    elif name in ("apt-get", "apt") or name in RPM_INSTALLERS:
        words = [w for w in command.operands() if "/" in path_key(w)
                 and path_key(w).endswith((".deb", ".rpm")) and "://" not in path_key(w)]
    else:
        return []
    return [w for w in words if path_key(w) not in ("-", "") and "://" not in path_key(w)]


def verified_signatures(command: Any) -> list[Any]:
    """The signature word of ``gpg --verify SIG [DATA]`` / ``gpgv SIG DATA``."""
    if command.name in GPG and command.has_option("--verify"):
        operands = command.positionals(GPG_VALUE_OPTIONS)
    elif command.name == "gpgv":
        operands = command.positionals(GPG_VALUE_OPTIONS)
    else:
        return []
    return operands[:1]


def _later_removal_line(target: CheckTarget, runs: list[Run], run: Run, path: str) -> int | None:
    """Line of a later RUN of the same build that removes ``path`` (DW301's case), if any."""
    stage = target.model.stage_of(run.outer)
    later = False
    for other in runs:
        if other is run:
            later = True
            continue
        if not later or other.onbuild != run.onbuild or target.model.stage_of(other.outer) is not stage:
            continue
        paths = run_paths(target, other)
        for command in other.script.commands:
            for word in removed_paths(command):
                if covers(paths.of(word, command), path):
                    return command.span.start.line if command.span else other.outer.line
    return None


class _LeftoverRule(DockerfileRule):
    """A file fetched in a RUN and used there (unpacked, verified) but never removed there."""

    noun = "archive"

    def consumed(self, command: Any) -> list[Any]:
        raise NotImplementedError

    def message(self, name: str, consumer: Any, later: int | None) -> str:
        raise NotImplementedError

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        runs = iter_runs(target)
        for run in runs:
            if not ships(target, run):
                continue
            consumers = [(c, w) for c in run.script.commands for w in self.consumed(c)]
            if not consumers:
                continue
            paths = run_paths(target, run)
            fetched = fetched_files(run, paths)
            reported: set[int] = set()
            for consumer, word in consumers:
                path = paths.of(word, consumer)
                origin = _produced_by(fetched, path, consumer)
                if origin is None or id(origin.word) in reported or _mounted(run, path):
                    continue
                if paths.removed_after(origin.command, path):
                    continue
                reported.add(id(origin.word))
                later = _later_removal_line(target, runs, run, path)
                yield target.finding(self.info, self.message(path_key(word), consumer, later),
                                     origin.word.span or origin.command.span, path=path)


def _consumer_name(consumer: Any) -> str:
    return consumer.name or "it"


class ArchiveLeftAfterUnpack(_LeftoverRule):
    info = RuleInfo(
        code="DW302", name="archive-left-after-unpack", severity=Severity.INFO,
        summary="An archive downloaded (or copied) in a RUN is unpacked or installed there but "
                "never removed, so the image keeps it.",
        rationale="The archive stays in the layer next to everything unpacked from it: the image "
                  "carries those bytes twice, and every push and pull pays for them. Removing it in "
                  "a later RUN only hides it (DW301). Remove it in the RUN that unpacked it, or "
                  "stream the download into the unpacker (`curl -fsSL URL | tar -xz`).",
        bad_example="RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz \\\n"
                    "    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1",
        good_example="RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.18.0/node-v20.18.0-linux-x64.tar.xz \\\n"
                     "    && tar -xJf /tmp/node.tar.xz -C /usr/local --strip-components=1 \\\n"
                     "    && rm /tmp/node.tar.xz",
        aliases=("binnacle:tarSomethingRmTheSomething",),
    )

    def consumed(self, command: Any) -> list[Any]:
        return unpacked_archives(command)

    def message(self, name: str, consumer: Any, later: int | None) -> str:
        verb = "installs" if consumer.name not in TAR + SEVEN_ZIP + ("unzip",) else "unpacks"
        tail = (f"; the removal on line {later} runs in a later RUN and only hides it (DW301)"
                if later else "")
        return (f"`{_consumer_name(consumer)}` {verb} {name} but this RUN never removes it: the "
                f"archive stays in the layer next to its contents, and every pull pays for it twice"
                f"{tail}. Add `rm -f {name}` to this RUN, or pipe the download into the unpacker.")


class SignatureLeftAfterVerify(_LeftoverRule):
    info = RuleInfo(
        code="DW303", name="signature-left-after-verify", severity=Severity.INFO,
        summary="A downloaded signature is verified but not removed in the same RUN.",
        rationale="Once `gpg --verify` has checked it, the `.asc`/`.sig` file is dead weight in the "
                  "layer, and a stray signature next to a binary misleads whoever inspects the image "
                  "later (it proves nothing about the files that ship). Remove it in the RUN that "
                  "verified it; a later RUN only hides it (DW301).",
        bad_example="RUN wget -qO /usr/local/bin/gosu https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 \\\n"
                    "    && wget -qO /usr/local/bin/gosu.asc https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64.asc \\\n"
                    "    && gpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu",
        good_example="RUN wget -qO /usr/local/bin/gosu https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 \\\n"
                     "    && wget -qO /usr/local/bin/gosu.asc https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64.asc \\\n"
                     "    && gpg --batch --verify /usr/local/bin/gosu.asc /usr/local/bin/gosu \\\n"
                     "    && rm /usr/local/bin/gosu.asc",
        aliases=("binnacle:gpgVerifyAscRmAsc",),
    )

    def consumed(self, command: Any) -> list[Any]:
        return verified_signatures(command)

    def message(self, name: str, consumer: Any, later: int | None) -> str:
        tail = (f"; the removal on line {later} runs in a later RUN and only hides it (DW301)"
                if later else "")
        return (f"the signature {name} is verified but this RUN never removes it, so it ships in the "
                f"layer{tail}. Add `rm -f {name}` once `{_consumer_name(consumer)} --verify` has run.")
