"""dockwise: keep container images lean, safe and reproducible.

Public entry points (imported lazily so that ``import dockwise`` stays cheap):

* :func:`parse` -- Dockerfile text to a lossless syntax tree plus its build model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model import BuildModel


def parse(text: str, path: str | None = None) -> "BuildModel":
    """Parse Dockerfile ``text`` and return its :class:`~dockwise.model.BuildModel`.

    The model's ``.dockerfile`` attribute is the lossless syntax tree.
    Raises :class:`dockwise.errors.DockerfileSyntaxError` for a file BuildKit rejects.
    """
    from dockwise.model import build_model
    from dockwise.syntax import parse_dockerfile

    return build_model(parse_dockerfile(text, path=path))
