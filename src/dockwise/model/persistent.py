"""An immutable mapping whose updated copies share structure with the original.

The model keeps the ARG/ENV variables in effect at every instruction. Copying a dict per
instruction made a stage of n ENV lines cost n^2 in time and memory; :class:`PersistentMap`
returns a new map from :meth:`set` in O(log n), sharing everything it did not change (a hash
array mapped trie: each level indexes 5 bits of the key's hash).

It reads like a dict: ``get``, ``in``, ``[]``, ``len``, ``items()``, equality with any mapping,
and iteration in insertion order (a key set again keeps its place, as in a dict).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

_BITS = 4  # 16 children a node: a small list to copy, and 4 levels for 50,000 keys
_WIDTH = 1 << _BITS
_MASK = _WIDTH - 1
_HASH_BITS = 64  # keys whose 64 hash bits all agree end up in one bucket (a dict)
_ABSENT = object()


class _Leaf(tuple):
    """``(key, value, order)``: ``order`` is the insertion position that iteration sorts by."""

    __slots__ = ()


class PersistentMap(Mapping):
    """An immutable str-keyed mapping; :meth:`set` and :meth:`update` return new maps."""

    __slots__ = ("_root", "_len")

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._root: list = [None] * _WIDTH
        self._len = 0
        if items:
            built = self.update(items)
            self._root, self._len = built._root, built._len

    @classmethod
    def _of(cls, root: list, length: int) -> "PersistentMap":
        new = cls.__new__(cls)
        new._root = root
        new._len = length
        return new

    # -- reading -------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        h = hash(key)
        node: Any = self._root
        shift = 0
        while True:
            child = node[(h >> shift) & _MASK]
            if child is None:
                return default
            if type(child) is _Leaf:
                return child[1] if child[0] == key else default
            if type(child) is dict:  # a bucket of keys with the same hash
                leaf = child.get(key)
                return default if leaf is None else leaf[1]
            node = child
            shift += _BITS

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _ABSENT) is not _ABSENT

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        return (leaf[0] for leaf in self._leaves())

    def items(self):  # type: ignore[override]  # a list: callers iterate it once
        return [(leaf[0], leaf[1]) for leaf in self._leaves()]

    def values(self):  # type: ignore[override]
        return [leaf[1] for leaf in self._leaves()]

    def _leaves(self) -> list[_Leaf]:
        found: list[_Leaf] = []
        pending = [self._root]
        while pending:
            for child in pending.pop():
                if child is None:
                    continue
                if type(child) is _Leaf:
                    found.append(child)
                elif type(child) is dict:
                    found.extend(child.values())
                else:
                    pending.append(child)
        found.sort(key=lambda leaf: leaf[2])
        return found

    def __repr__(self) -> str:
        return f"PersistentMap({dict(self.items())!r})"

    # -- writing: new maps -----------------------------------------------------------------
    def set(self, key: str, value: Any) -> "PersistentMap":
        """A map with ``key`` set to ``value``; this one is unchanged."""
        root, added = _insert(self._root, hash(key), _Leaf((key, value, self._len)))
        return PersistentMap._of(root, self._len + added)

    def update(self, items: Mapping[str, Any]) -> "PersistentMap":
        new = self
        for key, value in items.items():
            new = new.set(key, value)
        return new


def _insert(root: list, h: int, leaf: _Leaf) -> tuple[list, int]:
    """A copy of ``root`` with ``leaf`` in it (copying only the path down to it), and 1 if its
    key is new, 0 if it replaced a value (whose position it keeps)."""
    key = leaf[0]
    new_root = node = root[:]
    shift = 0
    while True:
        slot = (h >> shift) & _MASK
        child = node[slot]
        if child is None:
            node[slot] = leaf
            return new_root, 1
        if type(child) is _Leaf:
            if child[0] == key:
                node[slot] = _Leaf((key, leaf[1], child[2]))
                return new_root, 0
            node[slot] = _split(child, leaf, shift + _BITS, h)
            return new_root, 1
        if type(child) is dict:  # a bucket of keys with the same hash
            bucket = dict(child)
            old = bucket.get(key)
            bucket[key] = leaf if old is None else _Leaf((key, leaf[1], old[2]))
            node[slot] = bucket
            return new_root, int(old is None)
        node[slot] = node = child[:]
        shift += _BITS


def _split(old: _Leaf, leaf: _Leaf, shift: int, h: int) -> Any:
    """The node below a slot that ``old`` and the new ``leaf`` (different keys) both hash to."""
    if shift >= _HASH_BITS:
        return {old[0]: old, leaf[0]: leaf}
    below: list = [None] * _WIDTH
    old_slot = (hash(old[0]) >> shift) & _MASK
    slot = (h >> shift) & _MASK
    if old_slot != slot:
        below[old_slot] = old
        below[slot] = leaf
    else:
        below[slot] = _split(old, leaf, shift + _BITS, h)
    return below
