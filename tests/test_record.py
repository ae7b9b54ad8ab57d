"""dockwise._record: the record bases that replace dataclasses keep what callers relied on --
field equality, immutability and hashing, pickling (``--jobs``), replace() and a readable repr."""

from __future__ import annotations

import pickle

import pytest

from dockwise._record import DataRecord, FrozenRecord, Record, replace
from dockwise.findings import Finding, Location, Severity
from dockwise.syntax import parse_dockerfile


class Point(FrozenRecord):
    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int = 0) -> None:
        self._set(x=x, y=y)


class Box(DataRecord):
    __slots__ = ("items", "_lookup")
    _transient = ("_lookup",)

    def __init__(self, items: list[str]) -> None:
        self.items = items
        self._lookup = None

    def index(self) -> dict[str, int]:
        if self._lookup is None:
            self._lookup = {item: i for i, item in enumerate(self.items)}
        return self._lookup


class Node(Record):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def test_frozen_records_compare_hash_and_refuse_changes():
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert len({Point(1, 2), Point(1, 2)}) == 1
    with pytest.raises(AttributeError, match="immutable"):
        Point(1).x = 5
    with pytest.raises(AttributeError, match="immutable"):
        del Point(1).x
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"


def test_data_records_compare_by_fields_and_are_unhashable_like_dataclasses():
    assert Box(["a"]) == Box(["a"])
    with pytest.raises(TypeError):
        hash(Box(["a"]))
    assert repr(Box(["a"])) == "Box(items=['a'])"  # private and transient slots stay out


def test_plain_records_compare_by_identity():
    a = Node("x")
    assert a != Node("x") and a == a and len({a, Node("x")}) == 2


def test_transient_slots_are_left_out_of_equality_pickling_and_replace():
    box = Box(["a", "b"])
    assert box.index() == {"a": 0, "b": 1}
    assert box == Box(["a", "b"])  # the other has no cache yet
    copy = replace(box, items=["c"])
    assert copy.index() == {"c": 0}  # not the old cache
    restored = pickle.loads(pickle.dumps(box))
    assert restored == box and restored.index() == {"a": 0, "b": 1}


def test_replace_keeps_the_other_fields_and_checks_names():
    assert replace(Point(1, 2), y=5) == Point(1, 5)
    with pytest.raises(TypeError):
        replace(Point(1, 2), z=5)


def test_findings_and_trees_survive_pickling_for_worker_processes():
    finding = Finding("DL3008", "apt-get-pin-versions", Severity.WARNING, "pin it",
                      Location("Dockerfile", 2, 5, 2, 9), aliases=("hadolint:DL3008",))
    assert pickle.loads(pickle.dumps(finding)) == finding
    tree = parse_dockerfile("FROM alpine:3.19.1\nRUN echo \\\n  hi\n")
    again = pickle.loads(pickle.dumps(tree))
    assert again == tree and again.instructions[1].span_of(0, 4) == tree.instructions[1].span_of(0, 4)
