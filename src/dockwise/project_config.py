"""dockwise's own configuration: ``[tool.dockwise]`` in ``pyproject.toml``, or ``.dockwise.toml``.

Each checked file gets the nearest one, looked for in its directory and then its parents up to
the repository root (the first directory holding ``.git``) or the filesystem root; in each
directory ``.dockwise.toml`` comes before ``pyproject.toml``, and a ``pyproject.toml`` without a
``[tool.dockwise]`` table is passed over. ``--config FILE`` names the file for every checked
file instead, ``--isolated`` ignores every configuration file.

What it holds is merged over the hadolint configuration (:mod:`dockwise.config`) into the one
:class:`~dockwise.config.LintConfig` the rule runner reads; the command line comes on top
(precedence: command line > dockwise config > ``.hadolint.yaml``, docs/configuration.md).

The file is read with :mod:`tomllib`, imported only when a file naming dockwise is found, so a
check without one pays nothing. An unknown key or a bad value is a :class:`ConfigError` naming
the file, the line and the key (exit code 2); rule codes are checked by the engine, which knows
the rules (:meth:`ProjectConfig.error`).
"""

from __future__ import annotations

import os
from functools import lru_cache

from dockwise._record import FrozenRecord, replace
from dockwise.config import EMPTY, LABEL_TYPES, LintConfig, config_for_dir, find_upwards, label_type
from dockwise.errors import InputError
from dockwise.findings import Severity
from dockwise.yamlfile import describe

FILE_NAMES = (".dockwise.toml", "pyproject.toml")
FAIL_LEVELS = ("error", "warning", "info", "style", "none")
SEVERITIES = ("error", "warning", "info", "style")


class ConfigError(InputError):
    """A dockwise config file dockwise cannot use: shown as ``file:line: error: message``."""

    def __init__(self, message: str, *, path: str, line: int | None = None) -> None:
        shown = _shown(path)
        super().__init__(message, path=f"{shown}:{line}" if line else shown)
        self.file = path
        self.line = line


def _shown(path: str) -> str:
    """``path`` as the user would name it: relative when it is under the working directory."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if rel.startswith("..") else rel


class ProjectConfig(FrozenRecord):
    """One dockwise config file, its values checked (rule codes are checked by the engine).
    ``None`` (or ``()`` for ``extend_select`` and ``ignore``) means the file does not set it."""

    __slots__ = ("path", "table", "base_dir", "select", "extend_select", "ignore", "severity",
                 "per_file_ignores", "exclude", "fail_level", "trusted_registries",
                 "required_labels", "strict_labels", "large_file_size", "max_image_size",
                 "hidden_threshold", "lines")

    path: str
    table: str  # "[tool.dockwise]" or "" (the whole file), for messages
    base_dir: str  # globs (exclude, per-file-ignores) are relative to the file's directory
    select: tuple[str, ...] | None
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: tuple[tuple[str, Severity], ...]  # (rule token, severity), in file order
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...]  # (glob, rule tokens)
    exclude: tuple[str, ...]
    fail_level: str | None  # one of FAIL_LEVELS
    trusted_registries: tuple[str, ...] | None
    required_labels: tuple[tuple[str, str], ...] | None  # (label, type)
    strict_labels: bool | None
    large_file_size: int | None  # dockwise context --large
    max_image_size: int | None  # dockwise image --max-size
    hidden_threshold: int | None  # dockwise image --hidden-threshold
    lines: tuple[tuple[str, int], ...]  # dotted key -> its line in the file

    def __init__(self, path: str, table: str = "", base_dir: str = "",
                 select: tuple[str, ...] | None = None, extend_select: tuple[str, ...] = (),
                 ignore: tuple[str, ...] = (), severity: tuple[tuple[str, Severity], ...] = (),
                 per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
                 exclude: tuple[str, ...] = (), fail_level: str | None = None,
                 trusted_registries: tuple[str, ...] | None = None,
                 required_labels: tuple[tuple[str, str], ...] | None = None,
                 strict_labels: bool | None = None, large_file_size: int | None = None,
                 max_image_size: int | None = None, hidden_threshold: int | None = None,
                 lines: tuple[tuple[str, int], ...] = ()) -> None:
        self._set(path=path, table=table, base_dir=base_dir or os.path.dirname(os.path.abspath(path)),
                  select=select, extend_select=tuple(extend_select), ignore=tuple(ignore),
                  severity=tuple(severity), per_file_ignores=tuple(per_file_ignores),
                  exclude=tuple(exclude), fail_level=fail_level,
                  trusted_registries=trusted_registries, required_labels=required_labels,
                  strict_labels=strict_labels, large_file_size=large_file_size,
                  max_image_size=max_image_size, hidden_threshold=hidden_threshold,
                  lines=tuple(lines))

    def error(self, key: str, message: str) -> ConfigError:
        """The error for the value of ``key`` (dotted, as in the file), at its line."""
        return ConfigError(f"{_key_name(self.table, key)}: {message}", path=self.path,
                           line=_line_of(dict(self.lines), key))

    def relative(self, path: str) -> str:
        """``path`` relative to the config file's directory, with ``/`` (what globs match)."""
        rel = os.path.relpath(os.path.abspath(path), self.base_dir)
        return rel.replace(os.sep, "/")

    def excludes(self, path: str) -> bool:
        """Does ``exclude`` name ``path`` (or a directory above it)?"""
        return bool(self.exclude) and _matches_any(self.exclude, self.relative(path))

    def ignores_for(self, path: str) -> tuple[str, ...]:
        """The rule tokens ``per-file-ignores`` names for ``path``."""
        if not self.per_file_ignores:
            return ()
        rel = self.relative(path)
        return tuple(token for glob, tokens in self.per_file_ignores if _matches_any((glob,), rel)
                     for token in tokens)


