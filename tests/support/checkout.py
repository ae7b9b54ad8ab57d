"""This checkout's installable files, copied: what pip needs to install dockwise from it, for the
tests that install it the way a user's tool does (pre-commit, the GitHub Action). A copy, so
the install's build files never land in the checkout and uncommitted changes are tested too."""

from __future__ import annotations

import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_TOP_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "action.yml", "setup.cfg",
              "MANIFEST.in")


def copy_installable(dest) -> None:
    """Copy the packaging files and ``src/`` of this checkout into ``dest`` (created)."""
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(ROOT):
        if name in _TOP_FILES or name.startswith("LICENSE"):
            shutil.copy2(os.path.join(ROOT, name), os.path.join(dest, name))
    shutil.copytree(os.path.join(ROOT, "src"), os.path.join(dest, "src"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
