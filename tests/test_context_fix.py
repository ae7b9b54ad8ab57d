"""`dockwise context --write-dockerignore`: creates or extends .dockerignore safely."""

from __future__ import annotations

from dockwise.context.scan import walk
from dockwise.context.ignorefile import load_ignore
from tests.support.context import make_tree, run_context


def sent(root):
    ignore = load_ignore(str(root))
    return walk(str(root), ignore.matcher if ignore else None).listing()


def test_creates_dockerignore_and_reports_saving(tmp_path):
    make_tree(tmp_path, {".git/objects/a": "x" * 5000, "node_modules/m/i.js": "x" * 3000,
                         "src/__pycache__/a.pyc": "x" * 100, ".env": "A=b\n", "src/app.py": "x",
                         "Dockerfile": "FROM a\nCOPY . /app\n"})
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / ".dockerignore").read_text()
    assert {".git", "**/node_modules", "**/__pycache__", "**/.env"} <= set(text.splitlines())
    assert "saving 7.9 KiB" in proc.stdout
    assert sent(tmp_path) == [".dockerignore", "Dockerfile", "src/app.py"]


def test_extends_without_touching_user_lines(tmp_path):
    original = "# mine\r\n*.md\r\n!README.md"
    make_tree(tmp_path, {".dockerignore": original, "node_modules/x": "x", "README.md": "x", "a.md": "x"})
    run_context("--write-dockerignore", str(tmp_path), text=True)
    text = (tmp_path / ".dockerignore").read_bytes().decode()
    assert text.startswith(original + "\r\n")
    assert "**/node_modules\r\n" in text


def test_never_excludes_what_copy_needs(tmp_path):
    make_tree(tmp_path, {"build/app.bin": "x" * 100, "dist/x.js": "x", ".venv/lib/a.py": "x",
                         "config/.env": "A=1\n", ".env": "B=2\n",
                         "Dockerfile": "FROM a\nCOPY build/app.bin /app\nCOPY config/.env /app/.env\nCOPY . /src\n"})
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    lines = (tmp_path / ".dockerignore").read_text().splitlines()
    assert "build" not in lines and "dist" in lines and "**/.venv" in lines
    assert "**/.env" not in lines and ".env" in lines
    assert "COPY config/.env (line 3) needs config/.env" in proc.stdout
    assert {"build/app.bin", "config/.env"} <= set(sent(tmp_path))
    assert ".env" not in sent(tmp_path)


def test_does_not_override_user_exception(tmp_path):
    make_tree(tmp_path, {".dockerignore": "*.log\n!keep/**\n", "keep/.cache/data": "x",
                         "other/.cache/data": "x"})
    run_context("--write-dockerignore", str(tmp_path), text=True)
    assert "keep/.cache/data" in sent(tmp_path)


def test_nothing_to_add_leaves_file_alone(tmp_path):
    make_tree(tmp_path, {".dockerignore": ".git\n", "a.py": "x"})
    before = (tmp_path / ".dockerignore").stat().st_mtime_ns
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    assert "nothing to add" in proc.stdout
    assert (tmp_path / ".dockerignore").stat().st_mtime_ns == before


# -- what --write-dockerignore prints ----------------------------------------------------------

def test_write_dockerignore_output_escapes_the_path_and_counts_in_words(tmp_path):
    context = tmp_path / "ctx\x1b[31m"
    make_tree(context, {"Dockerfile": "FROM a\n", "node_modules/a.js": "x" * 100})
    proc = run_context("--write-dockerignore", str(context))
    assert proc.returncode == 0, proc.stderr
    assert b"\x1b" not in proc.stdout and b"ctx\\x1b[31m" in proc.stdout
    assert b"-> 1 file (" in proc.stdout
