"""The report formats other tools read: each is parsed the way its consumer parses it (XML with
xml.etree, GitLab Code Quality and SonarQube's generic issues against JSON Schemas written from
their documentation) and carries the same findings as ``--format json``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from dockwise.cli import main
from dockwise.report.data import FORMATS
from tests.support.image_kit import file as image_file
from tests.support.image_kit import layer_tar, write_oci_layout

DOCKERFILE = """\
FROM python:latest
RUN apt-get update && apt-get install -y curl
RUN pip install flask
COPY . /app
CMD python app.py
"""

# GitLab Code Quality report (docs.gitlab.com/ci/testing/code_quality, "Code Quality report
# format"): an array of objects with these required members; severity on Code Climate's scale.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^(?!\\./)(?!/)"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}

# Code Climate engine specification (codeclimate/platform spec/analyzers/SPEC.md): an issue.
_POSITION = {"type": "object", "required": ["line", "column"],
             "properties": {"line": {"type": "integer", "minimum": 1},
                            "column": {"type": "integer", "minimum": 1}}}
CODECLIMATE_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["type", "check_name", "description", "categories", "location"],
        "properties": {
            "type": {"const": "issue"},
            "check_name": {"type": "string"},
            "description": {"type": "string"},
            "categories": {"type": "array", "minItems": 1, "items": {"enum": [
                "Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication",
                "Performance", "Security", "Style"]}},
            "content": {"type": "object", "required": ["body"]},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "fingerprint": {"type": "string"},
            "location": {
                "type": "object",
                "required": ["path"],
                "oneOf": [
                    {"required": ["lines"], "properties": {"lines": {
                        "type": "object", "required": ["begin", "end"],
                        "properties": {"begin": {"type": "integer", "minimum": 1},
                                       "end": {"type": "integer", "minimum": 1}}}}},
                    {"required": ["positions"], "properties": {"positions": {
                        "type": "object", "required": ["begin", "end"],
                        "properties": {"begin": _POSITION, "end": _POSITION}}}},
                ],
            },
        },
    },
}

# SonarQube generic issue import format, 10.3 and later (docs.sonarsource.com, "Generic
# formatted reports"): rules with impacts, issues with a primary location; lines 1-based,
# columns 0-based.
SONAR_SCHEMA = {
    "type": "object",
    "required": ["rules", "issues"],
    "properties": {
        "rules": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "name", "engineId", "impacts"],
            "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "description": {"type": "string"}, "engineId": {"type": "string"},
                "cleanCodeAttribute": {"enum": [
                    "FORMATTED", "CONVENTIONAL", "IDENTIFIABLE", "CLEAR", "COMPLETE", "EFFICIENT",
                    "LOGICAL", "DISTINCT", "FOCUSED", "MODULAR", "TESTED", "LAWFUL", "RESPECTFUL",
                    "TRUSTWORTHY"]},
                "impacts": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["softwareQuality", "severity"],
                    "properties": {
                        "softwareQuality": {"enum": ["SECURITY", "RELIABILITY", "MAINTAINABILITY"]},
                        "severity": {"enum": ["BLOCKER", "HIGH", "MEDIUM", "LOW", "INFO"]}}}},
            }}},
        "issues": {"type": "array", "items": {
            "type": "object",
            "required": ["ruleId", "primaryLocation"],
            "properties": {
                "ruleId": {"type": "string"},
                "effortMinutes": {"type": "integer"},
                "primaryLocation": {
                    "type": "object", "required": ["message", "filePath", "textRange"],
                    "properties": {
                        "message": {"type": "string"}, "filePath": {"type": "string"},
                        "textRange": {"type": "object", "required": ["startLine"], "properties": {
                            "startLine": {"type": "integer", "minimum": 1},
                            "endLine": {"type": "integer", "minimum": 1},
                            "startColumn": {"type": "integer", "minimum": 0},
                            "endColumn": {"type": "integer", "minimum": 0}}}}},
            }}},
    },
}


def run(capsys, *args) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".env").write_text("TOKEN=abc\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def json_findings(capsys, command: list[str]) -> list[tuple]:
    code, out = run(capsys, *command, "--format", "json")
    assert code == 1
    return sorted((f["code"], f["file"].removeprefix("./"), f["line"]) for f in json.loads(out)["findings"])


def parsed(fmt: str, out: str) -> list[tuple]:
    """(code, file, line) of every finding, read back from ``out`` as its consumer reads it."""
    if fmt == "checkstyle":
        root = ET.fromstring(out)
        assert root.tag == "checkstyle"
        found = []
        for element in root.iter("file"):
            for error in element.iter("error"):
                assert error.get("severity") in ("error", "warning", "info")
                line = error.get("line")
                found.append((error.get("source").removeprefix("dockwise."), element.get("name"),
                              int(line) if line else None))
        return sorted(found)
    if fmt == "junit":
        root = ET.fromstring(out)
        suite = root.find("testsuite")
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) == len({c.get("name") for c in cases})
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        found = []
        for case in cases:
            failure = case.find("failure")
            for line in (failure.text.splitlines() if failure is not None else []):
                match = re.match(r"^(.+?)(?::(\d+):\d+)?: (\w+) \[", line)
                assert match.group(1) == case.get("name")
                found.append((match.group(3), match.group(1), int(match.group(2)) if match.group(2) else None))
        return sorted(found)
    if fmt == "gitlab":
        document = json.loads(out)
        jsonschema.validate(document, GITLAB_SCHEMA)
        return sorted((i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in document)
    if fmt == "codeclimate":
        document = json.loads(out)
        jsonschema.validate(document, CODECLIMATE_SCHEMA)
        return sorted((i["check_name"], i["location"]["path"],
                       i["location"]["positions"]["begin"]["line"] if "positions" in i["location"]
                       else i["location"]["lines"]["begin"]) for i in document)
    if fmt == "sonarqube":
        document = json.loads(out)
        jsonschema.validate(document, SONAR_SCHEMA)
        rules = {r["id"] for r in document["rules"]}
        assert rules == {i["ruleId"] for i in document["issues"]}  # every rule used, each described
        return sorted((i["ruleId"], i["primaryLocation"]["filePath"],
                       i["primaryLocation"]["textRange"]["startLine"]) for i in document["issues"])
    if fmt == "gnu":
        found = []
        for line in out.splitlines():
            match = re.fullmatch(r"(.+?)(?::(\d+):(\d+))?: (error|warning|note): (.+) \[(\w+)\]", line)
            assert match, line
            found.append((match.group(6), match.group(1), int(match.group(2)) if match.group(2) else None))
        return sorted(found)
    if fmt == "json-lines":
        return sorted((d["code"], d["file"], d["line"]) for d in map(json.loads, out.splitlines()))
    if fmt == "html":  # the page embeds the json document once (its own tests open it in Chromium)
        match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', out, re.S)
        document = json.loads(match.group(1))
        return sorted((f["code"], f["file"].removeprefix("./"), f["line"]) for f in document["findings"])
    if fmt == "hadolint-json":
        document = json.loads(out)
        for entry in document:
            assert set(entry) == {"code", "column", "file", "level", "line", "message"}
            assert entry["level"] in ("error", "warning", "info", "style")
            assert isinstance(entry["line"], int) and isinstance(entry["column"], int)
        return sorted((e["code"], e["file"], e["line"]) for e in document)
    raise AssertionError(fmt)


NEW_FORMATS = [f for f in FORMATS if f not in ("text", "json", "sarif", "github")]


def without_lines(found: list[tuple]) -> list[tuple]:
    """(code, path): the path as dashboards match it (``./Dockerfile`` is ``Dockerfile``)."""
    return sorted((code, path.removeprefix("./")) for code, path, _ in found)


def as_reported(expected: list[tuple], fmt: str) -> list[tuple]:
    """What ``fmt`` can say of a finding without a line (a .dockerignore finding): formats that
    need a line put it on line 1."""
    if fmt in ("gitlab", "codeclimate", "sonarqube", "hadolint-json"):
        return sorted((code, path, line or 1) for code, path, line in expected)
    return expected


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_check_formats_carry_the_json_findings(project, capsys, fmt):
    expected = json_findings(capsys, ["check", "."])
    assert {code for code, _, _ in expected} >= {"DL3007", "DL3008", "DL3042", "DL3025", "DC003"}
    code, out = run(capsys, "check", ".", "--output-format", fmt)
    assert code == 1
    assert parsed(fmt, out) == as_reported(expected, fmt)


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_context_formats_carry_the_json_findings(project, capsys, fmt):
    expected = json_findings(capsys, ["context", "."])
    assert {code for code, _, _ in expected} >= {"DC001", "DC003"}
    out_file = project.parent / f"context-report.{fmt}"
    code, out = run(capsys, "context", ".", "--format", fmt, "-o", str(out_file))
    assert code == 1 and out == ""
    assert without_lines(parsed(fmt, out_file.read_text())) == without_lines(expected)


@pytest.mark.parametrize("fmt", NEW_FORMATS)
def test_image_formats_carry_the_json_findings(tmp_path, capsys, monkeypatch, fmt):
    write_oci_layout(tmp_path / "img", [layer_tar(image_file("app/.env", b"TOKEN=abc123secret\n"))])
    monkeypatch.chdir(tmp_path)
    expected = json_findings(capsys, ["image", "img"])
    assert {code for code, _, _ in expected} >= {"DI001", "DI007"}
    code, out = run(capsys, "image", "img", "--format", fmt)
    assert code == 1
    assert without_lines(parsed(fmt, out)) == without_lines(expected)
    assert "abc123secret" not in out


def test_every_format_is_offered_by_every_findings_command(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # no line breaks inside a format's name
    for command in ("check", "context", "image"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        help_text = capsys.readouterr().out
        assert "--output-format" in help_text
        for fmt in FORMATS:
            assert fmt in help_text


def fingerprints_of(fmt: str, out: str) -> dict[tuple, str]:
    """(code, flagged line's text) -> fingerprint, from a report in ``fmt``."""
    if fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
                r["partialFingerprints"]["dockwiseFingerprint/v1"] for r in results
                if "region" in r["locations"][0]["physicalLocation"]}
    key = "lines" if fmt == "gitlab" else "positions"
    found = {}
    for issue in json.loads(out):
        location = issue["location"]
        if key in location:
            line = location["lines"]["begin"] if key == "lines" else location["positions"]["begin"]["line"]
            found[(issue["check_name"], line)] = issue["fingerprint"]
    return found


