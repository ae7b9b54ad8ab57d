"""Shared fixtures. The public-project corpus lives outside the repository (DOCKWISE_CORPUS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DOCKWISE_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_dir(name: str) -> Path:
    """A folder of the shared corpus, or a visible skip when the corpus is absent."""
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"corpus folder {path} not found (set DOCKWISE_CORPUS to ../shared/corpus)")
    return path


@pytest.fixture
def corpus():
    return corpus_dir
