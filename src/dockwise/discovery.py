"""Finding the Dockerfiles under a directory.

Names recognised (any case): ``Dockerfile``, ``Containerfile``, ``*.Dockerfile``,
``*.dockerfile``, ``Dockerfile.*``, ``Containerfile.*``, but not ``*.dockerignore``
(``Dockerfile.dockerignore`` is the ignore file BuildKit reads for ``Dockerfile``).
Directories named ``.git`` are never entered, and paths a ``.gitignore`` excludes are
skipped, as are paths an ``--exclude`` glob matches (:func:`excluded`).

A ``.dockerignore`` named on the command line (pre-commit passes the files a commit changes)
stands for the Dockerfiles it applies to: those in its directory for ``.dockerignore``, and
``X`` for ``X.dockerignore``; with none there, it is nothing to check.

Inside a git work tree git itself decides: the file list comes from ``git ls-files --cached
--others --exclude-standard`` (nested ``.gitignore``, ``.git/info/exclude``, the global excludes
file; a tracked file is never ignored), exactly as ``git status`` sees the tree. Elsewhere a
small matcher applies the ``.gitignore`` files found on the way down.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from dockwise._record import DataRecord

_EXACT = {"dockerfile", "containerfile"}
_SKIP_DIRS = {".git", ".hg", ".svn"}
_IGNORE_SUFFIX = ".dockerignore"


def is_dockerfile_name(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(_IGNORE_SUFFIX):
        return False
    if lower in _EXACT:
        return True
    if lower.endswith(".dockerfile") and len(lower) > len(".dockerfile"):
        return True
    return any(lower.startswith(stem + ".") and len(lower) > len(stem) + 1 for stem in _EXACT)


class Discovery(DataRecord):
    __slots__ = ("files", "errors")

    files: list[str]
    errors: list[str]  # "path: error: ..." lines

    def __init__(self, files: list[str] | None = None, errors: list[str] | None = None) -> None:
        self.files = [] if files is None else files
        self.errors = [] if errors is None else errors


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Discovery:
    """Files named on the command line are taken as they are; directories are searched.
    A path matching one of the ``exclude`` globs is left out, found or named."""
    found = Discovery()
    seen: set = set()
    for path in paths or ["."]:
        if path == "-":
            _add(found, seen, path)
        elif os.path.isdir(path):
            walk_errors: list[str] = []
            files = find_in_directory(path, walk_errors)
            found.errors.extend(walk_errors)
            if not files and not walk_errors:
                found.errors.append(f"{path}: error: no Dockerfile found in this directory "
                                    "(looked for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*)")
            for file in files:
                if not excluded(file, exclude):
                    _add(found, seen, file)
        elif os.path.lexists(path):
            if excluded(path, exclude):
                continue
            if os.path.basename(path).lower().endswith(_IGNORE_SUFFIX):
                for dockerfile in dockerfiles_of_ignore_file(path):
                    if not excluded(dockerfile, exclude):
                        _add(found, seen, dockerfile)
                continue
            _add(found, seen, path)
        else:
            found.errors.append(f"{path}: error: no such file or directory")
    return found


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """Does an ``--exclude`` glob match ``path``? A glob without ``/`` is matched against each
    part of the path (``vendor`` leaves out everything under a ``vendor`` directory,
    ``*.dev.Dockerfile`` a file by name); one with ``/`` against the whole path, relative to
    the current directory (``*`` crosses ``/`` there: ``svc/legacy/*``). Case matters."""
    if not patterns:
        return False
    import fnmatch

    norm = path.replace(os.sep, "/")
    if os.path.isabs(norm):
        relative = os.path.relpath(norm).replace(os.sep, "/")
        norm = norm if relative.startswith("../") else relative
    norm = os.path.normpath(norm).replace(os.sep, "/")
    parts = norm.split("/")
    for pattern in patterns:
        glob = pattern.rstrip("/")
        while glob.startswith("./"):
            glob = glob[2:]
        if "/" in glob:
            if fnmatch.fnmatchcase(norm, glob) or fnmatch.fnmatchcase(norm, glob + "/*"):
                return True
        elif any(fnmatch.fnmatchcase(part, glob) for part in parts):
            return True
    return False


def dockerfiles_of_ignore_file(path: str) -> list[str]:
    """The Dockerfiles a ``.dockerignore`` applies to: for ``X.dockerignore`` the file ``X``
    if it has a Dockerfile's name (BuildKit reads it for that Dockerfile only), for ``.dockerignore`` the Dockerfiles of its
    directory, sorted."""
    directory, name = os.path.split(path)
    if name.lower() != _IGNORE_SUFFIX:
        dockerfile = path[: -len(_IGNORE_SUFFIX)]
        found = is_dockerfile_name(os.path.basename(dockerfile)) and os.path.isfile(dockerfile)
        return [dockerfile] if found else []
    try:
        names = sorted(os.listdir(directory or "."))
    except OSError:
        return []
    return [os.path.join(directory, n) if directory else n for n in names
            if is_dockerfile_name(n) and os.path.isfile(os.path.join(directory or ".", n))]


def _add(found: Discovery, seen: set, path: str) -> None:
    """Add ``path`` unless that file is already in: ``Dockerfile``, ``./Dockerfile``, its
    absolute path or a symlink to it are one file, checked (and fixed) once, not reported twice."""
    key = _identity(path)
    if key not in seen:
        seen.add(key)
        found.files.append(path)


def _identity(path: str) -> object:
    if path == "-":
        return path
    try:
        info = os.stat(path)
    except OSError:  # a dangling link or an unreadable file: its read reports it
        return os.path.normpath(os.path.abspath(path))
    return (info.st_dev, info.st_ino)


def _display(directory: str, name: str) -> str:
    joined = os.path.join(directory, name)
    return joined[2:] if joined.startswith("./") else joined


def find_in_directory(root: str, errors: list[str] | None = None) -> list[str]:
    """Dockerfiles under ``root``, sorted; unreadable directories are noted in ``errors``."""
    if _in_git_work_tree(root):
        listed = _git_listed(root)
        if listed is not None:
            return listed
    return _walk(root, errors)


def _git_listed(root: str) -> list[str] | None:
    """Dockerfiles git sees under ``root`` (tracked, or untracked and not ignored); None if git
    cannot tell."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    found = set()
    for rel in result.stdout.split("\0"):
        if rel and is_dockerfile_name(rel.rsplit("/", 1)[-1]):
            path = _display(root, rel)
            if os.path.isfile(path):  # tracked but deleted in the work tree: not there to check
                found.add(path)
    return sorted(found)


def _walk(root: str, errors: list[str] | None) -> list[str]:
    candidates: list[str] = []
    matchers: dict[str, list[_GitIgnore]] = {root: []}

    def walk_error(exc: OSError) -> None:
        if errors is not None:
            errors.append(f"{exc.filename}: error: cannot read directory: {exc.strerror or exc}")

    for directory, dirs, files in _iter_walk(root, walk_error):
        inherited = matchers.pop(directory, [])
        own = inherited + _load_gitignore(directory)
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS
                         and not _ignored(own, os.path.join(directory, d), is_dir=True))
        for d in dirs:
            matchers[os.path.join(directory, d)] = own
        for name in sorted(files):
            full = os.path.join(directory, name)
            # os.path.isfile: a FIFO or socket called "Dockerfile" would block or fail the read
            if is_dockerfile_name(name) and not _ignored(own, full, is_dir=False) and os.path.isfile(full):
                candidates.append(_display(directory, name))
    return candidates


def _iter_walk(root: str, onerror) -> Iterable[tuple[str, list[str], list[str]]]:
    """``os.walk(root)`` top-down, without following symlinks, but with an explicit stack:
    os.walk recurses on Python 3.11, so a tree ~1000 directories deep raised RecursionError.
    The caller may prune or reorder ``dirs`` in place; they are visited in that order."""
    stack = [root]
    while stack:
        directory = stack.pop()
        dirs: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else files).append(entry.name)
        except OSError as exc:
            onerror(exc)
            continue
        yield directory, dirs, files
        for name in reversed(dirs):
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                stack.append(path)


# -- .gitignore -------------------------------------------------------------------------------

def _in_git_work_tree(root: str) -> bool:
    current = os.path.abspath(root)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return True
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


class _GitIgnore(DataRecord):
    """One ``.gitignore`` pattern outside a git work tree (git's rules, minus rare corners)."""

    __slots__ = ("base", "pattern", "negated", "dir_only", "anchored")

    base: str  # directory the .gitignore sits in
    pattern: str
    negated: bool
    dir_only: bool
    anchored: bool

    def __init__(self, base: str, pattern: str, negated: bool, dir_only: bool,
                 anchored: bool) -> None:
        self.base = base
        self.pattern = pattern
        self.negated = negated
        self.dir_only = dir_only
        self.anchored = anchored

    def matches(self, path: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        rel = os.path.relpath(path, self.base).replace(os.sep, "/")
        if rel.startswith("../"):
            return False
        if self.anchored:
            return _glob(rel, self.pattern)
        return _glob(rel.rsplit("/", 1)[-1], self.pattern)  # parents are pruned during the walk


def _glob(path: str, pattern: str) -> bool:
    import fnmatch

    if "**" in pattern:
        regex = fnmatch.translate(pattern).replace(".*.*/", "(?:.*/)?").replace("/.*.*", "(?:/.*)?")
        import re

        return re.match(regex, path) is not None
    return fnmatch.fnmatchcase(path, pattern) and path.count("/") == pattern.count("/")


def _load_gitignore(directory: str) -> list[_GitIgnore]:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    return list(_parse_gitignore(directory, lines))


def _parse_gitignore(base: str, lines: Iterable[str]) -> Iterable[_GitIgnore]:
    for raw in lines:
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        if line.startswith("\\"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        yield _GitIgnore(base, line.lstrip("/"), negated, dir_only, anchored)


def _ignored(patterns: Sequence[_GitIgnore], path: str, *, is_dir: bool) -> bool:
    verdict = False
    for pattern in patterns:
        if pattern.matches(path, is_dir):
            verdict = not pattern.negated
    return verdict
