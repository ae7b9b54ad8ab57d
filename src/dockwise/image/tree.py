"""The final filesystem as a size tree small enough to draw: the largest directories opened up
to a node budget, small files of a directory gathered into one node, and every node tagged
with the layer that put most of its bytes there.

An image of 100,000 files becomes a few thousand nodes, so the report stays small and the
page that draws it opens fast, while every byte of the final filesystem is still counted
once (a hard-linked file at the first path met, as ``final_bytes`` counts it).
"""

from __future__ import annotations

import heapq
from typing import Any

from dockwise.image.merge import MergedImage, Node

#: Nodes of the tree at most (directories opened largest first until the budget is spent).
MAX_NODES = 3000
#: A file or directory under this share of the final bytes is never a node of its own.
MIN_SHARE = 1 / 20000


class _Sizes:
    """Bytes, file count and bytes per layer of every directory of the merged filesystem."""

    def __init__(self, merged: MergedImage) -> None:
        self.bytes: dict[int, int] = {}
        self.files: dict[int, int] = {}
        self._seen: set[int] = set()
        self._measure(merged.root)

    def own_bytes(self, node: Node) -> int:
        """A file's bytes, or 0 for a later path of a hard-linked inode already counted."""
        return self.bytes.get(id(node), 0)

    def _measure(self, root: Node) -> None:
        order: list[Node] = []
        stack = [root]
        while stack:  # parents before children; sizes are summed in reverse
            node = stack.pop()
            order.append(node)
            if node.children:
                stack.extend(node.children[name] for name in sorted(node.children, reverse=True))
        counted: set[int] = set()
        for node in order:  # a hard-linked inode counts at its first path in sorted order
            if node.inode is not None and id(node.inode) not in self._seen:
                self._seen.add(id(node.inode))
                counted.add(id(node))
        for node in reversed(order):
            if node.children is None:
                self.bytes[id(node)] = node.inode.size if id(node) in counted else 0
                self.files[id(node)] = 1 if node.inode is not None else 0
            else:
                self.bytes[id(node)] = sum(self.bytes[id(c)] for c in node.children.values())
                self.files[id(node)] = sum(self.files[id(c)] for c in node.children.values())


def _layer_bytes(node: Node, sizes: _Sizes, into: dict[int, int]) -> dict[int, int]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.children is None:
            size = sizes.own_bytes(current)
            if size:
                into[current.layer] = into.get(current.layer, 0) + size
        else:
            stack.extend(current.children.values())
    return into


def filesystem_tree(merged: MergedImage, max_nodes: int = MAX_NODES) -> dict[str, Any]:
    """``{"name", "bytes", "files", "layer", "children"?, "rest"?}``, nested: ``layer`` is the
    1-based layer that wrote most of the node's bytes (0 when it has none); a node with
    ``rest: true`` stands for the small files and directories of its parent, not opened."""
    sizes = _Sizes(merged)
    floor = max(1, int(sizes.bytes[id(merged.root)] * MIN_SHARE))
    root = _node("/", merged.root, sizes)
    budget = max_nodes - 1
    heap: list[tuple[int, int, dict[str, Any], Node]] = [(-root["bytes"], 0, root, merged.root)]
    tie = 1
    while heap and budget > 0:
        _, _, out, node = heapq.heappop(heap)
        children = sorted(node.children.items(), key=lambda kv: (-sizes.bytes[id(kv[1])], kv[0]))
        shown = [(name, child) for name, child in children if sizes.bytes[id(child)] >= floor][:budget]
        if not shown:
            continue  # nothing big enough to show on its own: the directory stays one node
        out["children"] = []
        for name, child in shown:
            entry = _node(name, child, sizes)
            out["children"].append(entry)
            if child.children:
                heapq.heappush(heap, (-entry["bytes"], tie, entry, child))
                tie += 1
        budget -= len(shown)
        rest = [(name, child) for name, child in children[len(shown):] if sizes.bytes[id(child)]]
        if rest and budget > 0:
            out["children"].append(_node(*rest[0], sizes) if len(rest) == 1 else _rest(rest, sizes))
            budget -= 1
        elif rest:  # no budget left for a rest node: the directory is one node after all
            del out["children"]
            break
    _assign_layers(root, merged.root, sizes)
    return root


def _node(name: str, node: Node, sizes: _Sizes) -> dict[str, Any]:
    return {"name": name, "bytes": sizes.bytes[id(node)], "files": sizes.files[id(node)], "layer": 0,
            "_node": node}


def _rest(rest: list[tuple[str, Node]], sizes: _Sizes) -> dict[str, Any]:
    files = sum(sizes.files[id(child)] for _, child in rest)
    return {"name": f"{len(rest)} smaller entries", "bytes": sum(sizes.bytes[id(c)] for _, c in rest),
            "files": files, "layer": 0, "rest": True, "_nodes": [child for _, child in rest]}


def _assign_layers(out: dict[str, Any], node: Node, sizes: _Sizes) -> dict[int, int]:
    """Fill in ``layer`` bottom up (and drop the private links to the merged nodes)."""
    out.pop("_node", None)
    nodes = out.pop("_nodes", None)
    if "children" in out:
        totals: dict[int, int] = {}
        for child in out["children"]:
            for layer, size in _assign_layers(child, child.get("_node"), sizes).items():
                totals[layer] = totals.get(layer, 0) + size
    else:
        totals = {}
        for each in nodes if nodes is not None else [node]:
            _layer_bytes(each, sizes, totals)
    out["layer"] = max(totals, key=lambda layer: (totals[layer], -layer)) + 1 if totals else 0
    return totals
