"""`dockwise context` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse

from dockwise.errors import DockwiseError


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise DockwiseError("'dockwise context' is not implemented yet")
