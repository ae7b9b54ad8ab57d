"""Downloads and what they leave behind: Binnacle's gold rules that dockwise lacked.

Binnacle (Henkel et al., ICSE 2020) mined 23 "gold rules" from the hand-maintained Dockerfiles
of docker-library. The apt/apk/yum/pip/npm/gem ones were already here (DL3009, DL3014, DL3015,
DL3019, DL3030, DL3032, DL3042, DW201, DW801, DW802); this module adds the ones about fetching
files and about what a fetch leaves in the layer:

=====  =================================  ==============================================
code   name                               Binnacle rule
=====  =================================  ==============================================
DW302  archive-left-after-unpack          tarSomethingRmTheSomething
DW303  signature-left-after-verify        gpgVerifyAscRmAsc
DW304  mktemp-dir-not-removed             rmRecursiveAfterMktempD
DW951  curl-without-fail                  curlUseFlagF
DW952  download-over-http                 curlUseHttpsUrl, wgetUseHttpsUrl
DW953  gpg-without-batch                  gpgUseBatchFlag
=====  =================================  ==============================================

Layer leftovers (DW30x, next to DW301) are judged only in stages whose layers ship (and in
ONBUILD triggers); download safety (DW95x) in every stage, since a builder stage that fetches
garbage or a swapped file poisons what it hands on.

Gold rules left out, and why:

- ``npmCacheCleanAfterInstall`` / ``npmCacheCleanUseForce``: DW801 covers the cache; since npm 5
  ``npm cache clean`` without ``--force`` refuses to run, so the flag is no longer a choice.
- ``gpgUseHaPools``: the ``ha.pool.sks-keyservers.net`` pool was shut down in 2021; the advice
  would point at a dead host.
- ``sha256sumEchoOneSpaces``: GNU ``sha256sum -c`` accepts one or two spaces (two mark text
  mode); only BusyBox once insisted on two. Too niche to be worth a rule.
- ``configureShouldUseBuildFlag``: ``--build=$(dpkg-architecture ...)`` matters for
  cross-building in docker-library's own images, not for Dockerfiles at large.
- ``gemUpdateSystemRmRootGem`` / ``gemUpdateNoDocument``: ``gem update --system`` in an image
  is rare and DW802 already asks for ``--no-document``.
- ``mkdirUsrSrcThenRemove``: docker-library's own layout convention (sources under /usr/src);
  DW302 and DW301 catch the bytes that matter.
- the apt/apk/yum/pip rules: already DL3009, DL3014, DL3015, DL3019, DL3030, DL3032, DL3042, DW201.

No other linter has an equivalent of these six: hadolint's request for a curl ``--fail`` rule
(hadolint#396) is still open, and neither trivy's DS rules nor checkov's CKV_DOCKER/CKV2_DOCKER
checks look at http URLs, curl's exit status, gpg's batch mode or leftovers; their aliases
name Binnacle's rules only.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules._runs import (
    Run, command_span, expanded, insert_after, iter_runs, mounts, name_word, path_covers,
    removed_paths, ships,
)
from dockwise.rules.base import CheckTarget, DockerfileRule

DOWNLOADERS = ("curl", "wget")
GPG = ("gpg", "gpg2")
TAR = ("tar", "bsdtar", "gtar")
SEVEN_ZIP = ("7z", "7za", "7zr")
RPM_INSTALLERS = ("yum", "dnf", "microdnf", "tdnf", "zypper")
# `-c` against a pinned sum: a swapped file fails the build. MD5 and SHA-1 count too: forging a
# file that matches a given (second-preimage) sum is still out of reach for both.
CHECKSUM_TOOLS = ("sha256sum", "sha384sum", "sha512sum", "sha224sum", "sha1sum", "md5sum", "shasum",
                  "b2sum", "sha3sum")

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
# gpg commands that only print: they never prompt, so --batch changes nothing
GPG_READ_ONLY = ("--version", "--help", "-h", "--list-keys", "-k", "--list-public-keys",
                 "--list-secret-keys", "-K", "--list-sigs", "--check-sigs", "--fingerprint",
                 "--list-packets", "--show-keys", "--print-md", "--list-config", "--dump-options",
                 "--warranty")
# gpg commands that write to stdout unless -o is given: nothing to overwrite, nothing to ask
GPG_TO_STDOUT = ("--export", "--export-ssh-key", "--dearmor", "--enarmor")
CURL_INFO_ONLY = ("--version", "-V", "--help", "-h", "--manual", "-M", "-I", "--head")
CURL_FAIL = ("-f", "--fail", "--fail-with-body")
MKTEMP_VALUE_OPTIONS = frozenset({"-p", "--suffix"})

_BRACED = lazy_compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ASSIGNED_FROM = lazy_compile(r"([A-Za-z_][A-Za-z0-9_]*)=[\"']?(?:\$\(|`)\s*$")
_X_RUN = lazy_compile(r"X{3,}$")
_SHORT_CLUSTER = lazy_compile(r"-[A-Za-z]+")
_IPV4 = lazy_compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})")


# ================================================================ paths as the shell sees them

def path_key(word: Any) -> str:
    """A comparable form of a path word: the literal value, or for ``"$TMP/x.tgz"`` the text
    with quotes dropped and ``${TMP}`` written ``$TMP`` (the same variable compares equal)."""
    value = getattr(word, "value", None)
    if value is None:
        value = _BRACED.sub(r"$\1", word.text.replace('"', "").replace("'", ""))
    return value


def _resolve(key: str, cwd: str | None) -> str:
    """``key`` made absolute against ``cwd`` (itself possibly ``$DIR``-rooted), normalised."""
    if not key.startswith(("/", "$", "~")) and cwd:
        key = posixpath.join(cwd, key)
    return posixpath.normpath(key) if key else key


class RunPaths:
    """Where each command of one RUN runs, as a comparable key: the shell model's literal
    ``cwd``, else the last ``cd $DIR`` as written, else the stage's WORKDIR."""

    def __init__(self, target: CheckTarget, run: Run) -> None:
        state = target.model.state_at(run.outer)
        workdir = state.workdir if state is not None and state.workdir else "/"
        self.run = run
        self.cwd: dict[int, str] = {}
        current = workdir
        for command in run.script.commands:
            self.cwd[id(command)] = command.cwd or current
            if command.name == "cd" and not command.in_substitution:
                target_words = command.positionals()
                if target_words:
                    current = _resolve(path_key(target_words[0]), current)
                else:
                    current = "~"

    def of(self, word: Any, command: Any) -> str:
        return _resolve(path_key(word), self.cwd.get(id(command)))

    def removed_after(self, command: Any, path: str) -> bool:
        """True if a command after ``command`` removes ``path`` (itself, a parent, a glob)."""
        for later in self.run.script.commands:
            if later.start <= command.start:
                continue
            for word in removed_paths(later):
                if covers(self.of(word, later), path):
                    return True
        return False


