"""Finding Dockerfiles in a directory tree."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from dockwise.discovery import discover, find_in_directory, is_dockerfile_name


@pytest.mark.parametrize("name,expected", [
    ("Dockerfile", True), ("dockerfile", True), ("DOCKERFILE", True), ("Containerfile", True),
    ("api.Dockerfile", True), ("api.dockerfile", True), ("Dockerfile.prod", True),
    ("Containerfile.dev", True),
    ("Dockerfile.", False), (".dockerfile", False), ("Dockerfiles", False), ("README.md", False),
    ("Dockerfile-old", False), ("mydockerfile", False),
])
def test_names(name, expected):
    assert is_dockerfile_name(name) is expected


def make(root, *paths):
    for rel in paths:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM scratch\n")


def test_recursive_search_skips_git_and_gitignored(tmp_path):
    make(tmp_path, "Dockerfile", "svc/api.Dockerfile", "svc/Dockerfile.prod", "svc/notes.txt",
         ".git/Dockerfile", "node_modules/pkg/Dockerfile", "build/out/Dockerfile", "keep/Dockerfile")
    (tmp_path / ".gitignore").write_text("node_modules/\n/build\n# comment\n")
    (tmp_path / "keep" / ".gitignore").write_text("*\n!Dockerfile\n")
    found = find_in_directory(str(tmp_path))
    rel = sorted(p[len(str(tmp_path)) + 1:] for p in found)
    assert rel == ["Dockerfile", "keep/Dockerfile", "svc/Dockerfile.prod", "svc/api.Dockerfile"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_inside_a_git_repo_git_decides(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    make(tmp_path, "a/Dockerfile", "b/Dockerfile", "c/x.dockerfile")
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("b/\n")  # only git knows this one
    (tmp_path / ".gitignore").write_text("*.dockerfile\n")
    found = find_in_directory(str(tmp_path))
    assert [p[len(str(tmp_path)) + 1:] for p in found] == ["a/Dockerfile"]


def test_discover_reports_missing_and_empty_directories(tmp_path):
    make(tmp_path, "svc/Dockerfile", "empty/readme.txt")
    explicit = tmp_path / "custom-name"
    explicit.write_text("FROM scratch\n")
    result = discover([str(tmp_path / "svc"), str(explicit), str(tmp_path / "nope"),
                       str(tmp_path / "empty"), str(tmp_path / "svc" / "Dockerfile")])
    assert result.files == [str(tmp_path / "svc" / "Dockerfile"), str(explicit)]
    assert result.errors[0] == f"{tmp_path / 'nope'}: error: no such file or directory"
    assert result.errors[1].startswith(f"{tmp_path / 'empty'}: error: no Dockerfile found")


def test_relative_paths_stay_readable(tmp_path, monkeypatch):
    make(tmp_path, "Dockerfile", "sub/Containerfile")
    monkeypatch.chdir(tmp_path)
    assert discover([]).files == ["Dockerfile", "sub/Containerfile"]
    assert discover(["-"]).files == ["-"]


def test_unreadable_directory_is_noted_and_the_walk_goes_on(tmp_path, monkeypatch):
    make(tmp_path, "a/Dockerfile", "locked/Dockerfile")
    locked = str(tmp_path / "locked")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == locked:  # what chmod 000 does for a non-root user
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = discover([str(tmp_path)])
    assert result.files == [str(tmp_path / "a" / "Dockerfile")]
    assert result.errors == [f"{locked}: error: cannot read directory: Permission denied"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_a_tracked_file_in_an_ignored_directory_is_still_checked(tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       check=True, capture_output=True)
    git("init", "-q")
    make(tmp_path, "build/Dockerfile", "build/other/Dockerfile", "deleted/Dockerfile")
    git("add", "-f", "build/Dockerfile", "deleted/Dockerfile")
    git("commit", "-q", "-m", "x")
    (tmp_path / "deleted" / "Dockerfile").unlink()
    (tmp_path / ".gitignore").write_text("build/\n")
    found = find_in_directory(str(tmp_path))
    assert [p[len(str(tmp_path)) + 1:] for p in found] == ["build/Dockerfile"]


def test_a_fifo_named_dockerfile_is_not_opened(tmp_path):
    make(tmp_path, "a/Dockerfile")
    os.mkfifo(tmp_path / "Dockerfile")  # reading it would block forever
    assert find_in_directory(str(tmp_path)) == [str(tmp_path / "a" / "Dockerfile")]


def test_gitignore_patterns_outside_git(tmp_path):
    make(tmp_path, "Dockerfile", "sub/Dockerfile", "deep/x/build/Dockerfile", "root-only/Dockerfile",
         "sub/root-only/Dockerfile", "svc/api.Dockerfile", "svc/web.Dockerfile", "a/b/c/Dockerfile")
    (tmp_path / ".gitignore").write_text("**/build\n/root-only\nsvc/web.*\na/**/Dockerfile\n")
    found = find_in_directory(str(tmp_path))
    rel = sorted(p[len(str(tmp_path)) + 1:] for p in found)
    assert rel == ["Dockerfile", "sub/Dockerfile", "sub/root-only/Dockerfile", "svc/api.Dockerfile"]
