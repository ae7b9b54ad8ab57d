"""`dockwise context` on the command line: --list, reports, exit codes, bad input."""

from __future__ import annotations

import json
import os
import time

import pytest

from dockwise.cli import main
from tests.support.context import make_tree, run_context


def test_list_prints_only_sorted_relative_paths(tmp_path):
    make_tree(tmp_path, {".dockerignore": ".git\n*.log\n", ".git/HEAD": "x", "b.txt": "x", "a/z.py": "x",
                         "app.log": "x", "Dockerfile": "FROM a\n"})
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 0 and proc.stderr == b""
    assert proc.stdout.decode().splitlines() == [".dockerignore", "Dockerfile", "a/z.py", "b.txt"]


def test_list_with_dockerfile_specific_ignore(tmp_path):
    make_tree(tmp_path, {"web.Dockerfile": "FROM a\n", "web.Dockerfile.dockerignore": "a\n", "a": "x", "b": "x"})
    proc = run_context("--list", "-f", str(tmp_path / "web.Dockerfile"), str(tmp_path))
    assert proc.stdout.decode().splitlines() == ["b", "web.Dockerfile", "web.Dockerfile.dockerignore"]


def test_report_shows_totals_heavy_dirs_and_redacted_secrets(tmp_path):
    make_tree(tmp_path, {"node_modules/x.js": "x" * 2048, ".env": "PASSWORD=hunter2\n", "Dockerfile": "FROM a\n"})
    proc = run_context(str(tmp_path))
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "sent: 3 files" in out and "node_modules/" in out and ".env" in out
    assert "hunter2" not in out and "DC001" in out


def test_json_findings_shape(tmp_path):
    make_tree(tmp_path, {".dockerignore": "bin\\Debug\n", "Dockerfile": "FROM a\n", "x": "x"})
    proc = run_context("--format", "json", str(tmp_path))
    doc = json.loads(proc.stdout)
    finding = next(f for f in doc["findings"] if f["code"] == "DC005")
    assert set(finding) >= {"code", "name", "severity", "message", "file", "line", "column",
                            "end_line", "end_column", "aliases", "fixable"}
    assert (finding["line"], finding["column"], finding["end_column"]) == (1, 1, 10)


