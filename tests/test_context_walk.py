"""The context walker: what is sent, pruning, and surviving hostile trees."""

from __future__ import annotations

import json
import os
import socket

import pytest

from dockwise.context.ignorefile import parse_ignore
from dockwise.context.patterns import BadPatternError, PatternMatcher
from dockwise.context.scan import scan_context, walk
from dockwise.errors import DockwiseError
from tests.conftest import corpus_dir


def make(root, files):
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def listing(root, patterns=None):
    return walk(str(root), PatternMatcher(patterns) if patterns is not None else None).listing()


@pytest.mark.corpus
def test_buildkit_context_cases(tmp_path):
    cases = json.loads((corpus_dir("dockerignore-cases") / "context_cases.json").read_text())
    for n, case in enumerate(cases):
        root = make(tmp_path / f"case{n}", case["files"])
        builds = case.get("builds") or [case]
        for build in builds:
            dockerfile = str(root / build.get("dockerfile", "Dockerfile"))
            if "expect" in case:
                with pytest.raises(DockwiseError, match="illegal exclusion"):
                    scan_context(str(root), dockerfile)
                continue
            scan, _ = scan_context(str(root), dockerfile)
            for present in build["present_in_context"]:
                assert scan.is_sent(present), (case["source"], present)
            for absent in build["absent_from_context"]:
                assert not scan.is_sent(absent), (case["source"], absent)


def test_excluded_directory_without_exceptions_is_pruned_not_walked(tmp_path):
    make(tmp_path, {".git/objects/aa/1": "x", "node_modules/a/b.js": "x", "src/a.py": "x"})
    scan = walk(str(tmp_path), PatternMatcher([".git", "node_modules"]))
    assert sorted(scan.pruned) == [".git", "node_modules"]
    assert not any(d.startswith(".git/") for d in scan.dirs)
    assert scan.listing() == ["src/a.py"]


def test_exception_under_excluded_directory_is_walked_and_sent(tmp_path):
    make(tmp_path, {"docs/a.md": "x", "docs/README.md": "x", "docs/sub/README.md": "x"})
    assert listing(tmp_path, ["docs", "!docs/README.md"]) == ["docs/README.md"]
    assert listing(tmp_path, ["docs", "!**/README.md"]) == ["docs/README.md", "docs/sub/README.md"]


def test_double_star_and_root_only_patterns(tmp_path):
    make(tmp_path, {"a.pyc": "x", "pkg/b.pyc": "x", "pkg/b.py": "x"})
    assert listing(tmp_path, ["*.pyc"]) == ["pkg/b.py", "pkg/b.pyc"]
    assert listing(tmp_path, ["**/*.pyc"]) == ["pkg/b.py"]


def test_empty_directories_are_listed_and_sizes_counted(tmp_path):
    make(tmp_path, {"a.txt": "12345", "d/b.txt": "123"})
    (tmp_path / "empty").mkdir()
    scan = walk(str(tmp_path), None)
    assert scan.listing() == ["a.txt", "d/b.txt", "empty"]
    assert scan.total_bytes == 8


def test_symlinks_are_sent_as_links_never_followed(tmp_path):
    outside = tmp_path / "outside"
    make(outside, {"secret.txt": "x"})
    root = make(tmp_path / "ctx", {"a.txt": "x"})
    (root / "out").symlink_to(outside)
    (root / "loop").symlink_to(root)
    (root / "self").symlink_to("self")
    scan = walk(str(root), None)
    assert scan.listing() == ["a.txt", "loop", "out", "self"]
    assert {"loop", "out", "self"} <= scan.symlinks


def test_sockets_and_fifos_are_reported_not_sent(tmp_path):
    make(tmp_path, {"a.txt": "x"})
    os.mkfifo(tmp_path / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock"))
        scan = walk(str(tmp_path), None)
    finally:
        sock.close()
    assert scan.listing() == ["a.txt"]
    kinds = {p.path: p.message for p in scan.problems}
    assert "named pipe" in kinds["pipe"] and "socket" in kinds["sock"]


def test_non_utf8_names_are_kept_and_reported(tmp_path):
    make(tmp_path, {"ok.txt": "x"})
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "wb") as fh:
        fh.write(b"x")
    scan = walk(str(tmp_path), None)
    assert len(scan.listing()) == 2
    assert any("not valid UTF-8" in p.message and "\\xff" in p.path for p in scan.problems)


def test_unreadable_directory_is_reported_and_the_walk_goes_on(tmp_path, monkeypatch):
    make(tmp_path, {"locked/a.txt": "x", "open/b.txt": "x"})
    real_scandir = os.scandir

    def fake_scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    scan = walk(str(tmp_path), None)
    assert "open/b.txt" in scan.listing()
    assert any(p.path == "locked" and "Permission denied" in p.message for p in scan.problems)


def test_dockerfile_specific_ignore_file_wins(tmp_path):
    make(tmp_path, {".dockerignore": "a\n", "app.Dockerfile": "FROM x\n",
                    "app.Dockerfile.dockerignore": "b\n", "a": "x", "b": "x"})
    scan, ignore = scan_context(str(tmp_path), str(tmp_path / "app.Dockerfile"))
    assert ignore.path.endswith("app.Dockerfile.dockerignore")
    assert scan.is_sent("a") and not scan.is_sent("b")
    scan, ignore = scan_context(str(tmp_path))
    assert not scan.is_sent("a") and scan.is_sent("b")


def test_bad_pattern_is_an_error_naming_the_line(tmp_path):
    make(tmp_path, {".dockerignore": "ok\n# c\n[z-a]\n", "x": "x"})
    with pytest.raises(BadPatternError, match="line 3"):
        scan_context(str(tmp_path))


def test_ignore_lines_keep_positions_and_readall_rules():
    ignore = parse_ignore("\ufeff# c\n  foo/  \r\n!./bar\n\n  # x\n")
    assert ignore.patterns == ["foo", "!bar", "# x"]
    first = ignore.lines[0]
    assert (first.line, first.column, first.end_column) == (2, 3, 7)


def test_not_a_directory_is_an_input_error(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(DockwiseError, match="not a directory"):
        scan_context(str(tmp_path / "f"))


def test_progress_line_only_on_a_terminal_for_big_walks(tmp_path, monkeypatch, capsys):
    import sys

    import dockwise.context.scan as scan_module

    make(tmp_path, {f"d{i}/f{j}": "x" for i in range(5) for j in range(5)})
    walk(str(tmp_path), None)  # stderr is not a terminal: nothing
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(scan_module, "PROGRESS_AFTER_ENTRIES", 3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    started = []
    import rich.progress

    real_start = rich.progress.Progress.start
    monkeypatch.setattr(rich.progress.Progress, "start", lambda self: started.append(self) or real_start(self))
    scan = walk(str(tmp_path), None)
    assert started, "a progress line should start once the walk passes the threshold"
    assert len(scan.files) == 25
