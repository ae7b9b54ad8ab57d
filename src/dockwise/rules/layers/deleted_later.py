"""Family 3: deleting in a later layer only hides the bytes.

Every RUN/COPY/ADD writes one layer; a file written in one layer and removed by a later RUN is
still stored (and pulled) in full -- the later layer only records a "whiteout". This rule
follows, stage by stage (a stage built FROM another inherits its history), what each
instruction downloaded, cloned, extracted, copied or cached, and reports an ``rm`` in a later
RUN that targets it, naming the line that created it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from dockwise._record import DataRecord
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.package_caches import cache_dir
from dockwise.rules._runs import (
    REMOVERS, Run, cache_mounted, is_under, iter_runs, path_covers, position_of, removed_paths,
    removes_after, shipping_stage_indexes, word_value,
)
from dockwise.model.copies import copy_sources
from dockwise.model.stages import layer_number
from dockwise.rules.base import CheckTarget, DockerfileRule


WRITERS = ("wget", "curl", "git", "tar", "unzip", "cp", "mv", "install", "pip", "pip3")
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")

# The subcommands that fill a package manager's cache or index (dockwise.knowledge.package_caches
# says where it is), unless it is removed in the same RUN.
CACHE_FILLERS: dict[str, tuple[str, ...]] = {
    "apt-get": ("update",),
    "apt": ("update",),
    "apk": ("update", "add"),
    "yum": ("install", "update", "upgrade", "makecache"),
    "dnf": ("install", "in", "update", "upgrade", "makecache"),
    "pip": ("install",),
    "pip3": ("install",),
    "npm": ("install", "i", "ci"),
}


class Created(DataRecord):
    __slots__ = ("path", "instruction", "verb", "advice", "tree")

    path: str  # absolute, normalised
    instruction: Any
    verb: str  # "downloaded", "cloned", "copied", ...
    advice: str
    tree: bool  # everything below ``path`` came from this instruction (a git clone)

    def __init__(self, path: str, instruction: Any, verb: str, advice: str,
                 tree: bool = False) -> None:
        self.path = path
        self.instruction = instruction
        self.verb = verb
        self.advice = advice
        self.tree = tree

    def hidden_by(self, removed: str) -> bool:
        return path_covers(removed, self.path) or (self.tree and is_under(removed, self.path))


def _abs(path: str, cwd: str) -> str:
    if not path.startswith("/"):
        path = posixpath.join(cwd or "/", path)
    return posixpath.normpath(path)


def _workdir(target: CheckTarget, instr: Any) -> str:
    state = target.model.state_at(instr)
    return state.workdir if state is not None and state.workdir else "/"


BULKY_SUFFIXES = ARCHIVE_SUFFIXES + (".zip", ".jar", ".war", ".ear", ".whl", ".deb", ".rpm", ".apk",
                                     ".bin", ".run", ".iso", ".img", ".so", ".exe", ".msi", ".gz", ".xz",
                                     ".bz2", ".7z", ".zst", ".tar.lz4")
BULKY_BYTES = 1024 * 1024
COMMON_DIRS = frozenset({"/", "/tmp", "/opt", "/usr", "/usr/local", "/usr/local/bin", "/usr/bin", "/etc",
                         "/root", "/home", "/var", "/srv", "/app", "/src"})


def bulky(target: CheckTarget, instr: Any, source: str, base: str) -> bool:
    """Worth reporting when removed later: a COPY'd file of 1 MiB or more (or a directory) as
    the builder receives it from the build context, or -- when the context is not at hand or
    does not hold the file (made before the build) -- an archive/package/binary by its name. A
    requirements.txt copied and deleted later costs nothing worth a finding, and neither does a
    file .dockerignore keeps out: it never reaches the image (the COPY fails)."""
    if base == ".git":
        return True
    if instr.flag("from") is None and target.context is not None:
        from dockwise.context.sent import ABSENT, DIR, NOT_SENT

        sent = target.context.lookup(source)
        if sent.kind == NOT_SENT:
            return False
        if sent.kind == DIR:
            return True
        if sent.kind != ABSENT and sent.size is not None:
            return sent.size >= BULKY_BYTES
    return base.lower().endswith(BULKY_SUFFIXES)


def created_by_copy(target: CheckTarget, instr: Any) -> list[Created]:
    """Files a COPY/ADD puts in the image that are worth a finding when removed later (downloads,
    archives, big files; whole folders are not tracked, since a later rm under them may target
    something else)."""
    copied = copy_sources(target.model, instr)
    if not copied:
        return []
    dest = target.model.expand(instr.args[-1], instr).text
    sources = [source.text for source in copied]
    cwd = _workdir(target, instr)
    into_dir = dest.endswith("/") or len(sources) > 1 or _abs(dest, cwd) in COMMON_DIRS | {cwd}
    found = []
    for source in sources:
        is_url = "://" in source
        base = posixpath.basename(source.split("?", 1)[0].rstrip("/")) if source not in (".", "./") else ""
        if not base or any(c in base for c in "*?[$") or (not is_url and "." not in base):
            continue
        if instr.keyword == "ADD" and not is_url and base.endswith(ARCHIVE_SUFFIXES):
            continue  # ADD extracts local archives: the archive itself is not in the image
        if not is_url and not bulky(target, instr, source, base):
            continue
        verb = "downloaded" if is_url else ("added" if instr.keyword == "ADD" else "copied")
        advice = ("download it in a builder stage and COPY --from only what you need" if is_url
                  else "leave it out of the image (.dockerignore, or COPY only what you need)")
        paths = [_abs(posixpath.join(dest, base), cwd)] if into_dir else [_abs(dest, cwd),
                                                                          _abs(posixpath.join(dest, base), cwd)]
        found.extend(Created(p, instr, verb, advice) for p in paths)
    return found


def created_by_run(target: CheckTarget, run: Run) -> list[Created]:
    """Paths a RUN leaves behind: downloads, clones, extractions, copies, package caches --
    unless the same RUN removes them again."""
    instr, script = run.run, run.script
    cwd = _workdir(target, instr)
    found: list[Created] = []
    writes = script.writes() if any(name in run.by_name for name in WRITERS) else ()
    for write in writes:
        if write.kind not in ("download", "clone", "extract", "copy") or not write.path:
            continue
        if any(c in write.path for c in "$`*?") or write.path.startswith("~"):
            continue
        path = _abs(write.path, cwd)
        if path in ("/", cwd) and write.kind == "extract":
            continue
        if removes_after(script, position_of(script, write.command) - 1, path):
            continue
        verb = {"download": "downloaded", "clone": "cloned", "extract": "extracted into",
                "copy": "copied to"}[write.kind]
        found.append(Created(path, instr, verb,
                             "do the download, use and cleanup in one RUN, or in a builder stage and "
                             "COPY --from only the result", tree=write.kind == "clone"))
    found.extend(_pip_downloads(run, cwd))
    found.extend(_package_caches(run))
    return found


def _pip_downloads(run: Run, cwd: str) -> list[Created]:
    """``pip download -d DIR``: every file below DIR came from this RUN."""
    found = []
    for command in run.find("pip", "pip3"):
        inv = run.invocation(command)
        dest = (inv.values("-d", "--dest") or [None])[-1]
        if inv.sub != "download" or not dest or "$" in dest:
            continue
        path = _abs(dest if dest.startswith("/") else posixpath.join(command.cwd or cwd, dest), "/")
        if not removes_after(run.script, position_of(run.script, command), path):
            found.append(Created(path, run.run, "downloaded Python packages into",
                                 "download and install in one RUN, or in a builder stage", tree=True))
    return found


def _refilled_before(run: Run, path: str, remover: Any) -> bool:
    """This RUN refills the package cache or index at ``path`` before ``remover`` empties it
    (``apt-get update && ... && rm -rf /var/lib/apt/lists/*``): the removal cleans what this
    RUN wrote, so it is no late cleanup. What an earlier RUN left there is that RUN's own
    finding (DL3009 and its kin, at the line that filled it)."""
    for manager, subs in (*CACHE_FILLERS.items(), ("aptitude", ("update",))):
        if cache_dir(manager) != path:
            continue
        for command in run.find(manager):
            if command.start < remover.start and run.invocation(command).sub in subs:
                return True
    return False


def _package_caches(run: Run) -> list[Created]:
    instr, script = run.run, run.script
    found = []
    for manager, subs in CACHE_FILLERS.items():
        path = cache_dir(manager)
        for command in run.find(manager):
            inv = run.invocation(command)
            if inv.sub not in subs:
                continue
            if manager == "apk" and inv.has("--no-cache"):
                continue
            if manager.startswith("pip") and inv.has("--no-cache-dir"):
                continue
            if cache_mounted(instr, path) or removes_after(script, position_of(script, command), path):
                continue
            found.append(Created(path, instr, f"ran `{manager} {inv.sub}`, which filled",
                                 "clean the cache in the RUN that fills it, or use a cache mount"))
    return found


class DeletedInLaterLayer(DockerfileRule):
    info = RuleInfo(
        code="DW301", name="delete-in-later-layer", severity=Severity.WARNING,
        summary="Removing a file in a later RUN does not make the image smaller.",
        rationale="Each RUN/COPY/ADD is a layer, and layers only add: a file written in one layer and "
                  "deleted in the next is still stored, pushed and pulled in full -- the later layer just "
                  "hides it. Delete in the same RUN that created it, or create it in a builder stage.",
        bad_example="RUN wget -O /tmp/jdk.tar.gz https://example.com/jdk.tar.gz\n"
                    "RUN tar -xzf /tmp/jdk.tar.gz -C /opt\nRUN rm /tmp/jdk.tar.gz",
        good_example="RUN wget -O /tmp/jdk.tar.gz https://example.com/jdk.tar.gz \\\n"
                     "    && tar -xzf /tmp/jdk.tar.gz -C /opt && rm /tmp/jdk.tar.gz",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        shipping = shipping_stage_indexes(target)
        runs = {id(r.outer): r for r in iter_runs(target)}
        if not any(r.find(*REMOVERS, "find") for r in runs.values()):
            return  # nothing is ever removed: nothing can be hidden
        history: dict[int, list[Created]] = {}
        for stage in target.model.stages:
            base = stage.base_stage
            created = list(history.get(base.index, [])) if base is not None else []
            for instr in stage.instructions:
                if instr.keyword == "RUN":
                    run = runs[id(instr)]
                    if stage.index in shipping:
                        yield from self._removals(target, run, created)
                    created.extend(created_by_run(target, run))
                elif instr.keyword in ("COPY", "ADD"):
                    created.extend(created_by_copy(target, instr))
            history[stage.index] = created

    def _removals(self, target: CheckTarget, run: Run, created: list[Created]) -> Iterator[Finding]:
        if not created:
            return
        instr = run.run
        cwd = _workdir(target, instr)
        for command in run.find(*REMOVERS, "find"):
            for word in removed_paths(command):
                value = word_value(word)
                if not value or "$" in value or "`" in value or value.startswith("~"):
                    continue  # unknown until the shell runs (`~` is $HOME, not the WORKDIR)
                gone = _abs(value if value.startswith("/") else posixpath.join(command.cwd or cwd, value), "/")
                hit = next((c for c in created if c.instruction is not instr and c.hidden_by(gone)), None)
                if hit is None or _refilled_before(run, hit.path, command):
                    continue
                created[:] = [c for c in created if not path_covers(gone, c.path)]
                yield self._finding(target, instr, word, hit, gone)

    def _finding(self, target: CheckTarget, instr: Any, word: Any, hit: Created, gone: str) -> Finding:
        made = hit.instruction.line
        layer = layer_number(target.model, hit.instruction)
        where = f"layer {layer} of this Dockerfile" if layer else f"the layer of line {made}"
        return target.finding(
            self.info,
            f"line {made} {hit.verb} {hit.path}; removing {'it' if gone == hit.path else gone} on line "
            f"{word.span.start.line if word.span else instr.line} only hides it -- the bytes "
            f"stay in {where} and are still pushed and pulled. Remove it in the same RUN that created it, "
            f"or {hit.advice}.",
            word.span or instr.span, created_line=made, path=hit.path)
