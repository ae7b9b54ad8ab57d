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


@pytest.fixture(scope="session")
def buildah(tmp_path_factory):
    """A private buildah store with a local busybox base image; a visible skip where buildah
    cannot run (not installed, not root)."""
    from tests.support.buildah import Buildah, BuildahUnavailable

    try:
        tool = Buildah(tmp_path_factory.mktemp("buildah"))
        tool.base_image()
    except BuildahUnavailable as exc:
        pytest.skip(f"buildah cannot run here: {exc}")
    return tool
