"""One report document for every command (docs/report.schema.json): check, context and image
print the same JSON shape, findings carry their ``extra`` facts (also in SARIF's properties),
and every machine format escapes what can fool a reader while keeping the exact text."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from dockwise.cli import main
from dockwise.findings import Finding, Location, Severity
from dockwise.report import render
from tests.support.context import make_tree
from tests.support.image_kit import file, layer_tar, write_oci_layout

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "docs", "report.schema.json")
# C1 CSI, a bidi override, a line separator, a lone surrogate (a name that is not UTF-8), ESC
HOSTILE = "a\u009b2Jb\u202ec\u2028d\udcffe\x1bf"


@pytest.fixture(scope="module")
def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        document = json.load(fh)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def run_json(capsys, *argv: str) -> dict:
    main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return json.loads(out)


def test_check_document_carries_extra_and_matches_the_schema(tmp_path, capsys, schema):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\nRUN apt-get update && apt-get install -y curl wget\n")
    doc = run_json(capsys, "check", str(dockerfile), "--format", "json")
    jsonschema.validate(doc, schema)
    dl3008 = next(f for f in doc["findings"] if f["code"] == "DL3008")
    assert dl3008["extra"]["packages"] == ["curl", "wget"]
    assert "image" not in doc and "context" not in doc


def test_context_document_has_its_section_and_dc007_paths(tmp_path, capsys, schema):
    make_tree(tmp_path, {"Dockerfile": "FROM scratch\nCOPY . /app\n", ".env": "TOKEN=abcdef\n",
                         "node_modules/x.js": "x"})
    doc = run_json(capsys, "context", str(tmp_path), "--format", "json")
    jsonschema.validate(doc, schema)
    dc007 = next(f for f in doc["findings"] if f["code"] == "DC007")
    assert dc007["extra"]["paths"] == [".env"]
    section = doc["context"]
    assert section["sent_files"] == 3 and section["dockerignore"] is None
    assert [s["path"] for s in section["secrets"]] == [".env"]
    assert [h["path"] for h in section["heavy_directories"]] == ["node_modules"]


def test_image_document_has_its_section_gates_and_finding_extra(tmp_path, capsys, schema):
    layout = write_oci_layout(tmp_path / "img", [layer_tar(file("root/.cache/pip/x", 3000))])
    doc = run_json(capsys, "image", str(layout), "--format", "json", "--max-size", "1k")
    jsonschema.validate(doc, schema)
    di005 = next(f for f in doc["findings"] if f["code"] == "DI005")
    assert di005["extra"]["path"] == "/root/.cache/pip" and di005["extra"]["bytes"] == 3000
    assert di005["extra"]["layer"] == 1
    assert {g["name"]: g["passed"] for g in doc["image"]["gates"]} == {"max-size": False}


def test_image_error_document_matches_the_schema(tmp_path, capsys, schema):
    bad = tmp_path / "bad.tar"
    bad.write_bytes(b"not a tar")
    doc = run_json(capsys, "image", str(bad), "--format", "json")
    jsonschema.validate(doc, schema)
    assert doc["image"] is None and doc["errors"]


def hostile_finding() -> Finding:
    return Finding("DW999", "test", Severity.WARNING, f"message {HOSTILE}", Location(f"dir/{HOSTILE}", 1, 1),
                   extra={"path": HOSTILE, "paths": (HOSTILE,)})


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_escape_what_fools_a_reader_and_keep_the_exact_text(fmt):
    rendered = render(fmt, [hostile_finding()], files=[f"dir/{HOSTILE}"])
    for raw in ("\u009b", "\u202e", "\u2028", "\x1b"):
        assert raw not in rendered
    assert "\\u009b" in rendered and "\\u202e" in rendered and "\\u2028" in rendered
    assert "\\udcff" in rendered
    rendered.encode("utf-8")  # valid UTF-8 to write, though a name was not
    doc = json.loads(rendered)
    if fmt == "json":
        finding = doc["findings"][0]
        assert finding["message"] == f"message {HOSTILE}" and finding["file"] == f"dir/{HOSTILE}"
        assert finding["extra"] == {"path": HOSTILE, "paths": [HOSTILE]}
    else:
        result = doc["runs"][0]["results"][0]
        assert result["message"]["text"] == f"message {HOSTILE}"
        assert result["properties"]["extra"] == {"path": HOSTILE, "paths": [HOSTILE]}


def test_readable_non_ascii_text_stays_readable():
    finding = Finding("DW999", "test", Severity.INFO, "café — 日本", Location("Dockerfile", 1, 1))
    assert "café — 日本" in render("json", [finding])


def test_sarif_run_properties_carry_the_sections(tmp_path, capsys):
    layout = write_oci_layout(tmp_path / "img", [layer_tar(file("a", 10))])
    doc = run_json(capsys, "image", str(layout), "--format", "sarif")
    assert doc["runs"][0]["properties"]["image"]["total_bytes"] == 10


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_human_formats_escape_the_same_characters(fmt):
    rendered = render(fmt, [hostile_finding()], files=[f"dir/{HOSTILE}"])
    for raw in ("\u009b", "\u202e", "\u2028", "\x1b", "\udcff"):
        assert raw not in rendered
