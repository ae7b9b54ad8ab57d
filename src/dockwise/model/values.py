"""Values after BuildKit expansion, and the ARG/ENV scopes they are expanded in."""

from __future__ import annotations

from collections.abc import Mapping

from dockwise._record import FrozenRecord
from dockwise.model.persistent import PersistentMap
from dockwise.syntax.words import ExpansionError, ExpansionTooLarge, process_word, variable_references


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


class ExpansionBudget:
    """How many characters variable substitution may still add to one Dockerfile's words.

    Each word may take ``FREE_PER_WORD`` characters from its variables without counting: real
    Dockerfiles stay far below it (the largest growth in a corpus of 9,600 files is 248
    characters, a LABEL built from ARGs). What a word takes beyond that comes out of
    ``TOTAL`` for the whole file. A word that would exceed what is left is not expanded: its
    value becomes unknown (never a guess) and ``first_overflow`` remembers the first one (and
    ``first_overflow_at`` what was being expanded then: the model sets ``at`` to the
    instruction it expands for), so the file's values cannot grow faster than the file
    (``ARG A2=${A1}${A1}`` on 30 lines asks for gigabytes).
    """

    FREE_PER_WORD = 1024
    TOTAL = 8 * 1024 * 1024

    __slots__ = ("remaining", "first_overflow", "first_overflow_at", "at")

    def __init__(self, total: int = TOTAL) -> None:
        self.remaining = total
        self.first_overflow: str | None = None  # the message of the first word refused
        self.first_overflow_at: object | None = None
        self.at: object | None = None

    def limit(self) -> int:
        return self.FREE_PER_WORD + self.remaining

    def spend(self, added: int) -> None:
        if added > self.FREE_PER_WORD:
            self.remaining -= added - self.FREE_PER_WORD

    def refuse(self, text: str) -> "Value":
        """The unknown Value of ``text`` whose expansion was too large."""
        message = (f"expanding {_excerpt(text)} would pass dockwise's limit of "
                   f"{self.TOTAL // (1024 * 1024)} MiB of substituted text per Dockerfile: its value, "
                   "and the values built from it, are treated as unknown (a variable repeated in each "
                   "new definition grows exponentially)")
        if self.first_overflow is None:
            self.first_overflow = message
            self.first_overflow_at = self.at
        return Value(text, known=False, error=message)


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


class Scope:
    """The variables expansion sees at one point, in BuildKit's order: ENV and ARG values are
    written into one environment as the instructions run, so a later one wins.

    Immutable: ``variables`` is a :class:`PersistentMap`, so the scopes of consecutive
    instructions share everything but what an ARG or ENV changed. Scopes of one Dockerfile
    share one :class:`ExpansionBudget` (None: unbounded, for one-off expansions).
    """

    __slots__ = ("variables", "budget", "_known")

    def __init__(self, variables: Mapping[str, Value], budget: ExpansionBudget | None = None) -> None:
        self.variables = variables if isinstance(variables, PersistentMap) else PersistentMap(variables)
        self.budget = budget
        self._known: dict[str, str] | None = None

    def with_variables(self, variables: PersistentMap) -> "Scope":
        return Scope(variables, self.budget)

    @property
    def _lookup(self) -> "_KnownLookup":
        """What the lexer reads variables through (known values only)."""
        return _KnownLookup(self.variables)

    def known(self) -> dict[str, str]:
        """Name -> text for every variable whose value is known."""
        if self._known is None:
            self._known = {name: v.text for name, v in self.variables.items() if v.known}
        return self._known

    def is_declared(self, name: str) -> bool:
        return name in self.variables

    def _process(self, text: str, escape: str, keep_unknown: bool, split: bool = False):
        """The lexer's result within the budget; raises ExpansionTooLarge past it."""
        budget = self.budget
        if budget is None:
            return process_word(text, self._lookup, escape, keep_unknown=keep_unknown, split=split)
        result = process_word(text, self._lookup, escape, keep_unknown=keep_unknown, split=split,
                              limit=budget.limit())
        budget.spend(result.added)
        return result

    def expand(self, text: str, escape: str = "\\") -> Value:
        """BuildKit's expansion of ``text`` here; unknown references stay verbatim."""
        try:
            result = self._process(text, escape, keep_unknown=True)
        except ExpansionTooLarge:
            return self.budget.refuse(text)  # type: ignore[union-attr]  # only raised with a budget
        except ExpansionError as exc:
            return Value(text, known=False, error=exc.message)
        if not result.unknown:
            return Value(result.text)
        unknown = tuple(sorted(result.unknown))
        undeclared = tuple(name for name in unknown if name not in self.variables)
        return Value(result.text, known=False, unknown=unknown, undeclared=undeclared)

    def expand_as_builder(self, text: str, escape: str = "\\") -> str | None:
        """What BuildKit itself would produce with no more ``--build-arg``: unknown variables
        expand to "" (None if BuildKit rejects the text, or past the expansion budget). For
        checks such as "the default value makes an invalid FROM"; everything else should use
        :meth:`expand`."""
        try:
            return self._process(text, escape, keep_unknown=False).text
        except ExpansionTooLarge:
            self.budget.refuse(text)  # type: ignore[union-attr]
            return None
        except ExpansionError:
            return None

    def expand_words(self, text: str, escape: str = "\\") -> list[Value]:
        """``text`` expanded and split into words BuildKit's way (EXPOSE, VOLUME, COPY sources).

        A word holding an unknown reference (left verbatim) is an unknown Value naming it."""
        try:
            result = self._process(text, escape, keep_unknown=True, split=True)
        except ExpansionTooLarge:
            return [self.budget.refuse(text)]  # type: ignore[union-attr]
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

    def __init__(self, variables: Mapping[str, Value]) -> None:
        self.variables = variables

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.variables.get(name)
        if value is None or not value.known:
            return default
        return value.text
