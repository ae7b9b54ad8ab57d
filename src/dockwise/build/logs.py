"""Where a failed build stopped: the Dockerfile instruction behind a builder's error.

BuildKit names the line itself (``Dockerfile:12`` above an excerpt of the file). buildah and
podman name the step by its text (``building at STEP "RUN make && \\ ..."``, continuation
lines joined), so that text is matched against the instructions of the file that was built.
"""

from __future__ import annotations

import re

_BUILDKIT_LINE = re.compile(r"^\s*[^\s:]*?:(\d+)\s*\n-{5,}", re.MULTILINE)
_BUILDAH_STEP = re.compile(r'building at STEP "(.*)": ', re.DOTALL)
_SPACES = re.compile(r"\s+")


def failed_instruction(log: str, dockerfile_text: str) -> tuple[int, str] | None:
    """(1-based line, the instruction's first line) of the step a failed build of
    ``dockerfile_text`` stopped at, or None when the log does not say."""
    step = _last_step(log)
    if step is not None:
        return locate_step(step, dockerfile_text)
    match = None
    for match in _BUILDKIT_LINE.finditer(log):
        pass
    if match is not None:
        line = int(match.group(1))
        lines = dockerfile_text.splitlines()
        return line, lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return None


def locate_step(step: str, dockerfile_text: str) -> tuple[int, str] | None:
    """Where the instruction ``step`` (its text, continuation lines joined or not) is in
    ``dockerfile_text``: (line, first line); the last one when it is there several times."""
    from dockwise.errors import DockwiseError
    from dockwise.syntax import parse_dockerfile

    try:
        instructions = parse_dockerfile(dockerfile_text).instructions
    except DockwiseError:
        return None
    wanted = _normal(_joined(step))
    for instruction in reversed(instructions):
        if _normal(_joined(instruction.source)) == wanted:
            return instruction.line, _first_line(instruction.source)
    return None


def failed_step(log: str) -> str | None:
    """The text of the step a failed build stopped at, as buildah or podman name it."""
    return _last_step(log)


def _last_step(log: str) -> str | None:
    found = None
    for found in _BUILDAH_STEP.finditer(log):
        pass
    return found.group(1) if found else None


def _joined(source: str) -> str:
    """An instruction's text as buildah prints it: continuation lines joined."""
    return re.sub(r"\\\r?\n", "", source)


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _first_line(source: str) -> str:
    line = source.splitlines()[0].rstrip() if source else ""
    return line + (" ..." if "\n" in source.strip() else "")