@pytest.mark.parametrize("fmt", ["gitlab", "codeclimate", "sarif"])
def test_fingerprints_survive_lines_moving_and_follow_the_flagged_text(project, capsys, fmt):
    before = fingerprints_of(fmt, run(capsys, "check", "Dockerfile", "--no-context", "--format", fmt)[1])
    # two lines inserted above everything, and the last line changed
    edited = DOCKERFILE.replace("FROM python:latest\n", "# syntax=docker/dockerfile:1\n\nFROM python:latest\n")
    edited = edited.replace("CMD python app.py", "CMD python main.py")
    (project / "Dockerfile").write_text(edited)
    after = fingerprints_of(fmt, run(capsys, "check", "Dockerfile", "--no-context", "--format", fmt)[1])
    moved = {(code, line + 2): fp for (code, line), fp in before.items()}
    unchanged = {key: fp for key, fp in moved.items() if key[1] != 7}
    assert unchanged and all(after[key] == fp for key, fp in unchanged.items())
    assert after[("DL3025", 7)] != moved[("DL3025", 7)]  # the flagged text changed: a new finding
    assert len(set(after.values())) == len(after)


def test_identical_lines_get_distinct_fingerprints(tmp_path, capsys):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt-get install -y curl\nRUN apt-get install -y curl\n")
    document = json.loads(run(capsys, "check", str(path), "--format", "gitlab", "--select", "DL3008")[1])
    assert [i["location"]["lines"]["begin"] for i in document] == [2, 3]
    assert document[0]["fingerprint"] != document[1]["fingerprint"]