def covers(removed: str, path: str) -> bool:
    """True if removing ``removed`` (maybe a glob) deletes ``path``: the path itself, a parent,
    or a glob over either -- also for ``$VAR``-rooted keys (``rm -rf "$SRC"*``)."""
    if path_covers(removed, path):
        return True
    if not any(c in removed for c in "*?["):
        return False
    candidate = path
    while candidate and candidate not in ("/", "."):
        if fnmatch.fnmatchcase(candidate, removed):
            return True
        candidate = posixpath.dirname(candidate)
    return False


def run_paths(target: CheckTarget, run: Run) -> RunPaths:
    """The (per-file memoised) :class:`RunPaths` of ``run``."""
    return target.memo(("download-run-paths", id(run.outer)), lambda: RunPaths(target, run))


def _mounted(run: Run, path: str) -> bool:
    """True if ``path`` lies on a RUN --mount (cache, tmpfs, bind, secret): not in the layer."""
    for _kind, mount_target, _ in mounts(run.run):
        if mount_target and (path == mount_target or path.startswith(mount_target.rstrip("/") + "/")):
            return True
    return False


def option_values(command: Any, *names: str) -> list[Any]:
    """Every value given to one of ``names``: ``-o f``, ``-of``, ``-sSLo f``, ``--output=f``,
    ``--output f`` (the shell model's ``option_value`` returns the first only)."""
    found = []
    takes = command.value_options()
    args = command.args
    short = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
    i = 0
    while i < len(args):
        text = args[i].value if args[i].value is not None else args[i].text
        i += 1
        if text == "--":
            break
        if len(text) < 2 or text[0] != "-":
            continue
        if text.startswith("--"):
            key, eq, _ = text.partition("=")
            if key in names:
                found.append(_tail(args[i - 1], len(key) + 1) if eq else (args[i] if i < len(args) else None))
            if not eq and key in takes:
                i += 1
            continue
        for j, letter in enumerate(text[1:], 1):
            if letter in short or "-" + letter in takes:
                if j == len(text) - 1:
                    if letter in short and i < len(args):
                        found.append(args[i])
                    i += 1
                elif letter in short:
                    found.append(_tail(args[i - 1], j + 1))
                break
    return [w for w in found if w is not None]


