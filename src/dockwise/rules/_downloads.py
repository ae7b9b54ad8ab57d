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
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.rules._runs import Run, mounts, path_covers, removed_paths
from dockwise.rules.base import CheckTarget


DOWNLOADERS = ("curl", "wget")
GPG = ("gpg", "gpg2")


_BRACED = lazy_compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


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


# ---------------------------------------------------------------- consumers that check input

DECOMPRESSORS = frozenset({"gunzip", "zcat", "bunzip2", "bzcat", "unxz", "xzcat", "unzstd", "zstdcat"})
TAR_DECOMPRESS_OPTIONS = ("-z", "-j", "-J", "--gzip", "--gunzip", "--bzip2", "--xz", "--zstd", "--lzma")
# Consumers that fail by themselves on missing input: `grep PATTERN` finds nothing, a checksum
# check finds no line to verify. Behind them a failed producer stops the build anyway.
# MD5 and SHA-1 count too: forging a file that matches a given (second-preimage) sum is still
# out of reach for both.
CHECKSUM_TOOLS = frozenset({"sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "md5sum",
                            "b2sum", "shasum", "sha3sum"})
SIGNATURE_TOOLS = frozenset({"gpgv", "cosign", "minisign", "signify", "sigstore", "slsa-verifier"})
OPENSSL_DIGESTS = frozenset({"dgst", "sha1", "sha224", "sha256", "sha384", "sha512", "md5", "sha3-256",
                             "sha3-512"})


def verifies(command: Any) -> bool:
    """A checksum or signature check: ``sha256sum -c``, a hash the script compares (``sha256sum
    f | grep``, ``openssl sha512``), ``gpg --verify``, ``gpgv``, ``cosign verify``, ``rpm -K``."""
    name = command.name or ""
    if name in CHECKSUM_TOOLS or name in SIGNATURE_TOOLS:
        return True
    if name in GPG and command.has_option("--verify"):
        return True
    if name == "openssl" and command.args and (command.args[0].value or "") in OPENSSL_DIGESTS:
        return True
    return name == "rpm" and command.has_option("-K", "--checksig")


def verified_after(script: Any, command: Any) -> bool:
    """A checksum or signature check (:func:`verifies`) runs after ``command`` in the same RUN."""
    return any(later.start > command.start and verifies(later) for later in script.commands)


def validates_input(command: Any) -> bool:
    """Fails by itself when what it reads is empty or cut short: a checksum check, a grep for a
    pattern, a decompressor (``tar -xz``, ``gunzip``; truncated input is a format error)."""
    name = command.name
    if name in CHECKSUM_TOOLS:
        return command.has_option("-c", "--check")
    if name in DECOMPRESSORS or (name in ("gzip", "bzip2", "xz", "zstd") and command.has_option("-d", "--decompress")):
        return True
    if name == "tar":
        return _tar_decompresses(command)
    if name in ("grep", "egrep", "fgrep"):
        return not command.has_option("-v", "--invert-match", "-c", "--count", "-L", "--files-without-match")
    return False


def _tar_decompresses(command: Any) -> bool:
    """``tar -xzf -``, ``tar xz``, ``tar xjC /dir``: the first word may be old-style bundled flags."""
    if command.has_option(*TAR_DECOMPRESS_OPTIONS):
        return True
    first = command.args[0].value if command.args else None
    return bool(first) and not first.startswith("-") and "x" in first and any(c in first for c in "zjJ")
