"""Stacking layers into the final filesystem, and the exact byte accounting that falls out.

The definitions (see docs/image-metrics.md):

* a regular file's bytes belong to an *inode*, created by the layer entry that wrote the
  file; a hard link adds a reference to an existing inode, never bytes;
* ``total_bytes`` of a layer is the sum of the sizes of the inodes it created (so hard
  links count once per layer); the image's is the sum over layers;
* an inode is *visible* while at least one path of the merged filesystem refers to it;
  ``final_bytes`` is the sum of visible inodes;
* a layer's ``reclaimable_bytes`` is what it created that is not visible at the end, and its
  ``hidden_bytes`` is what earlier layers created that it made invisible (whiteout, opaque
  directory, overwrite, a directory replaced by a file or a file by a directory).

Whiteouts and opaque markers of a layer apply to the layers below it, before its own entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dockwise.errors import ImageError
from dockwise.image.tarscan import DIR, FILE, HARDLINK, OPAQUE, SYMLINK, WHITEOUT, Entry


class Inode:
    __slots__ = ("size", "layer", "refs", "path")

    def __init__(self, size: int, layer: int, path: str) -> None:
        self.size = size
        self.layer = layer
        self.refs = 1
        self.path = path  # where the layer wrote it (a hard link's target keeps the first path)


class Node:
    """One path of the merged filesystem. ``layer`` is the layer that last wrote it."""

    __slots__ = ("kind", "layer", "mode", "uid", "gid", "link", "inode", "head", "children")

    def __init__(self, kind: str, layer: int, entry: Entry | None = None) -> None:
        self.kind = kind
        self.layer = layer
        self.mode = entry.mode if entry else 0o755
        self.uid = entry.uid if entry else 0
        self.gid = entry.gid if entry else 0
        self.link = entry.link if entry else ""
        self.head = entry.head if entry else b""
        self.inode: Inode | None = None
        self.children: dict[str, Node] | None = {} if kind == DIR else None

    @property
    def size(self) -> int:
        return self.inode.size if self.inode else 0


@dataclass
class LayerStats:
    index: int
    total_bytes: int = 0
    visible_bytes: int = 0  # of its own bytes, still visible (so far / at the end)
    hidden_bytes: int = 0  # bytes of earlier layers this layer made invisible
    added: int = 0
    changed: int = 0
    removed: int = 0
    files: int = 0  # regular files and hard links it wrote

    @property
    def reclaimable_bytes(self) -> int:
        return self.total_bytes - self.visible_bytes


@dataclass
class FinalFile:
    path: str
    size: int
    layer: int
    mode: int
    uid: int
    gid: int
    head: bytes
    kind: str  # FILE or HARDLINK
    inode_id: int


@dataclass(frozen=True)
class WastedFile:
    """Bytes a layer shipped that the final filesystem does not show: the file ``path`` that
    ``layer`` wrote (0-based) and ``hidden_by`` deleted or overwrote (the same layer when it
    wrote the path twice)."""

    path: str
    size: int
    layer: int
    hidden_by: int


#: How each entry of a layer changed the filesystem below it (``MergedImage.changes``).
ADDED, CHANGED, REMOVED, UNCHANGED = "+", "~", "-", " "


@dataclass
class MergedImage:
    root: Node
    layers: list[LayerStats]
    # path -> [(layer, bytes it wrote there)] for paths that several layers wrote a file to
    repeated: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # (layer that wrote the bytes, layer that made them invisible) -> bytes
    hidden_by: dict[tuple[int, int], int] = field(default_factory=dict)
    # every file whose bytes end up invisible, in the order they were hidden
    wasted: list[WastedFile] = field(default_factory=list)
    # per layer, one ADDED/CHANGED/REMOVED/UNCHANGED code per tar entry, in tar order
    changes: list[str] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(s.total_bytes for s in self.layers)

    @property
    def final_bytes(self) -> int:
        return sum(s.visible_bytes for s in self.layers)

    def lookup(self, path: str) -> Node | None:
        node = self.root
        for part in path.split("/") if path else ():
            if node.children is None:
                return None
            node = node.children.get(part)
            if node is None:
                return None
        return node

    def walk(self):
        """(path, node) for every path of the final filesystem, depth first, root excluded."""
        stack = [("", self.root)]
        while stack:
            prefix, node = stack.pop()
            for name, child in (node.children or {}).items():
                path = f"{prefix}/{name}" if prefix else name
                yield path, child
                if child.children is not None:
                    stack.append((path, child))

    def final_files(self) -> list[FinalFile]:
        return [FinalFile(p, n.size, n.layer, n.mode, n.uid, n.gid, n.head, n.kind, id(n.inode))
                for p, n in self.walk() if n.inode is not None]


class Merger:
    """Stacks layers one at a time, bottom first (so merging can run while later layers are
    still being read)."""

    def __init__(self) -> None:
        self.root = Node(DIR, -1)
        self.layers: list[LayerStats] = []
        self.first_writer: dict[str, tuple[int, int]] = {}  # path -> (layer, bytes written)
        self.repeated: dict[str, list[tuple[int, int]]] = {}
        self.hidden_by: dict[tuple[int, int], int] = {}
        self.wasted: list[WastedFile] = []
        self.changes: list[str] = []

    # -- inode bookkeeping ------------------------------------------------------------
    def _release(self, node: Node, layer: int) -> None:
        inode = node.inode
        if inode is None:
            return
        inode.refs -= 1
        if inode.refs == 0:
            self.layers[inode.layer].visible_bytes -= inode.size
            if inode.layer != layer:
                self.layers[layer].hidden_bytes += inode.size
            key = (inode.layer, layer)
            self.hidden_by[key] = self.hidden_by.get(key, 0) + inode.size
            if inode.size:
                self.wasted.append(WastedFile(inode.path, inode.size, inode.layer, layer))

    def _remove_subtree(self, node: Node, layer: int) -> int:
        """Release every inode under ``node`` (inclusive); returns the non-directories removed."""
        removed = 0
        stack = [node]
        while stack:
            current = stack.pop()
            if current.children is not None:
                stack.extend(current.children.values())
            else:
                removed += 1
                self._release(current, layer)
        return removed

    # -- paths --------------------------------------------------------------------------
    def _parent_dir(self, path: str, layer: int) -> tuple[Node, str]:
        node = self.root
        parts = path.split("/")
        for part in parts[:-1]:
            child = node.children.get(part)
            if child is None or child.children is None:
                if child is not None:  # a file where a directory is needed: the layer replaced it
                    self.layers[layer].removed += self._remove_subtree(child, layer)
                child = Node(DIR, layer)
                node.children[part] = child
            node = child
        return node, parts[-1]

    def _lookup(self, path: str) -> Node | None:
        node = self.root
        for part in path.split("/"):
            if node.children is None:
                return None
            node = node.children.get(part)
            if node is None:
                return None
        return node

    def result(self) -> MergedImage:
        return MergedImage(self.root, self.layers, self.repeated, self.hidden_by, self.wasted, self.changes)

    # -- applying a layer ------------------------------------------------------------------
    def apply(self, layer: int, entries: list[Entry], label: str) -> None:
        stats = LayerStats(layer)
        self.layers.append(stats)
        codes = [REMOVED if entry.kind in (WHITEOUT, OPAQUE) else UNCHANGED for entry in entries]
        for entry in entries:
            if entry.kind == WHITEOUT:
                self._whiteout(entry.path, layer)
            elif entry.kind == OPAQUE:
                self._opaque(entry.path, layer)
        for position, entry in enumerate(entries):
            if entry.kind in (WHITEOUT, OPAQUE):
                continue
            if not entry.path:
                self.root.mode = entry.mode
                continue
            codes[position] = self._add(entry, layer, label)
        self.changes.append("".join(codes))

    def _whiteout(self, path: str, layer: int) -> None:
        parent = self._lookup(path.rpartition("/")[0]) if "/" in path else self.root
        if parent is None or parent.children is None:
            return
        name = path.rpartition("/")[2]
        node = parent.children.pop(name, None)
        if node is not None:
            self.layers[layer].removed += self._remove_subtree(node, layer)

    def _opaque(self, path: str, layer: int) -> None:
        node = self._lookup(path) if path else self.root
        if node is None or node.children is None:
            return
        for child in node.children.values():
            self.layers[layer].removed += self._remove_subtree(child, layer)
        node.children = {}

    def _add(self, entry: Entry, layer: int, label: str) -> str:
        """Apply one entry; returns how it changed the path (ADDED, CHANGED or UNCHANGED)."""
        stats = self.layers[layer]
        parent, name = self._parent_dir(entry.path, layer)
        existing = parent.children.get(name)
        if entry.kind == DIR:
            if existing is not None and existing.children is not None:
                same = (existing.mode, existing.uid, existing.gid) == (entry.mode, entry.uid, entry.gid)
                existing.mode, existing.uid, existing.gid = entry.mode, entry.uid, entry.gid
                return UNCHANGED if same else CHANGED  # a directory carried along, or its metadata
            if existing is not None:
                self._release(existing, layer)
                stats.removed += 1
            parent.children[name] = Node(DIR, layer, entry)
            return ADDED if existing is None else CHANGED
        node = Node(entry.kind, layer, entry)
        if entry.kind == FILE:
            node.inode = Inode(entry.size, layer, entry.path)
            stats.total_bytes += entry.size
            stats.visible_bytes += entry.size
        elif entry.kind == HARDLINK:
            self._link(node, entry, label)
        if existing is not None:
            if existing.children is not None:
                stats.removed += self._remove_subtree(existing, layer)
            else:
                self._release(existing, layer)
            stats.changed += 1
        else:
            stats.added += 1
        parent.children[name] = node
        if node.inode is not None:
            stats.files += 1
            self._note_writer(entry.path, layer, entry.size if entry.kind == FILE else 0)
        return CHANGED if existing is not None else ADDED

    def _link(self, node: Node, entry: Entry, label: str) -> None:
        target = self._lookup(entry.link)
        if target is None or target.children is not None:
            raise ImageError(f"{label}: hard link {entry.path!r} points at {entry.link!r}, "
                             "which is not a file of the image")
        if target.inode is None:  # a hard link to a symlink or device: same kind, no bytes
            node.kind, node.link = target.kind, target.link
            return
        node.kind = HARDLINK
        node.inode = target.inode
        node.mode, node.uid, node.gid = target.mode, target.uid, target.gid  # one inode, one mode
        node.inode.refs += 1
        node.head = target.head

    def _note_writer(self, path: str, layer: int, size: int) -> None:
        known = self.first_writer.get(path)
        if known is None:
            self.first_writer[path] = (layer, size)
            return
        if known[0] == layer and path not in self.repeated:  # the same layer wrote it twice
            self.first_writer[path] = (layer, known[1] + size)
            return
        writers = self.repeated.setdefault(path, [known])
        if writers[-1][0] == layer:
            writers[-1] = (layer, writers[-1][1] + size)
        else:
            writers.append((layer, size))


def merge_layers(layer_entries: list[list[Entry]], labels: list[str] | None = None) -> MergedImage:
    """Stack the layers (bottom first) and account for every byte."""
    merger = Merger()
    for index, entries in enumerate(layer_entries):
        merger.apply(index, entries, labels[index] if labels else f"layer {index + 1}")
    return merger.result()


__all__ = ["ADDED", "CHANGED", "REMOVED", "UNCHANGED", "FinalFile", "LayerStats", "MergedImage", "Merger", "Node",
           "WastedFile", "merge_layers", "SYMLINK"]