def _tail(word: Any, skip: int) -> Any:
    from dockwise.model.shell import _sub_word

    return _sub_word(word, skip)


def _url_basename(text: str) -> str:
    return text.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]


# ================================================================ what a RUN downloads

class Fetched:
    """A file a command of the RUN put on disk: ``word`` is where to point (the output path, or
    the URL whose name curl -O/wget keep), ``path`` its comparable absolute key."""

    __slots__ = ("path", "word", "command")

    def __init__(self, path: str, word: Any, command: Any) -> None:
        self.path = path
        self.word = word
        self.command = command


def curl_urls(command: Any) -> list[Any]:
    return list(command.positionals()) + option_values(command, "--url")


def _download_targets(command: Any, paths: RunPaths) -> list[Fetched]:
    found: list[Fetched] = []
    cwd = paths.cwd.get(id(command))
    for redirect in command.redirects:
        if redirect.writes_file and redirect.target is not None:
            found.append(Fetched(paths.of(redirect.target, command), redirect.target, command))
    if command.name == "curl":
        directory = option_values(command, "--output-dir")
        base = _resolve(path_key(directory[-1]), cwd) if directory else cwd
        for out in option_values(command, "-o", "--output"):
            key = path_key(out)
            if key != "-" and not key.startswith("/dev/"):
                found.append(Fetched(_resolve(key, base), out, command))
        if command.has_option("-O", "--remote-name", "--remote-name-all"):
            for url in curl_urls(command):
                name = _url_basename(path_key(url))
                if name:
                    found.append(Fetched(_resolve(name, base), url, command))
    elif command.name == "wget":
        outputs = option_values(command, "-O", "--output-document")
        for out in outputs:
            key = path_key(out)
            if key != "-" and not key.startswith("/dev/"):
                found.append(Fetched(_resolve(key, cwd), out, command))
        if not outputs and not command.has_option("--spider"):
            prefix = option_values(command, "-P", "--directory-prefix")
            base = _resolve(path_key(prefix[-1]), cwd) if prefix else cwd
            for url in command.positionals():
                name = _url_basename(path_key(url))
                if name:
                    found.append(Fetched(_resolve(name, base), url, command))
    return found


def _copy_targets(command: Any, paths: RunPaths) -> list[Fetched]:
    """``cp SRC... DEST``: DEST itself, and DEST/basename(SRC) for each source."""
    positional = command.positionals()
    if len(positional) < 2:
        return []
    dest = positional[-1]
    dest_path = paths.of(dest, command)
    found = [Fetched(dest_path, dest, command)]
    for source in positional[:-1]:
        name = posixpath.basename(path_key(source).rstrip("/"))
        if name:
            found.append(Fetched(posixpath.join(dest_path, name), dest, command))
    return found


def fetched_files(run: Run, paths: RunPaths) -> list[Fetched]:
    """Every file the RUN downloads (curl, wget, redirected output) or copies (cp), in order."""
    found: list[Fetched] = []
    for command in run.script.commands:
        if command.name in DOWNLOADERS:
            found.extend(_download_targets(command, paths))
        elif command.name == "cp":
            found.extend(_copy_targets(command, paths))
    return found


