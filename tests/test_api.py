"""The Python API (docs/api.md): its examples run as written, and each function returns the
findings -- and the JSON document -- the command line prints for the same input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import dockwise
from dockwise.cli import main
from dockwise.errors import DockwiseError
from dockwise.project_config import clear_caches
from tests.support.image_kit import file, layer_tar, write_oci_layout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_DOC = os.path.join(ROOT, "docs", "api.md")


def python_blocks(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return re.findall(r"^```python\n(.*?)^```", fh.read(), re.S | re.M)


def test_the_examples_of_docs_api_md_run():
    blocks = python_blocks(API_DOC)
    assert len(blocks) >= 5  # one per function, and the image it reads
    # one interpreter, blocks in order (a later one uses an earlier one's names), from the root
    script = "\n".join(f"exec(compile({block!r}, 'docs/api.md block {n}', 'exec'))"
                       for n, block in enumerate(blocks, 1))
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "DL3006 warning 1" in result.stdout


def cli_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _fresh_configs():
    clear_caches()
    yield
    clear_caches()


def test_check_paths_returns_what_check_prints(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, document = cli_json(capsys, "check", "--isolated", "examples")
    report = dockwise.check_paths("examples", isolated=True)
    assert report.to_dict() == document
    assert report.exit_code == code == 1
    assert [f.code for f in report.findings] == [f["code"] for f in document["findings"]]


def test_check_text_is_check_of_stdin(capsys, monkeypatch, tmp_path):
    text = "FROM python\nRUN apt-get install -y gcc\n"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(text.encode())})())
    code, document = cli_json(capsys, "check", "-", "--select", "DL,DW4", "--fail-level", "error")
    report = dockwise.check_text(text, "<stdin>", select=["DL", "DW4"], fail_level="error")
    assert report.to_dict() == document and report.exit_code == code == 0


def test_check_text_reads_the_config_of_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".dockwise.toml").write_text('ignore = ["DL3006"]\n')
    monkeypatch.chdir(tmp_path)
    assert "DL3006" not in {f.code for f in dockwise.check_text("FROM python\n").findings}
    assert "DL3006" in {f.code for f in dockwise.check_text("FROM python\n", isolated=True).findings}


def test_scan_context_returns_what_context_prints(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, document = cli_json(capsys, "context", "examples/python-service", "--isolated")
    report = dockwise.scan_context("examples/python-service", isolated=True)
    assert report.to_dict() == document and report.exit_code == code


def test_analyze_image_returns_what_image_prints(capsys, tmp_path):
    layout = str(write_oci_layout(tmp_path / "img", [layer_tar(file("app/.env", b"TOKEN=abc123secret\n"))]))
    code, document = cli_json(capsys, "image", layout, "--isolated", "--max-size", "10")
    report = dockwise.analyze_image(layout, isolated=True, max_size=10)
    assert report.to_dict() == document and report.exit_code == code == 1
    assert {"DI007", "DI010"} <= {f.code for f in report.findings}


def test_bad_arguments_raise_and_print_nothing(capsys, tmp_path):
    with pytest.raises(ValueError, match="fail_level"):
        dockwise.check_text("FROM a\n", fail_level="fatal")
    with pytest.raises(ValueError, match="not a size"):
        dockwise.scan_context(str(tmp_path), large="big")
    with pytest.raises(DockwiseError, match="unknown rule"):
        dockwise.check_text("FROM a\n", select="NOPE9")
    with pytest.raises(DockwiseError, match="no such directory"):
        dockwise.scan_context(str(tmp_path / "missing"))
    with pytest.raises(DockwiseError):
        dockwise.analyze_image(str(tmp_path / "missing.tar"))
    assert capsys.readouterr() == ("", "")


def test_one_bad_file_among_several_is_an_error_line(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian:12.8\n")
    (tmp_path / "Dockerfile.bad").write_bytes(b"FROM debian\n\xff\xfe not text\n")
    report = dockwise.check_paths([str(tmp_path)], isolated=True, context=False)
    assert report.exit_code == 2 and len(report.errors) == 1 and "Dockerfile.bad" in report.errors[0]


def test_the_api_is_typed_and_loaded_lazily():
    probe = ("import sys, dockwise; before = 'dockwise.api' in sys.modules; dockwise.check_text; "
             "print(before, 'dockwise.api' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
    assert os.path.isfile(os.path.join(ROOT, "src", "dockwise", "py.typed"))
    assert dockwise.check_text.__annotations__["return"] in ("Report", dockwise.Report)
    assert set(dockwise.__all__) >= {"check_text", "check_paths", "scan_context", "analyze_image", "Report"}


def test_the_type_stub_declares_every_public_name():
    import ast

    with open(os.path.join(ROOT, "src", "dockwise", "__init__.pyi"), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    declared = {alias.asname for node in tree.body if isinstance(node, ast.ImportFrom)
                for alias in node.names if alias.asname}
    declared |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert declared == set(dockwise._API) | {"parse"}
