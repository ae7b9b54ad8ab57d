"""What a walked context holds that should not be sent: heavy directories, secrets, big
logs/archives/data files. Pure functions over a :class:`~dockwise.context.scan.ContextScan`.

Secret *values* never leave this module: a :class:`Secret` carries a description of what was
found ("an RSA private key", "an npm auth token"), never the token itself.
"""

from __future__ import annotations

import os

from dockwise._record import FrozenRecord
from dockwise.context.scan import ContextScan
from dockwise.knowledge.secrets import secret_by_content

# name -> (why it is heavy, pattern to put in .dockerignore)
HEAVY_DIRS: dict[str, str] = {
    ".git": "git history",
    ".hg": "Mercurial history",
    ".svn": "Subversion metadata",
    ".bzr": "Bazaar history",
    "node_modules": "npm dependencies, reinstalled in the image anyway",
    ".venv": "a local virtualenv",
    "venv": "a local virtualenv",
    "__pycache__": "Python bytecode caches",
    ".tox": "tox environments",
    ".nox": "nox environments",
    ".pytest_cache": "pytest cache",
    ".mypy_cache": "mypy cache",
    "target": "build output (Rust/Maven)",
    "dist": "build output",
    "build": "build output",
    ".terraform": "Terraform providers and modules",
    ".cache": "a local cache",
    ".gradle": "Gradle caches",
    ".idea": "IDE settings",
    ".vscode": "IDE settings",
    ".next": "Next.js build cache",
    ".eggs": "setuptools build eggs",
    "htmlcov": "coverage report",
    ".ruff_cache": "ruff cache",
    ".parcel-cache": "Parcel build cache",
    ".turbo": "Turborepo cache",
}
VENV_MARKER = "pyvenv.cfg"  # every virtualenv has one at its top, whatever the folder is called
VENV_WHY = "a local virtualenv"
# Directories that are often real sources (``build/`` scripts, ``dist/`` shipped on purpose):
# reported, but only excluded by the fixer when nothing in the Dockerfile copies them.
AMBIGUOUS_DIRS = {"build", "dist", "target", ".vscode"}

