"""Walking a build context once: what is sent, what is excluded, what could not be read.

* Excluded directories are pruned when no ``!`` exception could re-include anything below
  them (as BuildKit does), so ``.git`` or ``node_modules`` cost one ``stat``, not a walk.
* Symlinks are never followed (the builder sends the link itself), so a link out of the
  context or a link loop cannot make the walk leave the context or run forever.
* Unreadable directories and files, sockets/FIFOs/devices and names that are not UTF-8 are
  recorded as :class:`Problem` entries; the walk goes on.
* On a terminal, a progress line appears on stderr once a walk gets large (rich, imported
  only then).
"""

from __future__ import annotations

import os
import stat
import sys
import time

from dockwise._record import DataRecord, FrozenRecord
from dockwise.context.ignorefile import IgnoreFile, load_ignore
from dockwise.context.patterns import PatternMatcher
from dockwise.errors import InputError

PROGRESS_AFTER_ENTRIES = 20000
PROGRESS_AFTER_SECONDS = 0.5


# What a directory the walk could not list is reported as: `check` and `context` both treat it
# as an error (exit 2), since the context they measured is not the one the builder would get.
UNREADABLE_DIRECTORY = "cannot read directory"


class Problem(FrozenRecord):
    __slots__ = ("path", "message")

    path: str  # relative to the context root
    message: str

    def __init__(self, path: str, message: str) -> None:
        self._set(path=path, message=message)


class ContextScan(DataRecord):
    """The result of one walk. Paths are relative to the context root, slash-separated."""

    __slots__ = ("root", "files", "sizes", "symlinks", "dirs", "sent_dirs", "empty_dirs",
                 "excluded", "excluded_sizes", "pruned", "problems", "with_sizes", "_index_cache")

    root: str
    files: list[str]  # sent regular files and symlinks
    sizes: list[int]  # parallel to ``files`` (symlinks: 0)
    symlinks: set[str]  # sent paths that are symlinks
    dirs: list[str]  # directories entered (sent or not)
    sent_dirs: set[str]  # directories not excluded
    empty_dirs: list[str]  # sent directories with nothing sent in them
    excluded: list[str]  # excluded files seen by the walk
    excluded_sizes: list[int]
    pruned: list[str]  # excluded directories not walked
    problems: list[Problem]
    with_sizes: bool
    _index_cache: dict[str, int] | None  # path -> index into ``files``, built on first use
    _transient = ("_index_cache",)  # a copy or an unpickled scan builds its own

    def __init__(self, root: str, files: list[str] | None = None, sizes: list[int] | None = None,
                 symlinks: set[str] | None = None, dirs: list[str] | None = None,
                 sent_dirs: set[str] | None = None, empty_dirs: list[str] | None = None,
                 excluded: list[str] | None = None, excluded_sizes: list[int] | None = None,
                 pruned: list[str] | None = None, problems: list[Problem] | None = None,
                 with_sizes: bool = True) -> None:
        self.root = root
        self.files = [] if files is None else files
        self.sizes = [] if sizes is None else sizes
        self.symlinks = set() if symlinks is None else symlinks
        self.dirs = [] if dirs is None else dirs
        self.sent_dirs = set() if sent_dirs is None else sent_dirs
        self.empty_dirs = [] if empty_dirs is None else empty_dirs
        self.excluded = [] if excluded is None else excluded
        self.excluded_sizes = [] if excluded_sizes is None else excluded_sizes
        self.pruned = [] if pruned is None else pruned
        self.problems = [] if problems is None else problems
        self.with_sizes = with_sizes
        self._index_cache = None

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes)

    def size_of(self, path: str) -> int:
        index = self._index().get(path)
        return self.sizes[index] if index is not None else 0

    def is_sent(self, path: str) -> bool:
        return path in self._index() or path in self.sent_dirs

    def _index(self) -> dict[str, int]:
        cached = self._index_cache
        if cached is None:
            cached = self._index_cache = {p: i for i, p in enumerate(self.files)}
        return cached

    def listing(self) -> list[str]:
        """Every path the builder receives (files, symlinks, empty directories), sorted."""
        return sorted([*self.files, *self.empty_dirs])


