"""Reading the YAML configuration files teams already have (``.hadolint.yaml``, ``.dive-ci``).

They come from the repository being checked, so they are untrusted input: a syntax error, a
duplicated key (YAML keeps the last one silently, so a second ``no-fail:`` would quietly win),
nesting deep enough to exhaust the stack, or an alias "bomb" (a few lines that expand to
billions of nodes when walked or printed) must each give one line naming the file -- never a
traceback, a hang or a guess. Values are described in messages by :func:`describe`, which
never walks a container.
"""

from __future__ import annotations

from typing import Any

from dockwise.errors import InputError


def load_yaml(text: str, path: str, what: str) -> Any:
    """The document of ``text`` (``None`` for an empty file); ``what`` names the file kind in
    errors ("hadolint config")."""
    import yaml  # lazy: only teams with such a file pay for it

    try:
        return yaml.load(text, Loader=_loader_class())  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise InputError(f"{what}: key {exc.key} is given twice (line {exc.line}); YAML would "
                         "silently keep only the last one", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"{what} is not valid YAML{where}", path=path) from None
    except RecursionError:
        raise InputError(f"{what} is not valid YAML (nested too deeply)", path=path) from None


def describe(value: object) -> str:
    """A short, safe rendering of a config value for an error message: scalars as written
    (cut at 60 characters), containers by their kind only."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


_LOADER: Any = None


def _loader_class() -> Any:
    """PyYAML's SafeLoader, refusing a mapping that names a key twice."""
    global _LOADER
    if _LOADER is None:
        import yaml

        class StrictSafeLoader(yaml.SafeLoader):
            def construct_mapping(self, node: Any, deep: bool = False) -> dict:
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=deep)
                    try:
                        duplicate = key in seen
                    except TypeError:  # an unhashable key: SafeLoader reports it below
                        continue
                    if duplicate:
                        raise _DuplicateKey(describe(key), key_node.start_mark.line + 1)
                    seen.add(key)
                return super().construct_mapping(node, deep=deep)

        _LOADER = StrictSafeLoader
    return _LOADER
