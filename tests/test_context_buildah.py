"""Ground truth from a real builder: buildah builds `FROM base` + `COPY . /ctx` for contexts with
tricky .dockerignore files; the files inside the image must be exactly what
`dockwise context --list` prints (plus the directories holding them).

buildah's own .dockerignore handling differs from BuildKit's in two places, tested apart:
it does not trim blanks after a `!` (`! /a` matches nothing there; BuildKit reads `!a`, see
the ignorefile corpus test), and it never walks into an excluded directory to look for
wildcard exceptions (`docs` + `!**/keep.txt`), where BuildKit's fsutil stops pruning as soon
as one exception has a wildcard and so sends `docs/guide/keep.txt`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.buildah

COMMON_FILES = [
    "app.py", "README.md", "notes.txt", "a*b", "[x]", "space name.txt", "ünï.txt",
    "src/main.py", "src/__pycache__/main.cpython-311.pyc", "src/pkg/mod.pyc", "src/pkg/mod.py",
    "docs/README.md", "docs/guide/intro.md", "docs/guide/keep.txt",
    "node_modules/left/index.js", "node_modules/keep/index.js", "node_modules/keep/deep/x.js",
    "build/out.bin", "sub/build/out.bin", "logs/app.log", "logs/keep.txt", ".git/HEAD",
    ".git/objects/ab/cdef", "bar", "foo/bar", "data/x.csv", "data/keep/y.csv", "empty-dir/",
]

CASES = {
    "double-star": "**/*.pyc\n**/__pycache__\nlogs/**\n.git\n",
    "exceptions-under-excluded-dirs": (
        "docs\n!docs/README.md\nnode_modules\n!node_modules/keep\nlogs\n!logs/keep.txt\n"
        "data/*\n!data/keep\n"),
    "leading-slash-and-dotdot": "/build\n/src/../bar\n./notes.txt\n/foo/../foo/bar\n../app.py\n",
    "escapes-and-classes": "a\\*b\n\\[x]\n[Rr]EADME.md\nsrc/pkg/mod.py[co]\nspace name.txt\n",
    "comments-bom-blanks": "\ufeff# comment\n  # not a comment\n\n   app.py   \n!app.py  \n*.txt\n!ünï.txt\n",
    "everything-but": "*\n!src\n!docs/guide\n**/*.pyc\n",
    "last-match-wins": "*.md\n!README.md\nREADME.md\n!docs\ndocs/guide/intro.md\n",
    "ignores-itself": ".dockerignore\nDockerfile\nbar\n",
}


def _make_context(root: Path, ignore: str, base: str) -> None:
    for rel in COMMON_FILES:
        target = root / rel
        if rel.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"content of {rel}\n", encoding="utf-8")
    (root / "link-to-src").symlink_to("src")
    (root / "docs" / "dangling").symlink_to("../nowhere")
    (root / "Dockerfile").write_text(f"FROM {base}\nCOPY . /ctx\n", encoding="utf-8")
    (root / ".dockerignore").write_text(ignore, encoding="utf-8")


def _dockwise_list(root: Path) -> list[str]:
    proc = subprocess.run([sys.executable, "-m", "dockwise", "context", "--list", str(root)],
                          capture_output=True, check=True)
    return proc.stdout.decode("utf-8").splitlines()


def _with_parents(paths: list[str]) -> set[str]:
    out = set()
    for path in paths:
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]))
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_list_equals_files_in_built_image(buildah, tmp_path, name):
    root = tmp_path / name
    root.mkdir()
    _make_context(root, CASES[name], buildah.base_image())
    listed = _dockwise_list(root)
    image = buildah.build(root, f"dockwise-ctx-{name}")
    in_image = {p[len("ctx/"):] for p in buildah.files(image) if p.startswith("ctx/")}
    assert _with_parents(listed) == in_image


def test_wildcard_exception_under_excluded_dir_follows_buildkit_not_buildah(buildah, tmp_path):
    root = tmp_path / "wildcard"
    root.mkdir()
    _make_context(root, "docs\n!**/keep.txt\nnode_modules/**\n!node_modules/keep/**\n", buildah.base_image())
    listed = _dockwise_list(root)
    assert "docs/guide/keep.txt" in listed and "logs/keep.txt" in listed
    assert "node_modules/keep/deep/x.js" in listed and "node_modules/left/index.js" not in listed
    image = buildah.build(root, "dockwise-ctx-wildcard")
    in_image = {p[len("ctx/"):] for p in buildah.files(image) if p.startswith("ctx/")}
    # buildah prunes docs/ (its only difference from BuildKit here); everything else agrees.
    assert _with_parents(listed) - in_image == {"docs", "docs/guide", "docs/guide/keep.txt"}
    assert in_image <= _with_parents(listed)