class _Progress:
    """A lazily created rich progress line on stderr (only on a terminal, only for big walks)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self.bar = None
        self.task = None

    def update(self, seen: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if seen < PROGRESS_AFTER_ENTRIES and time.monotonic() - self.started < PROGRESS_AFTER_SECONDS:
                return
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("walking build context: {task.completed:,} entries"),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("walk", total=None)
        self.bar.update(self.task, completed=seen)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def walk(root: str, matcher: PatternMatcher | None, *, with_sizes: bool = True,
         progress: bool = True) -> ContextScan:
    """Walk the context at ``root`` once, applying ``matcher`` (None = nothing excluded)."""
    if not os.path.isdir(root):
        raise InputError("not a directory (expected a build context)", path=root)
    scan = ContextScan(root=root, with_sizes=with_sizes)
    bar = _Progress(progress)
    try:
        _walk(scan, matcher or PatternMatcher([]), bar)
    finally:
        bar.close()
    return scan


def _walk(scan: ContextScan, matcher: PatternMatcher, bar: _Progress) -> None:
    """Iterative walk. ``last`` carries, per directory, the highest pattern index matching the
    directory or an ancestor, so each entry costs one regex match (see PatternMatcher.decide)."""
    stack: list[tuple[str, str, int]] = [(scan.root, "", -1)]
    seen = 0
    last_match = matcher.last_match if matcher.patterns else None
    is_exception = [p.exclusion for p in matcher.patterns]
    prune_check = matcher.may_reinclude_under if matcher.has_exclusions else None
    while stack:
        abs_dir, rel_dir, parent_last = stack.pop()
        try:
            with os.scandir(abs_dir) as it:
                entries = list(it)
        except OSError as exc:
            scan.problems.append(Problem(rel_dir or ".", f"{UNREADABLE_DIRECTORY}: {exc.strerror or exc}; "
                                         "docker build fails on an unreadable context directory"))
            continue
        sent_here = 0
        prefix = rel_dir + "/" if rel_dir else ""
        for entry in entries:
            rel = prefix + entry.name
            last = parent_last
            if last_match is not None:
                index = last_match(rel)
                if index > last:
                    last = index
            excluded = last >= 0 and not is_exception[last]
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                scan.dirs.append(rel)
                if not excluded:
                    scan.sent_dirs.add(rel)
                    sent_here += 1
                    stack.append((entry.path, rel, last))
                elif prune_check is not None and prune_check(rel):
                    stack.append((entry.path, rel, last))
                else:
                    scan.pruned.append(rel)
                continue
            if not scan.with_sizes:
                if excluded:
                    scan.excluded.append(rel)
                else:
                    scan.files.append(rel)
                    sent_here += 1
                continue
            if _record_file(scan, entry, rel, excluded):
                sent_here += 1
        if rel_dir and sent_here == 0 and rel_dir in scan.sent_dirs:
            scan.empty_dirs.append(rel_dir)
        seen += len(entries)
        bar.update(seen)
    if not scan.with_sizes:
        scan.sizes = [0] * len(scan.files)
        scan.excluded_sizes = [0] * len(scan.excluded)
    _report_bad_names(scan)


def _record_file(scan: ContextScan, entry: os.DirEntry, rel: str, excluded: bool) -> bool:
    """Record one non-directory entry; True if it is sent."""
    if not scan.with_sizes:
        if excluded:
            scan.excluded.append(rel)
            scan.excluded_sizes.append(0)
            return False
        scan.files.append(rel)
        scan.sizes.append(0)
        return True
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        scan.problems.append(Problem(rel, f"cannot stat: {exc.strerror or exc}"))
        return False
    if excluded:
        scan.excluded.append(rel)
        scan.excluded_sizes.append(st.st_size if stat.S_ISREG(st.st_mode) else 0)
        return False
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        scan.files.append(rel)
        scan.sizes.append(0)
        scan.symlinks.add(rel)
        return True
    if not stat.S_ISREG(mode):
        kind = _special_kind(mode)
        scan.problems.append(Problem(rel, f"{kind} cannot be sent to the builder; it is skipped "
                                     "(or fails the build) -- add it to .dockerignore"))
        return False
    if not os.access(entry.path, os.R_OK):
        scan.problems.append(Problem(rel, "unreadable file (permission denied); docker build fails "
                                     "when it tries to send it -- fix its mode or add it to .dockerignore"))
    scan.files.append(rel)
    scan.sizes.append(st.st_size)
    return True


def _special_kind(mode: int) -> str:
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    return "special file"


def _report_bad_names(scan: ContextScan) -> None:
    """Names that are not UTF-8 arrive here with surrogate escapes; say so once per path."""
    for rel in (*scan.files, *scan.empty_dirs):
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            scan.problems.append(Problem(shown, "file name is not valid UTF-8; tools that read the "
                                         "image may mangle it -- rename it or add it to .dockerignore"))


_CACHE: dict[tuple, tuple[ContextScan, IgnoreFile | None]] = {}


def forget_walks() -> None:
    """Walk every context afresh from now on (``check --fix`` has just written a .dockerignore)."""
    _CACHE.clear()


def scan_context(context_dir: str, dockerfile_path: str | None = None, *, with_sizes: bool = True,
                 progress: bool = True, classic: bool = False) -> tuple[ContextScan, IgnoreFile | None]:
    """Load the applicable .dockerignore and walk the context (cached per process).

    ``classic`` applies the classic docker CLI's rules instead of BuildKit's: only
    ``<context>/.dockerignore`` is read, and ``.dockerignore`` and the Dockerfile are always sent.
    """
    root = os.path.abspath(context_dir)
    if not os.path.isdir(root):
        raise InputError("not a directory (expected a build context)", path=context_dir)
    if dockerfile_path is None:  # what `docker build DIR` uses
        dockerfile_path = os.path.join(context_dir, "Dockerfile")
    ignore = load_ignore(context_dir, None if classic else dockerfile_path)
    key = (root, ignore.path if ignore else None, with_sizes, classic,
           os.path.abspath(dockerfile_path) if classic and dockerfile_path else None)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    matcher = ignore.matcher if ignore else None
    if classic and ignore is not None:
        matcher = PatternMatcher([*ignore.patterns, *_always_sent(root, dockerfile_path)])
    scan = walk(root, matcher, with_sizes=with_sizes, progress=progress)
    _CACHE[key] = (scan, ignore)
    return scan, ignore


def _always_sent(root: str, dockerfile_path: str | None) -> list[str]:
    """Exceptions the classic CLI adds so that .dockerignore and the Dockerfile are uploaded."""
    keep = ["!.dockerignore"]
    dockerfile = os.path.abspath(dockerfile_path) if dockerfile_path else os.path.join(root, "Dockerfile")
    rel = os.path.relpath(dockerfile, root)
    if not rel.startswith(".."):
        keep.append("!" + rel.replace(os.sep, "/"))
    return keep
