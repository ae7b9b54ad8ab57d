"""Which rules run: ``--select`` / ``--ignore`` tokens and the codes written in suppression comments.

A token may be a full code (``DL3008``), a code prefix (``DW1``, ``DL30``, ``DL``), a rule's
kebab-case name, an alias with or without its namespace (``buildkit:JSONArgsRecommended``,
``JSONArgsRecommended``, ``CKV_DOCKER_3``) or ``ALL``. Matching is case-insensitive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dockwise._lazyre import lazy_compile
from dockwise._record import FrozenRecord
from dockwise.errors import DockwiseError
from dockwise.findings import RuleInfo

_PREFIX = lazy_compile(r"^[a-z]{2}\d*$")
# Codes other linters use that a migrating team may already pass to --ignore (hadolint's DL
# and ShellCheck's SC codes): ignoring one dockwise does not implement is not an error.
_FOREIGN_CODE = lazy_compile(r"^(dl\d{4}|sc\d{4})$")


def is_foreign_code(token: str) -> bool:
    """A hadolint (``DL``) or ShellCheck (``SC``) code, known to dockwise or not."""
    return _FOREIGN_CODE.match(token.strip().lower()) is not None


class SelectionError(DockwiseError):
    """An unknown rule code, name or alias on the command line."""


def split_tokens(values: Iterable[str] | None) -> list[str]:
    """Flatten repeatable, comma-separated option values: ``["DL3008,DW1", "DL3009"]``."""
    tokens: list[str] = []
    for value in values or ():
        tokens.extend(t.strip() for t in value.split(",") if t.strip())
    return tokens


def _keys(info: RuleInfo) -> set[str]:
    keys = {info.code.lower(), info.name.lower()}
    for alias in info.aliases:
        keys.add(alias.lower())
        keys.add(alias.split(":", 1)[-1].lower())
    return keys


class RuleIndex:
    """Resolves tokens to rule codes over a fixed set of rules."""

    def __init__(self, infos: Iterable[RuleInfo]) -> None:
        self.infos = {info.code: info for info in infos}
        self._by_key: dict[str, set[str]] = {}
        for info in self.infos.values():
            for key in _keys(info):
                self._by_key.setdefault(key, set()).add(info.code)

    def resolve(self, token: str) -> set[str] | None:
        """The codes ``token`` names, or None if it names nothing known."""
        wanted = token.strip().lower()
        if wanted == "all":
            return set(self.infos)
        if wanted in self._by_key:
            return set(self._by_key[wanted])
        if _PREFIX.match(wanted):
            found = {code for code in self.infos if code.lower().startswith(wanted)}
            # A family prefix with no rule yet ("DI" before image rules exist) selects nothing.
            return found if found or len(wanted) == 2 else None
        return None

    def resolve_loose(self, token: str) -> set[str]:
        """Like :meth:`resolve`, but an unknown token stands for itself (comment codes
        may name rules from a newer version or another tool)."""
        found = self.resolve(token)
        return found if found is not None else {token.strip().upper()}

    def resolve_all(self, tokens: Sequence[str], *, option: str) -> set[str]:
        codes: set[str] = set()
        for token in tokens:
            found = self.resolve(token)
            if found is None and option == "--ignore" and _FOREIGN_CODE.match(token.strip().lower()):
                continue
            if found is None:
                raise SelectionError(
                    f"{option}: unknown rule {token!r} (not a code, code prefix, rule name or alias; "
                    f"see `dockwise rules`)")
            codes |= found
        return codes


class Selection(FrozenRecord):
    """The set of enabled codes. ``None`` for ``selected`` means every rule."""

    __slots__ = ("selected", "ignored")

    selected: frozenset[str] | None
    ignored: frozenset[str]

    def __init__(self, selected: frozenset[str] | None = None,
                 ignored: frozenset[str] = frozenset()) -> None:
        self._set(selected=selected, ignored=ignored)

    @classmethod
    def from_options(cls, index: RuleIndex, select: Iterable[str] | None,
                     ignore: Iterable[str] | None) -> "Selection":
        select_tokens = split_tokens(select)
        ignore_tokens = split_tokens(ignore)
        selected = index.resolve_all(select_tokens, option="--select") if select_tokens else None
        ignored = index.resolve_all(ignore_tokens, option="--ignore")
        return cls(frozenset(selected) if selected is not None else None, frozenset(ignored))

    def enabled(self, code: str) -> bool:
        if code in self.ignored:
            return False
        return self.selected is None or code in self.selected
