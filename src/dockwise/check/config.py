"""hadolint's configuration file, honoured so teams keep the one they have.

``.hadolint.yaml`` / ``.hadolint.yml`` is looked for in the checked file's directory and its
parents, stopping at the repository root (the first directory holding ``.git``). Keys used:
``ignored``, ``override`` (``error``/``warning``/``info``/``style`` lists),
``failure-threshold``, ``no-fail`` and ``disable-ignore-pragma``; other keys are accepted and
left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from dockwise.errors import InputError
from dockwise.findings import Severity

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")


@dataclass(frozen=True)
class LintConfig:
    path: str | None = None
    ignored: tuple[str, ...] = ()
    overrides: dict[str, Severity] = field(default_factory=dict)  # rule token -> severity
    failure_threshold: Severity | None = None  # None: not set; see ``no_fail``
    no_fail: bool = False
    disable_ignore_pragma: bool = False


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


def _threshold(value: object, path: str) -> Severity | None:
    """The lowest failing severity for a ``failure-threshold`` value (None: not set)."""
    if value is None:
        return None
    text = str(value).strip().lower()
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
    return LintConfig(
        path=path,
        ignored=_rule_list(data.get("ignored"), path=path, key="ignored"),
        overrides=overrides,
        failure_threshold=threshold,
        no_fail=bool(data.get("no-fail", False)),
        disable_ignore_pragma=bool(data.get("disable-ignore-pragma", False)),
    )
