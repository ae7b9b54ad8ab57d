"""Regular expressions compiled on first use, not at import.

Dozens of module-level patterns compiled at import cost ~15 ms of every `dockwise` start,
most of them for rules or file kinds a given run never reaches.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """Stands in for ``re.compile(pattern, flags)``; compiles when a method is first used."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def lazy_compile(pattern: str | bytes, flags: int = 0) -> Any:
    return LazyPattern(pattern, flags)
