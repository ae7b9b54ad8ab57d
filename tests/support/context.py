"""Build contexts on disk and `dockwise context` run as a user runs it, for the context tests."""

from __future__ import annotations

import subprocess
import sys


def make_tree(root, files: dict):
    """Write ``files`` (relative path -> str or bytes content) under ``root``; return ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return root


def run_context(*args, cwd=None, text: bool = False) -> subprocess.CompletedProcess:
    """`python -m dockwise context ARGS` in a fresh process; output as bytes unless ``text``."""
    return subprocess.run([sys.executable, "-m", "dockwise", "context", *args], capture_output=True,
                          cwd=cwd, text=text)


def context_target(context_dir: str, dockerfile_path: str | None = None, dockerfile=None):
    """What a DC rule sees for ``context_dir`` (read afresh), with the Dockerfile when given."""
    from dockwise.context.check import ContextTarget, read_context

    return ContextTarget(read_context(context_dir, dockerfile_path), dockerfile, dockerfile_path)
