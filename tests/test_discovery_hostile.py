"""Finding Dockerfiles where the tree or the arguments could trip discovery: a tree too deep to
walk by recursion, one file named by several paths, symlinks and .gitignore."""

from __future__ import annotations

import os

import pytest

from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


@pytest.fixture
def deep_tree(project):
    """top/d/d/.../d (1500 levels) made and removed without recursion (os.makedirs and
    shutil.rmtree recurse on Python 3.11)."""
    parts = ["top"] + ["d"] * 1500
    for depth in range(1, len(parts) + 1):
        os.mkdir(os.path.join(*parts[:depth]))
    yield os.path.join(*parts)
    for depth in range(len(parts), 0, -1):
        directory = os.path.join(*parts[:depth])
        for name in os.listdir(directory):
            if not os.path.isdir(os.path.join(directory, name)):
                os.unlink(os.path.join(directory, name))
        os.rmdir(directory)


def test_check_of_a_very_deep_tree_finds_the_dockerfile_at_the_bottom(deep_tree, project, own_rules, capsys):
    project(os.path.join(deep_tree, "Dockerfile"), DOCKERFILE)
    project("top/Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "top")
    assert code == 1, err
    assert "RecursionError" not in out + err
    assert out.count("TS001") == 2
    assert out.index("top/Dockerfile:") < out.index("top/d/d/")  # top-down order kept


def test_walk_order_and_gitignore_are_unchanged(project, own_rules, capsys):
    for rel in ("b/Dockerfile", "a/z/Dockerfile", "a/Dockerfile", "ignored/Dockerfile"):
        project(rel, DOCKERFILE)
    project(".gitignore", "ignored/\n")
    os.symlink("a", "link-to-a")  # not followed: a/ is not checked twice
    from dockwise.discovery import find_in_directory
    assert find_in_directory(".") == ["a/Dockerfile", "a/z/Dockerfile", "b/Dockerfile"]


# -- the same file named twice ------------------------------------------------------------------

def test_a_file_named_twice_by_different_paths_is_checked_once(tmp_path, monkeypatch):
    import os

    from dockwise.discovery import discover

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM a:1\n")
    os.symlink("Dockerfile", "link.Dockerfile")
    found = discover(["Dockerfile", "link.Dockerfile", str(tmp_path / "Dockerfile"), "."])
    assert found.files == ["Dockerfile"] and found.errors == []


def test_two_distinct_files_are_both_checked(tmp_path, monkeypatch):
    from dockwise.discovery import discover

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM a:1\n")
    (tmp_path / "b.Dockerfile").write_text("FROM a:1\n")
    assert discover(["Dockerfile", "b.Dockerfile"]).files == ["Dockerfile", "b.Dockerfile"]