def _produced_by(fetched: list[Fetched], path: str, consumer: Any) -> Fetched | None:
    """The last fetch of ``path`` before ``consumer`` runs."""
    hit = None
    for item in fetched:
        if item.command.start < consumer.start and item.path == path:
            hit = item
    return hit


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


# ================================================================ mktemp -d

def _mktemp_pattern(command: Any, paths: RunPaths) -> str:
    """Where ``mktemp -d`` creates its directory, as a glob (``/tmp/tmp.*`` by default)."""
    template = command.positionals(MKTEMP_VALUE_OPTIONS)
    directory = option_values(command, "-p") + [
        _tail(w, len("--tmpdir=")) for w in command.args if (w.value or "").startswith("--tmpdir=")]
    name = path_key(template[0]) if template else "tmp.XXXXXXXXXX"
    name = _X_RUN.sub("*", name)
    if name.startswith(("/", "$")):
        return posixpath.normpath(name)
    if directory:
        return _resolve(name, path_key(directory[-1]))
    if template and not command.has_option("-t", "--tmpdir"):
        return _resolve(name, paths.cwd.get(id(command)))
    return posixpath.join("/tmp", name)


def _assigned_variable(script: Any, command: Any) -> str | None:
    """``NAME`` of ``NAME="$(mktemp -d)"`` / ``export NAME=`mktemp -d```, when so assigned."""
    if not command.in_substitution:
        return None
    match = _ASSIGNED_FROM.search(script.text[max(command.start - 200, 0):command.start])
    return match.group(1) if match else None


def _removes_variable(command: Any, name: str) -> bool:
    """``rm -rf "$NAME"`` (or ``$NAME/*``, ``${NAME}``), a ``trap`` that will do it, or
    ``mv "$NAME" DEST`` (then it is no temporary directory)."""
    wanted = "$" + name
    if command.name == "mv":  # `mv "$tmp" /opt/app`: the directory becomes the product
        return any(path_key(w).rstrip("/") == wanted for w in command.positionals()[:-1])
    if command.name == "trap":
        text = " ".join(path_key(w) for w in command.args)
        return "rm " in text and (wanted + " " in text + " " or wanted + "/" in text
                                  or wanted + '"' in text)
    for word in removed_paths(command):
        key = path_key(word)
        if key in (wanted, wanted + "/", wanted + "/*", wanted + "/."):
            return True  # `rm -rf "$d"/*` leaves an empty directory: nothing to speak of
    return False


