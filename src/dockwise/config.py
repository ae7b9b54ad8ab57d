"""hadolint's configuration file, honoured so teams keep the one they have.

``.hadolint.yaml`` / ``.hadolint.yml`` is looked for in the checked file's directory and its
parents, stopping at the repository root (the first directory holding ``.git``). Keys used:
``ignored``, ``override`` (``error``/``warning``/``info``/``style`` lists),
``failure-threshold``, ``no-fail``, ``disable-ignore-pragma``, and for the rules that need
them ``trustedRegistries`` (DL3026), ``label-schema`` and ``strict-labels`` (DL3049-DL3058);
hadolint's other keys are only type-checked (``dockwise check --trusted-registry`` and
``--require-label`` are added to the file's values by :func:`with_command_line`). A value of
the wrong type (``no-fail: "false"``, a string where a list belongs, an unknown label type) is
an error naming the file and key, never a guess.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from functools import lru_cache

from dockwise._record import FrozenRecord, replace
from dockwise.errors import InputError
from dockwise.yamlfile import describe
from dockwise.findings import Severity

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")
# The value types a ``label-schema`` entry may name (hadolint's names).
LABEL_TYPES = ("text", "url", "email", "hash", "rfc3339", "semver", "spdx")


class LintConfig(FrozenRecord):
    __slots__ = ("path", "ignored", "overrides", "failure_threshold", "no_fail",
                 "disable_ignore_pragma", "trusted_registries", "label_schema", "strict_labels",
                 "project")

    path: str | None
    ignored: tuple[str, ...]
    overrides: dict[str, Severity]  # rule token -> severity
    failure_threshold: Severity | None  # None: not set; see ``no_fail``
    no_fail: bool
    disable_ignore_pragma: bool
    trusted_registries: tuple[str, ...]  # empty: any registry (DL3026 is silent)
    label_schema: tuple[tuple[str, str], ...]  # (label, one of LABEL_TYPES), in file order
    strict_labels: bool  # labels outside the schema are findings (DL3050)
    # the dockwise config merged into this one (dockwise.project_config), for what hadolint's
    # file has no key for: select, extend-select, per-file ignores, exclude, size thresholds
    project: Any

    def __init__(self, path: str | None = None, ignored: tuple[str, ...] = (),
                 overrides: dict[str, Severity] | None = None,
                 failure_threshold: Severity | None = None, no_fail: bool = False,
                 disable_ignore_pragma: bool = False, trusted_registries: tuple[str, ...] = (),
                 label_schema: tuple[tuple[str, str], ...] = (), strict_labels: bool = False,
                 project: Any = None) -> None:
        self._set(path=path, ignored=ignored, overrides={} if overrides is None else overrides,
                  failure_threshold=failure_threshold, no_fail=no_fail,
                  disable_ignore_pragma=disable_ignore_pragma,
                  trusted_registries=tuple(trusted_registries), label_schema=tuple(label_schema),
                  strict_labels=strict_labels, project=project)

    @property
    def label_types(self) -> dict[str, str]:
        """label name -> its type in the schema."""
        return dict(self.label_schema)


EMPTY = LintConfig()


def find_config_path(start_dir: str) -> str | None:
    """The nearest hadolint config from ``start_dir`` up to the repository root."""
    return find_upwards(start_dir, CONFIG_NAMES)


def find_upwards(start_dir: str, names: tuple[str, ...],
                 accept: "Callable[[str], bool]" = os.path.isfile) -> str | None:
    """The first of ``names`` that ``accept`` takes, looking in ``start_dir`` and then each
    parent, up to the folder holding ``.git`` (the repository root) or the filesystem root."""
    current = os.path.abspath(start_dir)
    while True:
        for name in names:
            candidate = os.path.join(current, name)
            if accept(candidate):
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
                         f"not {describe(value)}", path=path)
    return value


def trusted_registries(value: object, path: str | None) -> tuple[str, ...]:
    """``trustedRegistries``: registry hosts (``ghcr.io``, ``registry.local:5000``, ``*.corp.com``,
    ``*``). An empty entry would trust nothing by accident, so it is an error too."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError("hadolint config: 'trustedRegistries' must be a list of registry names "
                         "(such as docker.io, ghcr.io, *.example.com)", path=path)
    return tuple(v.strip() for v in value)