# -- finding and reading ---------------------------------------------------------------------

def find_project_config(start_dir: str) -> str | None:
    """The nearest dockwise config file from ``start_dir`` up to the repository root (a
    pyproject.toml counts only when it has a ``[tool.dockwise]`` table)."""
    return find_upwards(start_dir, FILE_NAMES, lambda path: os.path.isfile(path) and (
        os.path.basename(path) != "pyproject.toml" or _names_dockwise(path)))


def _names_dockwise(path: str) -> bool:
    """Does this pyproject.toml have a ``[tool.dockwise]`` table? Most have none: a quick look
    at the text first, so they are not parsed."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    if b"dockwise" not in data:
        return False
    tool = _load_toml(data, path).get("tool")
    return isinstance(tool, dict) and tool.get("dockwise") is not None


def _load_toml(data: bytes, path: str) -> dict:
    import tomllib  # lazy: only a repository with a dockwise config pays for it

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = _toml_error_line(message)
        if line is None and "(at end of document)" in message:
            line = data.count(b"\n") or 1
        raise ConfigError(f"not valid TOML: {message.split(' (at ')[0]}", path=path,
                          line=line) from None


def _toml_error_line(message: str) -> int | None:
    marker = "(at line "
    if marker not in message:
        return None
    digits = message.split(marker, 1)[1].split(",", 1)[0]
    return int(digits) if digits.isdigit() else None


def load_project_config(path: str) -> ProjectConfig:
    """Read and check one dockwise config file (``pyproject.toml``: its ``[tool.dockwise]``)."""
    from dockwise.inputs import read_text

    text = read_text(path, what="dockwise config")
    document = _load_toml(text.encode("utf-8"), path)
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool")
        data, table = (tool.get("dockwise", {}) if isinstance(tool, dict) else {}), "tool.dockwise"
    else:
        data, table = document, ""
    lines = _key_lines(text, table)
    reader = _Reader(path, table, lines)
    if not isinstance(data, dict):
        raise reader.error("", "must be a table")
    return reader.read(data)


@lru_cache(maxsize=256)
def project_config_for_dir(directory: str) -> ProjectConfig | None:
    path = find_project_config(directory)
    return load_project_config(path) if path else None


@lru_cache(maxsize=64)
def _explicit(path: str) -> ProjectConfig:
    if not os.path.isfile(path):
        raise ConfigError("no such config file (--config)", path=path)
    return load_project_config(path)


@lru_cache(maxsize=256)
def settings_for_dir(directory: str, *, hadolint: bool = True, project: bool = True,
                     config_file: str | None = None) -> LintConfig:
    """The configuration for the files of ``directory``: ``.hadolint.yaml`` (if ``hadolint``)
    with the dockwise config (``config_file``, else the nearest one, if ``project``) over it."""
    base = config_for_dir(directory) if hadolint else EMPTY
    if not project:
        return base
    found = _explicit(os.path.abspath(config_file)) if config_file else project_config_for_dir(directory)
    return merged(base, found) if found is not None else base


def merged(base: LintConfig, project: ProjectConfig) -> LintConfig:
    """``base`` (a hadolint config) with ``project`` over it: the ignores add up; the dockwise
    file's severities, fail level, registries, label schema and strict-labels win."""
    overrides = {token: level for token, level in base.overrides.items()
                 if token not in dict(project.severity)}
    overrides.update(project.severity)
    changes: dict = dict(ignored=base.ignored + project.ignore, overrides=overrides, project=project)
    if project.fail_level is not None:
        none = project.fail_level == "none"
        changes.update(no_fail=none, failure_threshold=None if none else Severity.parse(project.fail_level))
    if project.trusted_registries is not None:
        changes["trusted_registries"] = project.trusted_registries
    if project.required_labels is not None:
        changes["label_schema"] = project.required_labels
    if project.strict_labels is not None:
        changes["strict_labels"] = project.strict_labels
    return replace(base, **changes)


