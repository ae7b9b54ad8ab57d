"""Where `dockwise check` writes (-o onto a checked file, a directory, a FIFO) and what its
reports show: control characters escaped in text and github output, exact names in JSON, SARIF
columns in code points, valid UTF-8 JSON for a file name that is not UTF-8."""

from __future__ import annotations

import json
import os

import pytest

from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


# -- -o naming an input, a directory or a FIFO --------------------------------------------------

def test_output_naming_the_checked_file_is_refused_and_the_file_is_kept(project, own_rules, capsys):
    path = project("Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "Dockerfile", "-o", "Dockerfile")
    assert code == 2
    assert "-o/--output names a checked file" in err
    assert path.read_text() == DOCKERFILE


def test_output_naming_the_checked_file_by_another_path_is_refused(project, own_rules, capsys):
    path = project("sub/Dockerfile", DOCKERFILE)
    os.symlink("sub/Dockerfile", "link")
    for target in ("./sub/../sub/Dockerfile", "link"):
        code, _, err = run(capsys, "sub", "-o", target)
        assert code == 2, target
        assert "names a checked file" in err
    assert path.read_text() == DOCKERFILE


def test_output_naming_a_directory_is_refused(project, own_rules, capsys):
    project("Dockerfile", DOCKERFILE)
    os.mkdir("reports")
    code, out, err = run(capsys, "Dockerfile", "-o", "reports")
    assert code == 2
    assert "names a directory" in err
    assert os.listdir("reports") == []


def test_output_to_a_new_file_still_works(project, own_rules, capsys):
    project("Dockerfile", DOCKERFILE)
    code, out, _ = run(capsys, "Dockerfile", "--format", "json", "-o", "report.json")
    assert code == 1 and out == ""
    assert json.loads(open("report.json").read())["findings"]


def test_output_to_a_fifo_writes_into_it_and_keeps_it_a_fifo(project, own_rules, capsys):
    import os
    import stat
    import threading

    project("Dockerfile", "FROM a:1\n")
    os.mkfifo("report.fifo")
    received = []
    reader = threading.Thread(target=lambda: received.append(open("report.fifo").read()))
    reader.start()
    code, _, err = run(capsys, "--format", "json", "-o", "report.fifo", "Dockerfile")
    reader.join(timeout=10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat("report.fifo").st_mode)  # not replaced by a regular file
    assert '"findings"' in received[0]


# -- SARIF columns --------------------------------------------------------------------------

def test_sarif_declares_code_point_columns_and_validates(project, own_rules, capsys, sarif_schema):
    import jsonschema

    project("Dockerfile", "# 😀 é\nFROM alpine:latest\nLABEL x=\"😀\" y=1\nFROM alpine:latest\n")
    code, out, _ = run(capsys, "--format", "sarif", "Dockerfile")
    doc = json.loads(out)
    sarif_run = doc["runs"][0]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    jsonschema.validate(doc, sarif_schema)
    region = sarif_run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 13, 19)


# -- control characters in text and github output -------------------------------------------

HOSTILE = 'FROM alpine\nLABEL a="\x1b[31mred\x0cx"\nFROM alpine:latest\n'


def test_text_output_escapes_control_characters_from_the_file_and_its_name(project, own_rules, capsys):
    name = "evil\x1b[2J\nfake.txt:1:1: TS001 [error] forged"
    project(name, HOSTILE)
    code, out, err = run(capsys, name)
    assert "\x1b" not in out + err
    assert out.startswith("evil\\x1b[2J\\nfake.txt:1:1: TS001 [error] forged:3:13: TS001 [warning]")
    assert len([line for line in out.splitlines() if ": TS001 [" in line]) == 1  # nothing forged
    code, out, err = run(capsys, "missing\x1b[2J")
    assert code == 2
    assert "missing\\x1b[2J: error: no such file or directory" in err


def test_text_excerpt_is_the_reported_line_with_the_underline_in_place(project, own_rules, capsys):
    project("Dockerfile", 'FROM alpine:latest\x1b[0m # x\nCMD ["a"]\n')
    code, out, _ = run(capsys, "Dockerfile")
    lines = out.splitlines()
    at = lines.index("1 | FROM alpine:latest\\x1b[0m # x")
    assert lines[at + 1] == "  |             ^^^^^^"
    project("Dockerfile", 'FROM alpine\nLABEL a="\x0cb"\nFROM alpine:latest\n')
    code, out, _ = run(capsys, "Dockerfile")
    assert "3 | FROM alpine:latest" in out.splitlines()


def test_github_output_escapes_control_characters(project, own_rules, capsys):
    name = "a\x1b[31mb"
    project(name, "FROM alpine:latest\n")
    code, out, _ = run(capsys, "--format", "github", name)
    assert "\x1b" not in out
    assert out.startswith("::warning file=a\\x1b[31mb,line=1,col=13,")


def test_json_keeps_the_exact_file_name(project, own_rules, capsys):
    name = "a\x1b[31mb"
    project(name, "FROM alpine:latest\n")
    code, out, _ = run(capsys, "--format", "json", name)
    assert json.loads(out)["findings"][0]["file"] == name


def test_text_underline_after_a_byte_order_mark_is_under_the_token(project, own_rules, capsys):
    from tests.test_engine import LatestTag

    own_rules(LatestTag)
    project("Dockerfile", "\ufeffFROM alpine:latest\n")
    _, out, _ = run(capsys, "Dockerfile")
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("1 | "))
    text, marks = lines[row][4:], lines[row + 1][4:]
    start = len(marks) - len(marks.lstrip())
    assert text[start:start + len(marks.strip())] in ("alpine:latest", "latest")


# -- json / sarif with a file name that is not UTF-8 -------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_output_for_a_non_utf8_file_name_is_valid_utf8_json(tmp_path, fmt):
    import json
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    name = os.fsdecode(b"Dockerfile.\xff")
    (tmp_path / name).write_text("FROM alpine\n")
    proc = subprocess.run([sys.executable, "-m", "dockwise", "check", "--no-context", "--format", fmt,
                           str(tmp_path)], capture_output=True)
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout.decode("utf-8"))
    text = json.dumps(document)
    if fmt == "sarif":
        assert "Dockerfile.%FF" in text
    else:
        assert document["findings"][0]["file"].endswith("Dockerfile.\udcff")
