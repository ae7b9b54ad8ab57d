"""One path of a build context as the builder has it: what ``COPY src`` would find there.

The answers come from the one walk of the context (:class:`~dockwise.context.scan.ContextScan`),
so a path ``.dockerignore`` excludes is "not sent" even though it is on disk. Symlinks are
resolved the way the builder resolves a COPY source: inside the context, an absolute target or
a ``..`` past the top staying at the context root, so no answer ever reads outside the context.
"""

from __future__ import annotations

import os
import posixpath
import stat
from typing import TYPE_CHECKING

from dockwise._record import FrozenRecord

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.scan import ContextScan

FILE = "file"  # a sent regular file
DIR = "dir"  # a sent directory
NOT_SENT = "not sent"  # on disk, but .dockerignore excludes it (or a link on the way leads there)
ABSENT = "absent"  # not in the context at all (perhaps made before the build, perhaps a typo)

# Linux gives up after 40 links on one path; the builder fails the COPY the same way.
MAX_LINK_HOPS = 40


class SentPath(FrozenRecord):
    """What the builder receives at a context path: its kind and, for a file, its size."""

    __slots__ = ("path", "kind", "size")

    path: str  # context-relative, symlinks resolved ("" is the context root)
    kind: str  # FILE, DIR, NOT_SENT or ABSENT
    size: int | None  # bytes of a FILE when the walk recorded sizes; None otherwise

    def __init__(self, path: str, kind: str, size: int | None = None) -> None:
        self._set(path=path, kind=kind, size=size)

    @property
    def sent(self) -> bool:
        return self.kind in (FILE, DIR)


def context_relative(path: str) -> str:
    """A COPY source as a path below the context root: ``/a``, ``./a`` and ``x/../a`` are ``a``,
    and ``..`` cannot climb above the root (the builder cleans the path the same way)."""
    return posixpath.normpath("/" + path).lstrip("/")


def _not_sent_paths(scan: "ContextScan") -> frozenset[str]:
    """Every path the walk saw and did not send: excluded files, excluded directories (walked
    for a possible ``!`` exception or pruned)."""
    unsent_dirs = [d for d in scan.dirs if d not in scan.sent_dirs]
    return frozenset([*scan.excluded, *unsent_dirs, *scan.pruned])


class ContextPaths:
    """Path queries over one walk; link targets and file heads are read on first use only."""

    def __init__(self, scan: "ContextScan") -> None:
        self.scan = scan
        self._not_sent: frozenset[str] | None = None
        self._parents: frozenset[str] | None = None
        self._links: dict[str, str | None] = {}
        self._heads: dict[tuple[str, int], bytes | None] = {}

    def lookup(self, path: str) -> SentPath:
        resolved = self._resolve(context_relative(path))
        if resolved is None:
            return SentPath(context_relative(path), ABSENT)
        return self._classify(resolved)

    def head(self, path: str, limit: int) -> bytes | None:
        found = self.lookup(path)
        if found.kind != FILE:
            return None
        key = (found.path, limit)
        if key not in self._heads:
            self._heads[key] = self._read_head(found.path, limit)
        return self._heads[key]

    # -- below: the walk's answers, symlinks, reading ------------------------------------------

    def _classify(self, rel: str) -> SentPath:
        scan = self.scan
        if rel == "" or rel in scan.sent_dirs:
            return SentPath(rel, DIR)
        if scan.is_sent(rel):
            return SentPath(rel, FILE, scan.size_of(rel) if scan.with_sizes else None)
        if not self._under_not_sent(rel):
            return SentPath(rel, ABSENT)
        if rel in self._dirs_holding_sent_files():
            return SentPath(rel, DIR)  # excluded, but a `!` exception sends files below it
        return SentPath(rel, NOT_SENT)

    def _dirs_holding_sent_files(self) -> frozenset[str]:
        """Every directory above a sent file: the builder creates it even when .dockerignore
        excludes it (``build/`` with ``!build/app.jar``). Asked only when an excluded path is."""
        if self._parents is None:
            parents = set()
            for path in self.scan.files:
                parent = path.rpartition("/")[0]
                while parent and parent not in parents:
                    parents.add(parent)
                    parent = parent.rpartition("/")[0]
            self._parents = frozenset(parents)
        return self._parents

    def _under_not_sent(self, rel: str) -> bool:
        if self._not_sent is None:
            self._not_sent = _not_sent_paths(self.scan)
        not_sent = self._not_sent
        while rel:
            if rel in not_sent:
                return True
            rel = rel.rpartition("/")[0]
        return False

    def _resolve(self, rel: str) -> str | None:
        """``rel`` with every sent symlink on it replaced by its target, inside the context; None
        for a link loop or a link that cannot be read."""
        pending = rel.split("/")[::-1] if rel else []  # reversed: the next part is at the end
        done: list[str] = []
        hops = 0
        while pending:
            part = pending.pop()
            if part in ("", "."):
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            done.append(part)
            here = "/".join(done)
            if here not in self.scan.symlinks:
                continue
            hops += 1
            target = self._link_target(here)
            if target is None or hops > MAX_LINK_HOPS:
                return None
            done.pop()
            if target.startswith("/"):
                done = []
            pending.extend(target.split("/")[::-1])
        return "/".join(done)

    def _link_target(self, rel: str) -> str | None:
        if rel not in self._links:
            try:
                self._links[rel] = os.readlink(os.path.join(self.scan.root, rel))
            except (OSError, ValueError):
                self._links[rel] = None
        return self._links[rel]

    def _read_head(self, rel: str, limit: int) -> bytes | None:
        """The first ``limit`` bytes of a sent regular file; None if it is no longer one (the
        walk saw a file; a link or a pipe put there since is not opened or followed)."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(os.path.join(self.scan.root, rel), flags)
        except (OSError, ValueError):
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            chunks = []
            left = limit
            while left > 0:
                chunk = os.read(fd, left)
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)
