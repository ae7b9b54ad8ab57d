"""Rule examples that are data: a build context (DC rules) and an image (DI rules).

A Dockerfile rule's example is a Dockerfile. A context rule needs files and an image rule needs
layers, so their examples say what those hold, and the catalogue-wide test builds exactly that
(``tests/test_rule_examples.py``). Each example is also a ``str``: the listing that the rule
pages, SARIF and ``dockwise explain`` show, so every reader of ``RuleInfo.bad_example`` keeps
working with text.

Entry values, in a context file map and in an image layer alike:

- a ``str``: the file's text;
- an ``int``: a file of that many bytes whose content does not matter (a test writes it sparse);
- ``(text or size, mode)``: the same with a file mode, e.g. ``(10, 0o4755)`` for a setuid binary;
- ``NAMED_PIPE`` (context): a FIFO, which the builder cannot receive;
- ``DELETED`` (image layer): the path is removed in this layer (a whiteout).
"""

from __future__ import annotations

import json
from typing import Any


class _Marker:
    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return self.label

    def __reduce__(self) -> str:  # one object each: a pickle or copy stays `is NAMED_PIPE`
        return self.label.upper().replace(" ", "_")


NAMED_PIPE = _Marker("named pipe")
DELETED = _Marker("deleted")


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % (scale // 4) == 0:
            shown = n / scale
            return f"{shown:g} {unit}"
    return f"{n} bytes"


def _entry_lines(path: str, value: Any, head: str, indent: str) -> list[str]:
    """A file as the listing shows it: ``path (size)``, or ``path:`` and then its text, indented."""
    mode = None
    if isinstance(value, tuple):
        value, mode = value
    shown_mode = f", mode {mode:o}" if mode is not None else ""
    if value is NAMED_PIPE or value is DELETED:
        return [f"{head}{path} ({value.label})"]
    if isinstance(value, int):
        return [f"{head}{path} ({_size(value)}{shown_mode})"]
    lines = [f"{head}{path}" + (f" (mode {mode:o})" if mode is not None else "") + (":" if indent else "")]
    lines += [indent + line for line in value.rstrip("\n").split("\n")] if value else []
    return lines


class ContextExample(str):
    """A build context: ``files`` maps a path (``/``-separated, relative to the context) to an
    entry; ``Dockerfile`` and ``.dockerignore`` are files of the map like any other."""

    language = "text"

    files: dict[str, Any]

    def __new__(cls, files: dict[str, Any], note: str = "") -> "ContextExample":
        lines = [f"# {note}"] if note else []
        lines.append("# build context")
        for path, value in files.items():
            lines += _entry_lines(path, value, head="", indent="    ")
        self = super().__new__(cls, "\n".join(lines) + "\n")
        self.files = files
        self.note = note
        return self

    def __reduce__(self):  # copies and pickles rebuild from the data, not from the text
        return (ContextExample, (self.files, self.note))


class ImageExample(str):
    """An image: ``layers`` in build order, each a map from an absolute path to an entry;
    ``config`` the image config's ``config`` object (``User``, ``Cmd``, ``Healthcheck``, ...);
    ``options`` what ``dockwise image`` is told on its command line (``max_size``, ...)."""

    language = "text"

    layers: tuple[dict[str, Any], ...]
    config: dict[str, Any]
    options: dict[str, Any]

    def __new__(cls, layers: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
                config: dict[str, Any] | None = None, options: dict[str, Any] | None = None,
                note: str = "") -> "ImageExample":
        config = config or {}
        options = options or {}
        lines = [f"# {note}"] if note else []
        if options:
            flags = (f"--{k.replace('_', '-')} {_size(v).replace(' ', '') if isinstance(v, int) else v}"
                     for k, v in options.items())
            lines.append("# dockwise image " + " ".join(flags))
        if config:
            lines.append("# image config")
            lines += [f"{key}: {_config_value(value)}" for key, value in config.items()]
        for number, layer in enumerate(layers, 1):
            lines.append(f"# layer {number}")
            for path, value in layer.items():
                lines += _entry_lines(path, value, head="", indent="    ")
        self = super().__new__(cls, "\n".join(lines) + "\n")
        self.layers = tuple(layers)
        self.config = config
        self.options = options
        self.note = note
        return self

    def __reduce__(self):
        return (ImageExample, (self.layers, self.config, self.options, self.note))


def _config_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