class MktempDirNotRemoved(DockerfileRule):
    info = RuleInfo(
        code="DW304", name="mktemp-dir-not-removed", severity=Severity.INFO,
        summary="A `mktemp -d` directory is not removed in the same RUN, so it ships in the layer.",
        rationale="A temporary directory made with `mktemp -d` (a GNUPGHOME keyring, a build tree) "
                  "outlives the RUN: whatever was put in it is stored in the layer under a random "
                  "name nobody will look for, and a keyring left there keeps the imported keys and "
                  "gpg-agent sockets in the image. Remove it before the RUN ends "
                  "(`rm -rf \"$GNUPGHOME\"`); a later RUN only hides it (DW301).",
        bad_example="RUN export GNUPGHOME=\"$(mktemp -d)\" \\\n"
                    "    && gpg --batch --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
        good_example="RUN export GNUPGHOME=\"$(mktemp -d)\" \\\n"
                     "    && gpg --batch --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4 \\\n"
                     "    && gpgconf --kill all && rm -rf \"$GNUPGHOME\"",
        aliases=("binnacle:rmRecursiveAfterMktempD",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            # a bare `mktemp -d` only prints its name: nothing can be put in the directory
            made = [c for c in run.find("mktemp")
                    if c.has_option("-d", "--directory") and c.in_substitution]
            if not made or not ships(target, run):
                continue
            paths = run_paths(target, run)
            for command in made:
                if not self._left_behind(run, paths, command):
                    continue
                variable = _assigned_variable(run.script, command)
                held = f" (held in ${variable})" if variable else ""
                removal = f'rm -rf "${variable}"' if variable else "rm -rf <the directory>"
                yield target.finding(
                    self.info,
                    f"`mktemp -d` makes a directory{held} that this RUN never removes: it and "
                    f"everything put in it stay in the layer. Add `{removal}` before the RUN ends.",
                    command_span(command, command.option("-d", "--directory")))

    def _left_behind(self, run: Run, paths: RunPaths, command: Any) -> bool:
        pattern = _mktemp_pattern(command, paths)
        if _mounted(run, posixpath.dirname(pattern) or "/"):
            return False
        variable = _assigned_variable(run.script, command)
        for later in run.script.commands:
            if later.start <= command.start:
                continue
            if variable and _removes_variable(later, variable):
                return False
            for word in removed_paths(later):
                if covers(paths.of(word, later), pattern):
                    return False
        return True


# ================================================================ curl --fail

def _stdout_consumed(script: Any, command: Any) -> str | None:
    """How the command's standard output is used: "piped" into a later command of its pipeline,
    "captured" by ``$(...)``/``<(...)``, "saved" by a redirect; None when it only reaches the log."""
    if any(r.writes_file for r in command.redirects):
        return "saved"
    if command.pipeline is not None and any(
            other.pipeline == command.pipeline and other.pipeline_index > command.pipeline_index
            for other in script.commands):
        return "piped"
    if command.in_substitution:
        return "captured"
    return None


def curl_output_use(script: Any, command: Any) -> str | None:
    """"saved"/"piped"/"captured" when curl's response body is used, else None."""
    outputs = [path_key(w) for w in option_values(command, "-o", "--output")]
    if command.has_option("-O", "--remote-name", "--remote-name-all"):
        return "saved"
    if any(o != "-" and not o.startswith("/dev/") for o in outputs):
        return "saved"
    if outputs and all(o.startswith("/dev/") for o in outputs):
        return None
    return _stdout_consumed(script, command)


def _checks_status_itself(command: Any) -> bool:
    """``-w '%{http_code}'``: the script reads the status and decides."""
    return any("http_code" in path_key(w) or "response_code" in path_key(w)
               for w in option_values(command, "-w", "--write-out"))


_NON_HTTP = ("file:", "ftp:", "ftps:", "sftp:", "scp:", "smb:", "smbs:", "ldap:", "ldaps:", "dict:",
             "tftp:", "telnet:", "gopher:", "mqtt:", "imap:", "imaps:", "pop3:", "pop3s:", "smtp:",
             "smtps:", "rtsp:")


def _only_non_http(command: Any) -> bool:
    urls = [path_key(w).lower() for w in curl_urls(command)]
    return bool(urls) and all(u.startswith(_NON_HTTP) for u in urls)


def _add_fail_fix(run: Run, command: Any) -> Fix | None:
    """``curl -sSL`` -> ``curl -fsSL``; else ``curl -f ...`` right after the command name."""
    takes = command.value_options()
    previous = None
    for word in command.args:
        value = word.value
        if value == "--":
            break
        if (value is not None and word.text == value and _SHORT_CLUSTER.fullmatch(value)
                and not (previous is not None and _consumes_value(previous, takes))
                and word.span is not None and not run.run.json_form):
            at = word.span.start.offset + 1
            return Fix("add -f to curl", (Edit(at, at, "f"),))
        previous = value
    return insert_after(run, name_word(command), " -f", "add -f to curl")


def _consumes_value(option: str | None, takes: frozenset[str]) -> bool:
    if not option or not option.startswith("-") or option == "-":
        return False
    if option.startswith("--"):
        return "=" not in option and option in takes
    return "-" + option[-1] in takes


class CurlWithoutFail(DockerfileRule):
    info = RuleInfo(
        code="DW951", name="curl-without-fail", severity=Severity.WARNING,
        summary="curl's output is used, but without `-f` an HTTP error page counts as success.",
        rationale="Without `--fail`, curl exits 0 when the server answers 404 or 500 and writes "
                  "the error page where the file should go, or pipes it on: the build carries on "
                  "with an HTML page as its tarball, key or install script and breaks later with a "
                  "confusing message -- or, piped into a shell, runs it. `-f` makes curl exit "
                  "non-zero so the RUN stops at the real cause (`-fsSL` is the usual set; "
                  "`--fail-with-body` also keeps the page for the log).",
        bad_example="RUN curl -sSL -o /tmp/app.tar.gz https://example.com/app-1.2.3.tar.gz",
        good_example="RUN curl -fsSL -o /tmp/app.tar.gz https://example.com/app-1.2.3.tar.gz",
        aliases=("binnacle:curlUseFlagF",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for command in run.find("curl"):
                if (command.has_option(*CURL_FAIL) or command.has_option(*CURL_INFO_ONLY)
                        or command.has_option("-K", "--config") or _checks_status_itself(command)
                        or _only_non_http(command)):
                    continue
                use = curl_output_use(run.script, command)
                if use is None:
                    continue
                what = {"saved": "saves the response body",
                        "piped": "pipes the response body on",
                        "captured": "substitutes the response body into the command line"}[use]
                word = name_word(command)
                yield target.finding(
                    self.info,
                    f"curl without `-f` {what} even when the server answers with an HTTP error "
                    f"(404, 500): the error page is used as if it were the real content and the "
                    f"build goes on. Add `-f` (`curl -fsSL ...`).",
                    word.span if word is not None and word.span else command.span,
                    fix=_add_fail_fix(run, command))


# ================================================================ http:// downloads

def _host(url: str) -> str | None:
    """The host of an ``http://`` URL (lower case), None when it is not literal."""
    rest = url[len("http://"):]
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    authority = authority.rsplit("@", 1)[-1]
    if authority.startswith("["):
        host = authority[1:].split("]", 1)[0]
    else:
        host = authority.split(":", 1)[0]
    if not host or any(c in host for c in "$`{}()\\\"'"):
        return None
    return host.lower().rstrip(".")


_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test", ".example",
                   ".invalid")


def is_local_host(host: str) -> bool:
    """Loopback, private and link-local addresses, and names that cannot be public: a download
    from them never crosses the internet (``nexus:8081``, ``host.docker.internal``)."""
    if host in ("localhost", "::1", "0.0.0.0") or "." not in host and ":" not in host:
        return True
    if host.endswith(_LOCAL_SUFFIXES):
        return True
    match = _IPV4.fullmatch(host)
    if match:
        a, b = int(match.group(1)), int(match.group(2))
        return (a in (10, 127) or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168)
                or (a == 169 and b == 254) or (a == 100 and 64 <= b <= 127))
    return host.startswith(("fc", "fd", "fe80:")) and ":" in host


def plain_http_host(url: str) -> str | None:
    """The host when ``url`` fetches over plain http from a host that is not local, else None."""
    if not url[:7].lower() == "http://":
        return None
    host = _host(url)
    if host is None or is_local_host(host):
        return None
    return host


def _verified_after(script: Any, command: Any) -> bool:
    """A checksum or signature check runs after ``command`` in the same RUN."""
    for later in script.commands:
        if later.start <= command.start:
            continue
        if later.name in CHECKSUM_TOOLS and later.has_option("-c", "--check"):
            return True
        if (later.name in GPG and later.has_option("--verify")) or later.name == "gpgv":
            return True
    return False


def _url_words(command: Any) -> list[Any]:
    if command.name == "curl":
        return curl_urls(command)
    if command.has_option("--spider"):
        return []
    return command.positionals()


class DownloadOverHttp(DockerfileRule):
    info = RuleInfo(
        code="DW952", name="download-over-http", severity=Severity.WARNING,
        summary="A file is downloaded over plain `http://`.",
        rationale="Over plain http anyone on the path (a café Wi-Fi, a compromised proxy or mirror, "
                  "a hostile network between the CI runner and the server) can swap the file, and "
                  "the build installs what it got. Use the https URL, and pin what you expect with "
                  "a checksum (`sha256sum -c`) or a signature so a swapped file fails the build. "
                  "Where a checksum or signature check follows in the same RUN (or ADD --checksum "
                  "is set) the finding is only informational.",
        bad_example="RUN curl -fsSLo /tmp/go.tgz http://dl.google.com/go/go1.23.4.linux-amd64.tar.gz",
        good_example="RUN curl -fsSLo /tmp/go.tgz https://dl.google.com/go/go1.23.4.linux-amd64.tar.gz",
        aliases=("binnacle:curlUseHttpsUrl", "binnacle:wgetUseHttpsUrl"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            for command in run.find(*DOWNLOADERS):
                for word in _url_words(command):
                    url = expanded(target, run, word)
                    host = plain_http_host(url)
                    if host is None:
                        continue
                    yield self._finding(target, word.span or command.span, command.name, host,
                                        _verified_after(run.script, command))
        yield from self._add_urls(target)

    def _add_urls(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.rules._instr_words import all_instructions, instruction_words, word_span

        for instr in all_instructions(target.model):
            if instr.keyword != "ADD" or instr.heredocs:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            for word in words[:-1]:
                if "://" not in word.value:
                    continue
                host = plain_http_host(target.model.expand(word.value, instr).text)
                if host is not None:
                    yield self._finding(target, word_span(instr, word), "ADD", host,
                                        instr.flag("checksum") is not None)

    def _finding(self, target: CheckTarget, span: Any, tool: str, host: str, verified: bool) -> Finding:
        if verified:
            return target.finding(
                self.info,
                f"{tool} fetches from {host} over plain http; the checksum or signature check that "
                f"follows catches a swapped file, but use https anyway (the request and what it "
                f"reveals stay private, and a tampered file fails earlier).",
                span, severity=Severity.INFO)
        return target.finding(
            self.info,
            f"{tool} fetches from {host} over plain http: anyone on the network path can swap the "
            f"file and the build installs it. Use https, and check a pinned checksum "
            f"(`echo \"<sha256>  file\" | sha256sum -c -`).",
            span)


# ================================================================ gpg --batch

def _gpg_conf_sets_batch(run: Run) -> bool:
    """The RUN writes ``batch`` into a gpg.conf (then every gpg call is in batch mode)."""
    for command in run.script.commands:
        for redirect in command.redirects:
            if redirect.target is not None and path_key(redirect.target).endswith("gpg.conf"):
                if "batch" in run.script.text_of(command):
                    return True
    return False


class GpgWithoutBatch(DockerfileRule):
    info = RuleInfo(
        code="DW953", name="gpg-without-batch", severity=Severity.INFO,
        summary="gpg runs without `--batch`, so it may try to ask a question during the build.",
        rationale="Without `--batch`, gpg asks before overwriting a file (`--dearmor -o` of an "
                  "existing keyring), deleting a key or trusting one, and GnuPG 2 may start a "
                  "pinentry: in a build there is no terminal to answer, so the RUN fails with "
                  "`cannot open '/dev/tty'` or waits. `--batch` makes gpg decide without asking "
                  "(and fail cleanly when it cannot).",
        bad_example="RUN gpg --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
        good_example="RUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys B42F6819007F00F88E364FD4036A9C25BF357DD4",
        aliases=("binnacle:gpgUseBatchFlag",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            calls = run.find(*GPG)
            if not calls or _gpg_conf_sets_batch(run):
                continue
            for command in calls:
                if command.has_option("--batch", "--no-batch") or command.has_option(*GPG_READ_ONLY):
                    continue
                if command.has_option(*GPG_TO_STDOUT) and not command.has_option("-o", "--output"):
                    continue  # `gpg --export KEY | apt-key add -`: writes stdout, never asks
                word = name_word(command)
                yield target.finding(
                    self.info,
                    f"`{command.name}` without `--batch` may stop to ask (overwrite, trust, "
                    f"passphrase) and there is no terminal in a build; add `--batch`.",
                    word.span if word is not None and word.span else command.span,
                    fix=insert_after(run, word, " --batch", "add --batch to gpg"))