def test_xml_formats_survive_hostile_names_and_messages(tmp_path, capsys):
    path = tmp_path / "evil\x1b[31m<&>.Dockerfile"
    path.write_text('FROM debian:12\nRUN apt-get install -y "cu<rl>&"\n')
    for fmt in ("checkstyle", "junit"):
        out = run(capsys, "check", str(path), "--format", fmt, "--no-context")[1]
        root = ET.fromstring(out)  # raises on a control character or a bad escape
        text = ET.tostring(root, encoding="unicode")
        assert "\x1b" not in text and "\\x1b[31m<&>.Dockerfile" in (
            {e.get("name") for e in root.iter("file")} | {e.get("name") for e in root.iter("testcase")}).pop()


def test_hadolint_json_gives_shellcheck_findings_their_sc_code(tmp_path, capsys):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN echo $1\n")
    document = json.loads(run(capsys, "check", str(path), "--format", "hadolint-json",
                              "--select", "DW050")[1])
    assert document and all(re.fullmatch(r"SC\d+", e["code"]) for e in document)
    assert all("https://" not in e["message"] for e in document)
    assert document[0]["line"] == 2


def test_junit_reports_clean_files_as_passing_and_errors_as_errors(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY app /app\nUSER 10001\nHEALTHCHECK NONE\nCMD [\"/app\"]\n")
    (tmp_path / "bad.Dockerfile").write_text("FROM debian:12\nRUN <<EOF\n")  # does not parse
    code, out = run(capsys, "check", str(tmp_path / "Dockerfile"), str(tmp_path / "bad.Dockerfile"),
                    "--format", "junit", "--no-context")
    assert code == 2
    cases = {c.get("name"): c for c in ET.fromstring(out).iter("testcase")}
    clean = cases[str(tmp_path / "Dockerfile")]
    assert clean.find("failure") is None and clean.find("error") is None
    assert cases[str(tmp_path / "bad.Dockerfile")].find("error") is not None


def test_fingerprints_of_findings_without_a_line_ignore_changing_sizes(project):
    def context_issues() -> dict[str, dict]:
        done = subprocess.run([sys.executable, "-m", "dockwise", "check", ".", "--format", "gitlab"],
                              capture_output=True, text=True, cwd=project)
        return {i["check_name"]: i for i in json.loads(done.stdout) if i["location"]["path"] == ".dockerignore"}

    before = context_issues()
    (project / "app.py").write_text("print('hi')\n" * 5000)
    after = context_issues()
    # "the whole context (N KiB) is sent": the message changed with the size, the finding did not
    assert before["DC001"]["description"] != after["DC001"]["description"]
    assert {code: i["fingerprint"] for code, i in before.items()} == {
        code: i["fingerprint"] for code, i in after.items()}
