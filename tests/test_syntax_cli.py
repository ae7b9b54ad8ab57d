"""`dockwise dump`: the BuildKit dump of a file or stdin; every bad input is one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _dump(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", "dump", *args], input=stdin,
                          capture_output=True, timeout=60)


def test_dump_file_and_stdin_agree(tmp_path: Path) -> None:
    source = 'FROM alpine AS b\nCOPY --from=b ["a b", "/c"]\nENV X=1\nONBUILD RUN echo ♥\n'
    path = tmp_path / "Dockerfile"
    path.write_text(source, encoding="utf-8")
    expected = ('(from "alpine" "AS" "b")\n(copy ["--from=b"] "a b" "/c")\n(env "X" "1" "=")\n'
                '(onbuild (run "echo ♥"))\n').encode()
    from_file = _dump(str(path))
    from_stdin = _dump("-", stdin=source.encode())
    assert from_file.returncode == from_stdin.returncode == 0
    assert from_file.stdout == from_stdin.stdout == expected


def test_go_quoting_of_control_and_non_printable_characters(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM a\nRUN ["tab\\there", "nl\\n", "\\u0001", "quote\\"", "nbsp\\u00a0"]\n', encoding="utf-8")
    done = _dump(str(path))
    assert done.stdout.decode().splitlines()[1] == r'(run "tab\there" "nl\n" "\x01" "quote\"" "nbsp\u00a0")'


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfeFROM a\n", "not valid UTF-8"),
    (b"FROM a\0\n", "binary file"),
    (b"FROM a\nENV ONLYKEY\n", "ENV must have two arguments"),
    (b"# just a comment\n", "file with no instructions"),
    (b"FROM a\nRUN <<EOF\nnever ends\n", "unterminated heredoc"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    for done in (_dump(str(path)), _dump("-", stdin=content)):
        assert done.returncode == 2
        err = done.stderr.decode()
        assert message in err and err.count("\n") == 1 and "Traceback" not in err
        assert done.stdout == b""


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM a\n\nLABEL a=b c\n", encoding="utf-8")
    done = _dump(str(path))
    assert done.returncode == 2
    assert f"{path}:3:1: Syntax error - can't find = in \"c\"" in done.stderr.decode()


def test_directory_missing_file_and_unknown_flag(tmp_path: Path) -> None:
    for args, message in (([str(tmp_path)], "is a directory"), ([str(tmp_path / "nope")], "no such file")):
        done = _dump(*args)
        assert done.returncode == 2 and message in done.stderr.decode()
    done = _dump("--bogus", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr.decode()
