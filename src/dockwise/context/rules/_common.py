"""Helpers shared by the DC rules (not a rule module: no ``info`` here)."""

from __future__ import annotations

from dockwise.units import human_bytes


def listing(items: list[tuple[str, int]], limit: int = 5) -> str:
    """``a (3.0 MiB), b (12 B) and 4 more``."""
    shown = [f"{path} ({human_bytes(size)})" for path, size in items[:limit]]
    rest = len(items) - limit
    text = ", ".join(shown)
    return text + (f" and {rest} more" if rest > 0 else "")


FIX_HINT = "run `dockwise context --write-dockerignore` to add the missing lines"


def dockerignore_fix(target, owners):
    """The fix edits of a DC finding about ``owners`` (see :mod:`dockwise.context.fixer`)."""
    from dockwise.context.fixer import dockerignore_fix as fix_of

    return fix_of(target, owners)
