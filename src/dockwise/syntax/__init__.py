"""Lossless Dockerfile syntax: tree (:mod:`.tree`), parser (:mod:`.parser`), BuildKit words (:mod:`.words`)."""

from __future__ import annotations

from dockwise.syntax.tree import (
    Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, Position, Span, Token,
)

__all__ = ["Comment", "Directive", "Dockerfile", "Flag", "Heredoc", "Instruction", "Position", "Span",
           "Token", "parse_dockerfile"]


def parse_dockerfile(text: str, path: str | None = None) -> Dockerfile:
    """Parse Dockerfile text into a lossless :class:`Dockerfile` tree.

    Raises :class:`dockwise.errors.DockerfileSyntaxError` for input BuildKit rejects.
    """
    from dockwise.syntax.parser import parse

    return parse(text, path=path)
