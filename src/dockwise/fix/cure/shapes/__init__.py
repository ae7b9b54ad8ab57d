"""The language recipes of the split, tried in order; the first that answers decides (see
:mod:`dockwise.fix.cure` for how to add one)."""

from __future__ import annotations

from dockwise.fix.cure.shapes.python import PythonShape

SHAPES = (PythonShape(),)
