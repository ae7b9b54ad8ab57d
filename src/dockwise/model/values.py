"""Values after BuildKit expansion, and the ARG/ENV scopes they are expanded in."""

from __future__ import annotations

from dockwise._record import FrozenRecord
from dockwise.syntax.words import ExpansionError, process_word, variable_references


class Value(FrozenRecord):
    """A string as the builder would see it after variable expansion.

    ``known`` is False when the text depends on something dockwise cannot know statically (an
    ARG without a default and no ``--build-arg``, a variable of the base image, a platform
    ARG): those references stay in ``text`` exactly as written (``python:${TAG}``) and their
    names are in ``unknown``. ``undeclared`` lists the unknown names declared nowhere in scope
    (neither ARG nor ENV -- BuildKit would expand them to "" unless the base image sets them).
    ``error`` is BuildKit's complaint when the text cannot be expanded at all.

    Immutable, compared and hashed by all its fields.
    """

    __slots__ = ("text", "known", "unknown", "undeclared", "error")

    text: str
    known: bool
    unknown: tuple[str, ...]
    undeclared: tuple[str, ...]
    error: str | None

    def __init__(self, text: str, known: bool = True, unknown: tuple[str, ...] = (),
                 undeclared: tuple[str, ...] = (), error: str | None = None) -> None:
        set_ = object.__setattr__  # immutable: __setattr__ refuses
        set_(self, "text", text)
        set_(self, "known", known)
        set_(self, "unknown", unknown)
        set_(self, "undeclared", undeclared)
        set_(self, "error", error)

    @classmethod
    def literal(cls, text: str) -> "Value":
        return cls(text)

    @classmethod
    def unset(cls, name: str) -> "Value":
        """A variable declared without a value that nobody provided."""
        value = _UNSET.get(name)
        if value is None:
            value = _UNSET[name] = cls("${" + name + "}", known=False, unknown=(name,))
        return value

    def __str__(self) -> str:
        return self.text


_UNSET: dict[str, Value] = {}


class Scope:
    """The variables expansion sees at one point, in BuildKit's order: ENV and ARG values are
    written into one environment as the instructions run, so a later one wins.

    Treated as immutable once built: states share a scope until an ARG or ENV changes it.
    """

    __slots__ = ("variables", "_known")

    def __init__(self, variables: dict[str, Value]) -> None:
        self.variables = variables
        self._known: dict[str, str] | None = None

    @property
    def _lookup(self) -> "_KnownLookup":
        """What the lexer reads variables through: no dict is built per scope, so a file with
        many ENV/ARG lines stays linear."""
        return _KnownLookup(self.variables)

    def known(self) -> dict[str, str]:
        """Name -> text for every variable whose value is known."""
        if self._known is None:
            self._known = {name: v.text for name, v in self.variables.items() if v.known}
        return self._known

    def is_declared(self, name: str) -> bool:
        return name in self.variables

    def expand(self, text: str, escape: str = "\\") -> Value:
        """BuildKit's expansion of ``text`` here; unknown references stay verbatim."""
        try:
            result = process_word(text, self._lookup, escape, keep_unknown=True)
        except ExpansionError as exc:
            return Value(text, known=False, error=exc.message)
        if not result.unknown:
            return Value(result.text)
        unknown = tuple(sorted(result.unknown))
        undeclared = tuple(name for name in unknown if name not in self.variables)
        return Value(result.text, known=False, unknown=unknown, undeclared=undeclared)

    def expand_as_builder(self, text: str, escape: str = "\\") -> str | None:
        """What BuildKit itself would produce with no more ``--build-arg``: unknown variables
        expand to "" (None if BuildKit rejects the text). For checks such as "the default
        value makes an invalid FROM"; everything else should use :meth:`expand`."""
        try:
            return process_word(text, self._lookup, escape).text
        except ExpansionError:
            return None

    def expand_words(self, text: str, escape: str = "\\") -> list[Value]:
        """``text`` expanded and split into words BuildKit's way (EXPOSE, VOLUME, COPY sources).

        A word holding an unknown reference (left verbatim) is an unknown Value naming it."""
        try:
            result = process_word(text, self._lookup, escape, keep_unknown=True, split=True)
        except ExpansionError as exc:
            return [Value(text, known=False, error=exc.message)]
        if not result.unknown:
            return [Value(word) for word in result.words]
        return [self._word_value(word, result.unknown) for word in result.words]

    def _word_value(self, word: str, unknown_names: set[str]) -> Value:
        try:
            names = {ref.name for ref in variable_references(word)} & unknown_names
        except ExpansionError:
            names = set(unknown_names)
        if not names:
            return Value(word)
        unknown = tuple(sorted(names))
        undeclared = tuple(name for name in unknown if name not in self.variables)
        return Value(word, known=False, unknown=unknown, undeclared=undeclared)



class _KnownLookup:
    """``get(name)`` -> the text of a known variable, None for an unknown or absent one."""

    __slots__ = ("variables",)

    def __init__(self, variables: dict[str, Value]) -> None:
        self.variables = variables

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.variables.get(name)
        if value is None or not value.known:
            return default
        return value.text
