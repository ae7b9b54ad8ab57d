"""Errors that reach the user as one clear line and exit code 2 (never a traceback)."""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class DockwiseError(Exception):
    """An error the CLI reports as ``dockwise: error: <message>`` with exit code 2.

    ``path`` names the file the error is about, when there is one.
    """

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DockerfileSyntaxError(DockwiseError):
    """A Dockerfile that BuildKit would reject. ``line``/``column`` are 1-based."""

    def __init__(self, message: str, *, line: int, column: int = 1, path: str | None = None) -> None:
        super().__init__(message, path=path)
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = f"{self.path}:" if self.path else ""
        return f"{where}{self.line}:{self.column}: {self.message}"


class InputError(DockwiseError):
    """Unreadable, binary, non-UTF-8 or otherwise unusable input."""


class ImageError(DockwiseError):
    """A corrupt, truncated or hostile image archive/layout."""