LOG_EXT = (".log",)
ARCHIVE_EXT = (".zip", ".tar", ".tgz", ".tar.gz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".iso")
DATA_EXT = (".csv", ".tsv", ".parquet", ".sqlite", ".sqlite3", ".db", ".sql", ".dump", ".bak", ".h5",
            ".hdf5", ".npy", ".npz", ".pkl", ".pickle", ".feather", ".avro", ".orc")
DEFAULT_LARGE_BYTES = 10 * 1024 * 1024

CONTENT_LIMIT = 256 * 1024


class HeavyDir(FrozenRecord):
    __slots__ = ("path", "why", "sent_bytes", "sent_files")

    path: str
    why: str
    sent_bytes: int
    sent_files: int

    def __init__(self, path: str, why: str, sent_bytes: int, sent_files: int) -> None:
        self._set(path=path, why=why, sent_bytes=sent_bytes, sent_files=sent_files)


class Secret(FrozenRecord):
    __slots__ = ("path", "what", "size")

    path: str
    what: str  # description, never the value
    size: int

    def __init__(self, path: str, what: str, size: int) -> None:
        self._set(path=path, what=what, size=size)


class LargeFile(FrozenRecord):
    __slots__ = ("path", "kind", "size")

    path: str
    kind: str  # "log", "archive", "data"
    size: int

    def __init__(self, path: str, kind: str, size: int) -> None:
        self._set(path=path, kind=kind, size=size)


def directory_totals(scan: ContextScan) -> dict[str, tuple[int, int]]:
    """Sent (bytes, files) per directory, every ancestor included."""
    direct: dict[str, list[int]] = {}
    for path, size in zip(scan.files, scan.sizes):
        cut = path.rfind("/")
        if cut < 0:
            continue
        entry = direct.setdefault(path[:cut], [0, 0])
        entry[0] += size
        entry[1] += 1
    totals: dict[str, list[int]] = {}
    for directory, (size, count) in direct.items():
        while True:
            entry = totals.setdefault(directory, [0, 0])
            entry[0] += size
            entry[1] += count
            cut = directory.rfind("/")
            if cut < 0:
                break
            directory = directory[:cut]
    return {k: (v[0], v[1]) for k, v in totals.items()}


def heavy_dirs(scan: ContextScan, totals: dict[str, tuple[int, int]] | None = None) -> list[HeavyDir]:
    """Known heavy directories that are sent (not excluded); outermost only."""
    totals = totals if totals is not None else directory_totals(scan)
    found: list[HeavyDir] = []
    taken: list[str] = []
    # Only directories that are themselves sent: one that is excluded but has a few files
    # re-included by `!` exceptions is the user's deliberate choice.
    candidates = {p: HEAVY_DIRS[p.rsplit("/", 1)[-1]] for p in scan.sent_dirs if p.rsplit("/", 1)[-1] in HEAVY_DIRS}
    for path in scan.files:  # a virtualenv under any name (`env/`, `.py311/`)
        if path.endswith("/" + VENV_MARKER) and path[:-len(VENV_MARKER) - 1] in scan.sent_dirs:
            candidates.setdefault(path[:-len(VENV_MARKER) - 1], VENV_WHY)
    for path in sorted(candidates):
        if any(path.startswith(t + "/") for t in taken):
            continue
        taken.append(path)
        size, count = totals.get(path, (0, 0))
        if count == 0:
            continue  # an empty directory costs nothing
        found.append(HeavyDir(path, candidates[path], size, count))
    return found


def largest(items: dict[str, tuple[int, int]] | list[tuple[str, int]], n: int) -> list[tuple[str, int]]:
    pairs = [(k, v[0]) for k, v in items.items()] if isinstance(items, dict) else list(items)
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))[:n]


def large_files(scan: ContextScan, threshold: int = DEFAULT_LARGE_BYTES) -> list[LargeFile]:
    """Archives and data files of ``threshold`` bytes or more, and ``*.log`` files of any size
    (a log is never an input of the build, and it changes on every run: a small one still
    invalidates `COPY . .` each time; an archive or a small data file may be one on purpose)."""
    found = []
    for path, size in zip(scan.files, scan.sizes):
        lower = path.lower()
        if lower.endswith(LOG_EXT) and size > 0:
            found.append(LargeFile(path, "log", size))
            continue
        if size < threshold:
            continue
        kind = ("log" if "/logs/" in "/" + lower else
                "archive" if lower.endswith(ARCHIVE_EXT) else
                "data" if lower.endswith(DATA_EXT) else "")
        if kind:
            found.append(LargeFile(path, kind, size))
    return found


# --- secrets ---------------------------------------------------------------------------


def _read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(CONTENT_LIMIT)
    except OSError:
        return b""


def classify_secret(rel: str, abs_path: str) -> str | None:
    """What secret ``rel`` holds (a description), judged by name and content; None if none."""
    return secret_by_content(rel, lambda: _read_head(abs_path))


# scan id -> (scan, its secrets): Dockerfiles sharing a context share its walk (scan_context
# caches it per process), and so its secrets; the scan is kept so that its id stays its own.
_SECRETS: dict[int, tuple[ContextScan, list[Secret]]] = {}


def secrets(scan: ContextScan) -> list[Secret]:
    """Secret files among the sent files (names first, then a content check of candidates)."""
    cached = _SECRETS.get(id(scan))
    if cached is not None and cached[0] is scan:
        return cached[1]
    found = []
    for path, size in zip(scan.files, scan.sizes):
        if path in scan.symlinks:
            continue
        what = secret_by_content(path, lambda: _read_head(os.path.join(scan.root, path)))
        if what:
            found.append(Secret(path, what, size))
    _SECRETS[id(scan)] = (scan, found)
    return found


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
