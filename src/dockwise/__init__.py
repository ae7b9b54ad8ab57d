"""dockwise: keep container images lean, safe and reproducible.

Public entry points (imported lazily so that ``import dockwise`` stays cheap):

* :func:`parse` -- Dockerfile text to a lossless syntax tree plus its build model.
* :func:`check_text`, :func:`check_paths`, :func:`scan_context`, :func:`analyze_image` and
  :class:`Report` -- what ``dockwise check``, ``context`` and ``image`` find, as objects
  (:mod:`dockwise.api`, docs/api.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model import BuildModel

# Names served by dockwise.api, loaded on first use: `dockwise check` imports this package on
# every start and must not pay for the API. The API sits on the commands, a layer above the
# model this facade belongs to, so it is reached by name here; type checkers read the names'
# types from __init__.pyi.
_API = ("Report", "analyze_image", "check_paths", "check_text", "scan_context")
__all__ = ["parse", "__version__", *_API]


def parse(text: str, path: str | None = None) -> "BuildModel":
    """Parse Dockerfile ``text`` and return its :class:`~dockwise.model.BuildModel`.

    The model's ``.dockerfile`` attribute is the lossless syntax tree.
    Raises :class:`dockwise.errors.DockerfileSyntaxError` for a file BuildKit rejects.
    """
    from dockwise.model import build_model
    from dockwise.syntax import parse_dockerfile

    return build_model(parse_dockerfile(text, path=path))


def __getattr__(name: str) -> object:
    if name in _API:
        import importlib

        value = getattr(importlib.import_module("dockwise.api"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dockwise' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