def for_file(config: LintConfig, path: str) -> LintConfig:
    """``config`` with the ``per-file-ignores`` that name ``path`` added to its ignores (the
    same object when none does, so the runner's per-config cache keeps working)."""
    project = config.project
    extra = project.ignores_for(path) if project is not None else ()
    if not extra:
        return config
    key = (id(config), extra)
    known = _WITH_IGNORES.get(key)
    if known is None or known[0] is not config:
        known = _WITH_IGNORES[key] = (config, replace(config, ignored=config.ignored + extra))
    return known[1]


# (id of a config, per-file ignores) -> (that config, it with them): one object per file group
_WITH_IGNORES: dict[tuple[int, tuple[str, ...]], tuple[LintConfig, LintConfig]] = {}


# -- checking values -------------------------------------------------------------------------

_LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "trusted-registries")
_SIZE_KEYS = ("large-file-size", "max-image-size", "hidden-threshold")
KNOWN_KEYS = _LIST_KEYS + _SIZE_KEYS + ("severity", "per-file-ignores", "fail-level",
                                        "required-labels", "strict-labels")


class _Reader:
    def __init__(self, path: str, table: str, lines: dict[str, int]) -> None:
        self.path, self.table, self.lines = path, table, lines

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{_key_name(self.table, key)}: {message}", path=self.path,
                           line=_line_of(self.lines, key))

    def read(self, data: dict) -> ProjectConfig:
        for key in data:
            if key not in KNOWN_KEYS:
                raise self.error(key, "unknown key (the keys are " + ", ".join(sorted(KNOWN_KEYS)) + ")")
        values = {key.replace("-", "_"): self.strings(data[key], key)
                  for key in _LIST_KEYS if key in data}
        values.update({key.replace("-", "_"): self.size(data[key], key)
                       for key in _SIZE_KEYS if key in data})
        if "trusted_registries" in values:
            values["trusted_registries"] = self.registries(values["trusted_registries"])
        if "fail-level" in data:
            values["fail_level"] = self.choice(data["fail-level"], "fail-level", FAIL_LEVELS)
        if "strict-labels" in data:
            values["strict_labels"] = self.flag(data["strict-labels"], "strict-labels")
        if "severity" in data:
            values["severity"] = tuple(
                (code, Severity.parse(self.choice(level, f"severity.{code}", SEVERITIES)))
                for code, level in self.table_of(data["severity"], "severity").items())
        if "per-file-ignores" in data:
            values["per_file_ignores"] = tuple(
                (glob, self.strings(codes, f"per-file-ignores.{quoted_key(glob)}"))
                for glob, codes in self.table_of(data["per-file-ignores"], "per-file-ignores").items())
        if "required-labels" in data:
            values["required_labels"] = tuple(self.label(name, kind) for name, kind in
                                              self.table_of(data["required-labels"], "required-labels").items())
        return ProjectConfig(self.path, self.table, lines=tuple(self.lines.items()), **values)

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, f"must be a list of non-empty strings, not {describe(value)}")
        return tuple(v.strip() for v in value)

    def registries(self, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if "/" in value or any(c.isspace() for c in value):
                raise self.error("trusted-registries", f"{value!r} is not a registry host (such as "
                                 "docker.io, ghcr.io, registry.local:5000, *.example.com)")
        return tuple(dict.fromkeys(values))

    def size(self, value: object, key: str) -> int:
        from dockwise.units import parse_size

        if isinstance(value, (int, str)) and not isinstance(value, bool):
            try:
                return parse_size(value)
            except ValueError as exc:
                raise self.error(key, str(exc)) from None
        raise self.error(key, f"must be a size such as \"10MB\" or 1048576, not {describe(value)}")

    def choice(self, value: object, key: str, choices: tuple[str, ...]) -> str:
        text = value.strip().lower() if isinstance(value, str) else None
        if text not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}; not {describe(value)}")
        return text

    def flag(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {describe(value)}")
        return value

    def table_of(self, value: object, key: str) -> dict:
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table, not {describe(value)}")
        return value

    def label(self, name: str, kind: object) -> tuple[str, str]:
        try:
            return label_type(name, kind, self.path, where="required-labels")
        except InputError:
            raise self.error(f"required-labels.{quoted_key(name)}", f"must be one of "
                             f"{', '.join(LABEL_TYPES)}; not {describe(kind)}") from None


# -- where a key is written --------------------------------------------------------------------

def _key_name(table: str, key: str) -> str:
    return f"[{table}] {key}" if table and key else (f"[{table}]" if table else key or "file")


def quoted_key(key: str) -> str:
    """``key`` as one part of a TOML dotted key (quoted when it needs to be)."""
    return key if key and all(c.isalnum() or c in "-_" for c in key) else '"' + key.replace('"', '\\"') + '"'


def _line_of(lines: dict[str, int], key: str) -> int | None:
    """The line of ``key``, else of the nearest enclosing key or table written in the file."""
    while key:
        if key in lines:
            return lines[key]
        key = _parent(key)
    return lines.get("")


def _parent(key: str) -> str:
    parts = _split_key(key)
    return ".".join(quoted_key(p) for p in parts[:-1])


def _split_key(text: str) -> list[str]:
    """``a."b.c".d`` -> ``["a", "b.c", "d"]``: a TOML dotted key's parts, quotes removed."""
    parts, current, quote = [], "", ""
    for char in text.strip():
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _key_lines(text: str, table: str) -> dict[str, int]:
    """Dotted key (relative to ``table``; ``""`` for the table itself) -> the 1-based line where
    it is first written. tomllib keeps no positions, so the lines are found by reading table
    headers and ``key =`` at the start of lines (enough to point a user at their mistake)."""
    from dockwise._lazyre import lazy_compile

    header = lazy_compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    part = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)"""
    assignment = lazy_compile(rf"\s*({part}(?:\s*\.\s*{part})*)\s*=")
    prefix = [p for p in _split_key(table)] if table else []
    found: dict[str, int] = {}
    current: list[str] | None = [] if not table else None
    for number, line in enumerate(text.splitlines(), 1):
        match = header.match(line)
        if match and not line.lstrip().startswith("[["):
            parts = _split_key(match.group(1))
            current = parts[len(prefix):] if parts[:len(prefix)] == prefix else None
            if current is not None:
                found.setdefault(".".join(quoted_key(p) for p in current), number)
            continue
        match = assignment.match(line)
        if match is None:
            continue
        parts = _split_key(match.group(1))
        if current is None:
            if table and parts[:len(prefix)] == prefix:  # tool.dockwise.select = [...] under [ ]
                parts = parts[len(prefix):]
            else:
                continue
        else:
            parts = current + parts
        for end in range(1, len(parts) + 1):
            found.setdefault(".".join(quoted_key(p) for p in parts[:end]), number)
    return found


def _matches_any(globs: tuple[str, ...], rel: str) -> bool:
    """Does a glob match ``rel`` (``/``-separated, relative to the config file) or one of its
    parent directories? A glob without ``/`` matches a name at any depth (``*.dev.Dockerfile``,
    ``vendor``), one with ``/`` the path from the config's directory (``services/*/Dockerfile``);
    ``**`` spans directories."""
    parts = rel.split("/")
    candidates = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    for glob in globs:
        pattern = glob.strip().removeprefix("./").rstrip("/")
        if "/" in pattern:
            regex = _glob_regex(pattern)
            if any(regex.fullmatch(c) for c in candidates):
                return True
        else:
            regex = _glob_regex(pattern)
            if any(regex.fullmatch(name) for name in parts):
                return True
    return False


@lru_cache(maxsize=512)
def _glob_regex(pattern: str):
    import re

    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1:end].replace("\\", "\\\\")
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out))


def excluded(path: str, *, project: bool = True, config_file: str | None = None) -> bool:
    """Does the dockwise config of ``path`` (``config_file``, else its nearest) ``exclude`` it?
    A config that cannot be read excludes nothing: the file's check reports its error."""
    if not project or path == "-":
        return False
    from dockwise.errors import DockwiseError

    try:
        found = (_explicit(os.path.abspath(config_file)) if config_file
                 else project_config_for_dir(os.path.dirname(os.path.abspath(path))))
    except DockwiseError:
        return False
    return found is not None and found.excludes(path)


def clear_caches() -> None:
    """Forget every config file read (a long-lived caller whose files changed; tests)."""
    project_config_for_dir.cache_clear()
    _explicit.cache_clear()
    settings_for_dir.cache_clear()
    config_for_dir.cache_clear()
    _WITH_IGNORES.clear()