def label_type(name: object, kind: object, path: str | None, where: str = "label-schema") -> tuple[str, str]:
    """One ``label: type`` entry of a label schema, the type checked against LABEL_TYPES."""
    if not isinstance(name, str) or not name:
        raise InputError(f"hadolint config: {where!r} keys must be label names, not {describe(name)}",
                         path=path)
    text = kind.strip().lower() if isinstance(kind, str) else None
    if text not in LABEL_TYPES:
        raise InputError(f"hadolint config: {where + '.' + name!r} must be one of "
                         f"{', '.join(LABEL_TYPES)}; not {describe(kind)}", path=path)
    return name, text


def _label_schema(value: object, path: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise InputError("hadolint config: 'label-schema' must be a mapping of label name to type "
                         f"({', '.join(LABEL_TYPES)})", path=path)
    return tuple(label_type(name, kind, path) for name, kind in value.items())


# Other hadolint keys dockwise does not use, checked so a typo'd value is not silently accepted.
_OTHER_FLAGS = ("no-color", "verbose")


def _check_other_keys(data: dict, path: str) -> None:
    for key in _OTHER_FLAGS:
        _flag(data, key, path)
    if data.get("format") is not None and not isinstance(data["format"], str):
        raise InputError("hadolint config: 'format' must be a string", path=path)


def _threshold(value: object, path: str) -> Severity | None:
    """The lowest failing severity for a ``failure-threshold`` value (None: not set)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"hadolint config: 'failure-threshold' must be one of error, warning, "
                         f"info, style, ignore, none; not {describe(value)}", path=path)
    text = value.strip().lower()
    if text in ("ignore", "none"):
        return Severity.STYLE  # hadolint: any finding fails
    try:
        return Severity.parse(text)
    except ValueError:
        raise InputError(f"hadolint config: unknown failure-threshold {describe(value)}",
                         path=path) from None


def load_config(path: str) -> LintConfig:
    from dockwise.inputs import read_text

    from dockwise.yamlfile import load_yaml

    data = load_yaml(read_text(path, what="hadolint config"), path, "hadolint config")
    if data is None:
        return LintConfig(path=path)
    if not isinstance(data, dict):
        raise InputError("hadolint config must be a mapping", path=path)
    overrides: dict[str, Severity] = {}
    override = data.get("override") or {}
    if not isinstance(override, dict):
        raise InputError("hadolint config: 'override' must be a mapping", path=path)
    unknown = [level for level in override if level not in ("style", "info", "warning", "error")]
    if unknown:
        raise InputError(f"hadolint config: 'override' has no level {describe(unknown[0])} "
                         "(the levels are error, warning, info, style)", path=path)
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
        trusted_registries=trusted_registries(data.get("trustedRegistries"), path),
        label_schema=_label_schema(data.get("label-schema"), path),
        strict_labels=_flag(data, "strict-labels", path),
    )


def with_command_line(config: LintConfig, trusted: tuple[str, ...] = (),
                      labels: tuple[tuple[str, str], ...] = (), strict: bool = False) -> LintConfig:
    """``config`` with ``--trusted-registry`` and ``--require-label`` added, as hadolint adds its
    command line to its config file: the registries are the union of both, and so is the
    label schema. One deliberate difference: where both give a type for the same label, the
    command line's wins (hadolint 2.x keeps the file's); an explicit flag should not be
    silently overruled by a file the user may not know applies. ``--strict-labels`` turns
    strict labels on; without it the file's setting stands."""
    if not trusted and not labels and not strict:
        return config
    registries = config.trusted_registries + tuple(r for r in dict.fromkeys(trusted)
                                                   if r not in config.trusted_registries)
    schema = dict(config.label_schema)
    schema.update(labels)
    return replace(config, trusted_registries=registries, label_schema=tuple(schema.items()),
                   strict_labels=config.strict_labels or strict)
