"""hadolint's configuration file, honoured so teams keep the one they have.

``.hadolint.yaml`` / ``.hadolint.yml`` is looked for in the checked file's directory and its
parents, stopping at the repository root (the first directory holding ``.git``). Keys used:
``ignored``, ``override`` (``error``/``warning``/``info``/``style`` lists),
``failure-threshold``, ``no-fail`` and ``disable-ignore-pragma``; hadolint's other keys are
only type-checked. A value of the wrong type (``no-fail: "false"``, a string where a list
belongs) is an error naming the file and key, never a guess.
"""

from __future__ import annotations

import os
from functools import lru_cache

from dockwise._record import FrozenRecord
from dockwise.errors import InputError
from dockwise.findings import Severity

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")


class LintConfig(FrozenRecord):
    __slots__ = ("path", "ignored", "overrides", "failure_threshold", "no_fail",
                 "disable_ignore_pragma")

    path: str | None
    ignored: tuple[str, ...]
    overrides: dict[str, Severity]  # rule token -> severity
    failure_threshold: Severity | None  # None: not set; see ``no_fail``
    no_fail: bool
    disable_ignore_pragma: bool

    def __init__(self, path: str | None = None, ignored: tuple[str, ...] = (),
                 overrides: dict[str, Severity] | None = None,
                 failure_threshold: Severity | None = None, no_fail: bool = False,
                 disable_ignore_pragma: bool = False) -> None:
        self._set(path=path, ignored=ignored, overrides={} if overrides is None else overrides,
                  failure_threshold=failure_threshold, no_fail=no_fail,
                  disable_ignore_pragma=disable_ignore_pragma)


EMPTY = LintConfig()


def find_config_path(start_dir: str) -> str | None:
    """The nearest hadolint config from ``start_dir`` up to the repository root."""
    current = os.path.abspath(start_dir)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                return candidate
        if os.path.exists(os.path.join(current, ".git")):
            return None
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


@lru_cache(maxsize=256)
def config_for_dir(directory: str) -> LintConfig:
    path = find_config_path(directory)
    return load_config(path) if path else EMPTY


def _rule_list(value: object, *, path: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"hadolint config: {key!r} must be a list of rule codes", path=path)
    return tuple(value)


def _flag(data: dict, key: str, path: str) -> bool:
    """A boolean key: only a YAML boolean counts. ``no-fail: "false"`` is a string, and
    ``bool("false")`` is True: guessing would turn the CI gate off, so it is an error."""
    value = data.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f"hadolint config: {key!r} must be true or false (unquoted), "
                         f"not {value!r}", path=path)
    return value


# Other hadolint keys dockwise does not use, checked so a typo'd value is not silently accepted.
_OTHER_FLAGS = ("no-color", "verbose", "strict-labels")
_OTHER_LISTS = ("trustedRegistries",)


def _check_other_keys(data: dict, path: str) -> None:
    for key in _OTHER_FLAGS:
        _flag(data, key, path)
    for key in _OTHER_LISTS:
        value = data.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise InputError(f"hadolint config: {key!r} must be a list of strings", path=path)
    for key in ("label-schema",):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise InputError(f"hadolint config: {key!r} must be a mapping", path=path)
    if data.get("format") is not None and not isinstance(data["format"], str):
        raise InputError("hadolint config: 'format' must be a string", path=path)


def _threshold(value: object, path: str) -> Severity | None:
    """The lowest failing severity for a ``failure-threshold`` value (None: not set)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"hadolint config: 'failure-threshold' must be one of error, warning, "
                         f"info, style, ignore, none; not {value!r}", path=path)
    text = value.strip().lower()
    if text in ("ignore", "none"):
        return Severity.STYLE  # hadolint: any finding fails
    try:
        return Severity.parse(text)
    except ValueError:
        raise InputError(f"hadolint config: unknown failure-threshold {value!r}", path=path) from None


def load_config(path: str) -> LintConfig:
    from dockwise.inputs import read_text

    text = read_text(path, what="hadolint config")
    import yaml  # lazy: only teams with a config pay for it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(f"hadolint config is not valid YAML{where}", path=path) from None
    if data is None:
        return LintConfig(path=path)
    if not isinstance(data, dict):
        raise InputError("hadolint config must be a mapping", path=path)
    overrides: dict[str, Severity] = {}
    override = data.get("override") or {}
    if not isinstance(override, dict):
        raise InputError("hadolint config: 'override' must be a mapping", path=path)
    for level in ("style", "info", "warning", "error"):
        for token in _rule_list(override.get(level), path=path, key=f"override.{level}"):
            overrides[token] = Severity.parse(level)
    threshold = _threshold(data.get("failure-threshold"), path)
    _check_other_keys(data, path)
    return LintConfig(
        path=path,
        ignored=_rule_list(data.get("ignored"), path=path, key="ignored"),
        overrides=overrides,
        failure_threshold=threshold,
        no_fail=_flag(data, "no-fail", path),
        disable_ignore_pragma=_flag(data, "disable-ignore-pragma", path),
    )
