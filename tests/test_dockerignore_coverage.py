"""What the written .dockerignore covers (`context --write-dockerignore` and `check --fix`, one
plan): logs of any size, virtualenvs under any name, version-control folders, large data
files, secrets and build output -- and never a path a COPY/ADD of the Dockerfile names."""

from __future__ import annotations

import subprocess
import sys

from dockwise.context.ignorefile import load_ignore
from dockwise.context.scan import walk
from tests.support.context import make_tree, run_context

BIG = b"x" * 11_000_000
CRIME = {  # the shape of the incident's project: everything a developer's folder holds
    "Dockerfile": "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n"
                  "CMD python /app/main.py\n",
    "main.py": "print('hi')\n", "requirements.txt": "flask==3.0.3\n",
    ".git/HEAD": "ref: refs/heads/main\n", ".git/objects/ab/cdef": "x" * 4000,
    "env/pyvenv.cfg": "home = /usr/bin\n", "env/lib/python3.12/site-packages/flask/app.py": "x" * 3000,
    "data/train.csv": BIG, "app.log": "GET / 200\n" * 50, "logs/old/worker.log": "boom\n",
    ".env": "SECRET_KEY=hunter2\n", "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n",
    "dist/app-1.0.tar.gz": "x" * 100, "__pycache__/main.cpython-312.pyc": "x" * 100,
    ".hg/store/data": "x" * 100,
}


def sent(root):
    ignore = load_ignore(str(root))
    return walk(str(root), ignore.matcher if ignore else None).listing()


def sent_files(root):
    ignore = load_ignore(str(root))
    return sorted(walk(str(root), ignore.matcher if ignore else None).files)


def test_the_written_dockerignore_leaves_only_the_project(tmp_path):
    make_tree(tmp_path, CRIME)
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / ".dockerignore").read_text().splitlines()
    assert "**/*.log" in lines
    assert {".git", ".hg", "env", "dist", "**/__pycache__", "**/.env", "id_rsa", "data/train.csv"} <= set(lines)
    assert sent_files(tmp_path) == [".dockerignore", "Dockerfile", "main.py", "requirements.txt"]


def test_check_fix_writes_the_same_lines(tmp_path):
    make_tree(tmp_path / "a", CRIME)
    make_tree(tmp_path / "b", CRIME)
    subprocess.run([sys.executable, "-m", "dockwise", "check", "--fix", "Dockerfile"], cwd=tmp_path / "a",
                   capture_output=True, check=False)
    run_context("--write-dockerignore", str(tmp_path / "b"))
    written = (tmp_path / "a" / ".dockerignore").read_text()
    assert "**/*.log" in written.splitlines()
    assert written == (tmp_path / "b" / ".dockerignore").read_text()


def test_a_small_log_is_excluded_where_a_dockerignore_exists(tmp_path):
    make_tree(tmp_path, {".dockerignore": "*.md\n", "app.log": "one line\n", "src/app.py": "x",
                         "Dockerfile": "FROM a\nCOPY . /app\n"})
    run_context("--write-dockerignore", str(tmp_path))
    assert (tmp_path / ".dockerignore").read_text().endswith("**/*.log\n")
    assert "app.log" not in sent(tmp_path)


def test_a_log_or_virtualenv_a_copy_names_is_never_excluded(tmp_path):
    make_tree(tmp_path, {"app.log": "seed\n", "other.log": "x\n", "tools/pyvenv.cfg": "home = /usr\n",
                         "tools/bin/python": "x", "Dockerfile": "FROM a\nCOPY app.log /srv/\nCOPY tools /opt/tools\n"})
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    lines = (tmp_path / ".dockerignore").read_text().splitlines()
    assert "**/*.log" not in lines and "app.log" not in lines and "other.log" in lines
    assert "tools" not in lines
    assert {"app.log", "tools/bin/python", "tools/pyvenv.cfg"} <= set(sent(tmp_path))
    assert "COPY app.log (line 2) needs app.log" in proc.stdout


def test_a_virtualenv_is_found_by_its_pyvenv_cfg_whatever_its_name(tmp_path):
    from dockwise.context.analyze import heavy_dirs
    from dockwise.context.scan import walk as scan

    make_tree(tmp_path, {"py311/pyvenv.cfg": "home = /usr\n", "py311/lib/x.py": "x" * 100,
                         "pkg/pyvenv.txt": "not a venv", "pkg/a.py": "x"})
    found = heavy_dirs(scan(str(tmp_path), None))
    assert [(h.path, h.why) for h in found] == [("py311", "a local virtualenv")]
