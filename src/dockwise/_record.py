"""Cheap bases for small slotted record classes, used instead of ``@dataclass``.

Why not dataclasses: defining one costs 0.5-1 ms at import (it compiles generated methods and,
with ``slots=True``, builds the class twice), and importing :mod:`dataclasses` pulls in
:mod:`inspect` and :mod:`ast` -- together some 50 ms of the 150 ms that ``dockwise check`` on a
small file may take. A record here spells out its ``__slots__`` and ``__init__``; the base gives
it what a dataclass would: a field-by-field ``repr``, equality (``DataRecord``), immutability
and hashing (``FrozenRecord``), pickling (``--jobs`` sends findings between processes) and
:func:`replace`.

Fields are the ``__slots__`` of the class and its bases, in definition order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a TypeVar with a bound compiles the bound's text: 2 ms at every start
    from typing import TypeVar

    R = TypeVar("R", bound="Record")


class Record:
    """Identity-compared record: a repr, pickling and :func:`replace`, nothing else."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _repr_fields: tuple[str, ...] = ()  # shown by repr (default: the fields not starting "_")
    # Slots holding derived state (a lookup cache): not fields, so never compared, pickled or
    # passed on by replace(); ``__init__`` must set them.
    _transient: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        for klass in reversed(cls.__mro__):
            slots = klass.__dict__.get("__slots__", ())
            fields.extend((slots,) if isinstance(slots, str) else slots)
        cls._fields = tuple(f for f in fields if f not in cls._transient)
        if "_repr_fields" not in cls.__dict__:
            cls._repr_fields = tuple(f for f in fields if not f.startswith("_"))

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._repr_fields)
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple:
        return _rebuild, (type(self), self._values())


def _rebuild(cls: type[R], values: tuple) -> R:
    record = object.__new__(cls)
    for name, value in zip(cls._fields, values):
        object.__setattr__(record, name, value)
    for name in cls._transient:
        object.__setattr__(record, name, None)
    return record


def replace(record: R, **changes: Any) -> R:
    """A copy of ``record`` with some fields changed (like :func:`dataclasses.replace`).

    The copy goes through ``__init__``, which therefore takes every public field by keyword."""
    values = {name: getattr(record, name) for name in record._fields}
    values.update(changes)
    return type(record)(**values)


class DataRecord(Record):
    """A mutable record compared field by field (and so, like a mutable dataclass, unhashable)."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]


class FrozenRecord(DataRecord):
    """A record that cannot change after ``__init__`` and compares/hashes by its fields.

    ``__init__`` sets fields with ``object.__setattr__`` (or :meth:`_set`)."""

    __slots__ = ()

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name!r})")

    def __hash__(self) -> int:
        return hash(self._values())