def test_clean_context_exits_zero(tmp_path):
    make_tree(tmp_path, {".dockerignore": ".git\n", "app.py": "x", "Dockerfile": "FROM a\nCOPY app.py /\n"})
    proc = run_context(str(tmp_path))
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("args, message", [
    (["/nonexistent/dir"], b"no such directory"),
    (["--large", "huge"], b"not a size"),
    (["--list", "--format", "json"], b"--list prints paths only"),
    (["--list", "-f", "nope/Dockerfile"], b"no such Dockerfile"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, args, message):
    proc = run_context(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr and b"Traceback" not in proc.stderr


def test_bad_pattern_is_exit_2(tmp_path):
    make_tree(tmp_path, {".dockerignore": "!\n", "x": "x"})
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 2 and b'illegal exclusion pattern' in proc.stderr and proc.stdout == b""


def test_binary_dockerignore_is_exit_2(tmp_path):
    make_tree(tmp_path, {".dockerignore": b"\x00\x01\x02", "x": "x"})
    proc = run_context(str(tmp_path))
    assert proc.returncode == 2 and b"binary file" in proc.stderr


def test_invalid_utf8_dockerfile_is_exit_2(tmp_path):
    make_tree(tmp_path, {"Dockerfile": b"FROM a\n\xff\n", "x": "x"})
    proc = run_context(str(tmp_path))
    assert proc.returncode == 2 and b"not valid UTF-8" in proc.stderr


def test_classic_builder_always_sends_dockerignore_and_dockerfile(tmp_path):
    make_tree(tmp_path, {".dockerignore": ".dockerignore\nDockerfile\nbar\n", "Dockerfile": "FROM a\n",
                         "Dockerfile.dockerignore": "foo\n", "bar": "x", "foo": "x"})
    buildkit = run_context("--list", str(tmp_path)).stdout.decode().splitlines()
    classic = run_context("--list", "--builder", "classic", str(tmp_path)).stdout.decode().splitlines()
    assert buildkit == [".dockerignore", "Dockerfile", "Dockerfile.dockerignore", "bar"]
    assert classic == [".dockerignore", "Dockerfile", "Dockerfile.dockerignore", "foo"]


def test_report_with_non_utf8_names_shows_bytes_escaped(tmp_path):
    make_tree(tmp_path, {"Dockerfile": "FROM a\nCOPY . /\n", ".dockerignore": "x\n"})
    with open(bytes(tmp_path) + b"/prod\xff.env", "wb") as fh:
        fh.write(b"TOKEN=abc\n")
    proc = run_context(str(tmp_path))
    out = proc.stdout.decode()
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr
    assert "prod\\xff.env" in out and "DC009" in out and "DC003" in out


def test_dockerignore_that_is_a_directory_is_exit_2(tmp_path):
    make_tree(tmp_path, {".dockerignore/x": "x", "a": "x"})
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 2 and b"is a directory" in proc.stderr and b"Traceback" not in proc.stderr


@pytest.mark.parametrize("value", ["-3", "0", "x"])
def test_top_must_be_a_positive_number(tmp_path, value):
    make_tree(tmp_path, {"a": "x"})
    proc = run_context("--top", value, str(tmp_path))
    assert proc.returncode == 2 and b"--top" in proc.stderr and b"Traceback" not in proc.stderr


def test_names_with_newlines_and_control_characters_are_quoted_like_git(tmp_path):
    make_tree(tmp_path, {"a\nb": "x" * 5000, "tab\there": "x", "plain": "x", 'say"hi': "x",
                         "esc\x1b[31m": "x", ".dockerignore": "nothing\n"})
    listed = run_context("--list", str(tmp_path))
    assert listed.returncode == 0
    assert listed.stdout.decode().splitlines() == [
        ".dockerignore", '"a\\nb"', '"esc\\033[31m"', "plain", '"say\\"hi"', '"tab\\there"']
    report = run_context("--top", "1", str(tmp_path)).stdout.decode()
    assert '"a\\nb"' in report and "\x1b" not in report
    assert not any(line == "b" for line in report.splitlines())


# -- hostile input: sizes, patterns, a .dockerignore that links elsewhere ----------------------

@pytest.mark.parametrize("size", ["1e400", "nan", "inf", "infinity", "1e30k", "-0"])
def test_large_that_is_not_a_finite_size_is_a_usage_error(tmp_path, size):
    make_tree(tmp_path, {"Dockerfile": "FROM a\n"})
    proc = run_context("--large", size, str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert b"Traceback" not in proc.stderr and b"not a size" in proc.stderr


def test_a_context_with_a_hostile_dockerignore_does_not_hang(tmp_path):
    make_tree(tmp_path, {".dockerignore": "*" * 20000 + "x\n**/a/**/a/**/a/**/b\n",
                         "Dockerfile": "FROM a\n", "/".join(["a"] * 60) + "/f": "x"})
    started = time.monotonic()
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 0 and time.monotonic() - started < 30


def test_dockerignore_linking_out_of_the_context_is_refused_and_not_printed(tmp_path):
    secret = tmp_path / "outside" / "credentials"
    make_tree(tmp_path, {"outside/credentials": "aws_secret_access_key=AKIAVERYSECRET\n",
                         "ctx/Dockerfile": "FROM a\n", "ctx/app.py": "x"})
    os.symlink(secret, tmp_path / "ctx" / ".dockerignore")
    for args in (("--list",), (), ("--format", "json")):
        proc = run_context(*args, str(tmp_path / "ctx"))
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert b"VERYSECRET" not in proc.stdout + proc.stderr
        assert b".dockerignore" in proc.stderr and b"outside the build context" in proc.stderr


def test_dockerignore_linking_inside_the_context_is_read(tmp_path):
    make_tree(tmp_path, {"ignore/common": "*.log\n", "Dockerfile": "FROM a\n", "a.log": "x", "b": "x"})
    os.symlink("ignore/common", tmp_path / ".dockerignore")
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 0 and b"a.log" not in proc.stdout and b"b\n" in proc.stdout


def test_check_refuses_the_outside_link_too(tmp_path, capsys):
    make_tree(tmp_path, {"outside/shadow": "root:$6$VERYSECRET:1::::::\n", "ctx/Dockerfile": "FROM a\n"})
    os.symlink(tmp_path / "outside" / "shadow", tmp_path / "ctx" / ".dockerignore")
    code = main(["check", str(tmp_path / "ctx" / "Dockerfile")])
    out = capsys.readouterr()
    assert code == 2 and "VERYSECRET" not in out.out + out.err
