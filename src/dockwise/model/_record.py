"""A cheap base for small slotted record classes."""

from __future__ import annotations


class Record:
    """Base of the model's small slotted record classes.

    Hand-written rather than ``@dataclass``: defining a dataclass costs about a millisecond at
    import, and ``dockwise check`` on a small file has a 150 ms budget in all."""

    __slots__ = ()
    _repr_fields: tuple[str, ...] = ()

    def __repr__(self) -> str:
        names = self._repr_fields or self.__slots__
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"


class FrozenRecord(Record):
    """A Record that cannot change after ``__init__`` and compares/hashes by its fields."""

    __slots__ = ()

    def _set(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def _key(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._key())
