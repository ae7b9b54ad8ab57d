"""Renderers: what a user (or a CI dashboard) sees for a set of findings."""

from __future__ import annotations

import json
import time

import pytest

from dockwise.findings import Edit, Finding, Fix, Location, RuleInfo, Severity
from dockwise.report import render, use_color
from dockwise.report.github import escape_data, escape_property

SOURCE = "FROM debian:12\nRUN apt-get install curl\n\tCMD run\n"
PIN = RuleInfo(code="TS101", name="test-pin", severity=Severity.WARNING, summary="Pin it.",
               rationale="Unpinned packages change under you.", bad_example="RUN apt-get install curl",
               good_example="RUN apt-get install curl=8.0", aliases=("hadolint:TS101", "CKV_TEST_1"),
               fixable=True)
ROOT_INFO = RuleInfo(code="TS102", name="test-root", severity=Severity.ERROR, summary="Root.",
                     rationale="Root is dangerous.")


def finding(info: RuleInfo, line: int, col: int, end_col: int, *, file: str = "Dockerfile",
            message: str = "something is wrong", fix: Fix | None = None,
            severity: Severity | None = None) -> Finding:
    f = Finding.of(info, message, Location(file, line, col, line, end_col), severity=severity)
    f.fix = fix
    return f


def sample() -> list[Finding]:
    fix = Fix("pin curl", (Edit(27, 31, "curl=8.0"),))
    return [finding(PIN, 2, 5, 25, message="apt-get install without a version", fix=fix),
            finding(ROOT_INFO, 3, 2, 5, message="root, 100% of the time, a:b"),
            finding(PIN, 1, 1, 5, severity=Severity.INFO, message="info one")]


def test_text_underlines_the_exact_span_and_summarises():
    out = render("text", sample(), files=["Dockerfile"], sources={"Dockerfile": SOURCE})
    lines = out.splitlines()
    assert lines[0] == "Dockerfile:2:5: TS101 [warning] apt-get install without a version"
    assert lines[2] == "2 | RUN apt-get install curl"
    assert lines[3] == "  |     " + "^" * 20
    # a tab in the source line keeps the caret under the right character
    tab_block = out.split("\n\n")[1].splitlines()
    assert tab_block[2] == "3 |  CMD run"
    assert tab_block[3] == "  |  ^^^"
    assert lines[-1] == "3 findings (1 error, 1 warning, 1 info) in 1 file; 1 fixable with --fix."
    assert "\033[" not in out


def test_text_multiline_span_underlines_rest_of_first_line():
    f = Finding.of(PIN, "multi", Location("Dockerfile", 2, 5, 3, 3))
    out = render("text", [f], files=["Dockerfile"], sources={"Dockerfile": SOURCE})
    assert "  |     " + "^" * 20 in out.splitlines()


def test_text_no_findings_and_fixed_count():
    assert render("text", [], files=["a", "b"]) == "No findings in 2 files.\n"
    out = render("text", [], files=["a"], fixed=3)
    assert out == "Fixed 3 findings. No findings in 1 file.\n"


def test_text_colour_only_when_asked():
    out = render("text", sample(), files=["Dockerfile"], sources={"Dockerfile": SOURCE}, color=True)
    assert "\033[1;31mTS102" in out


def test_use_color_honours_no_color_and_force_color(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Tty()) is True
    assert use_color(object()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(object()) is True


def test_json_shape():
    doc = json.loads(render("json", sample(), files=["Dockerfile"]))
    assert doc["files"] == ["Dockerfile"]
    first = doc["findings"][0]
    assert first == {"code": "TS101", "name": "test-pin", "severity": "warning",
                     "message": "apt-get install without a version", "file": "Dockerfile",
                     "line": 2, "column": 5, "end_line": 2, "end_column": 25,
                     "aliases": ["hadolint:TS101", "CKV_TEST_1"], "fixable": True}
    assert doc["findings"][1]["fixable"] is False
    assert isinstance(doc["version"], str)


def test_github_annotations_escape_properly():
    out = render("github", sample()).splitlines()
    assert out[0] == ("::warning file=Dockerfile,line=2,col=5,endLine=2,endColumn=25,"
                      "title=TS101::apt-get install without a version")
    assert out[1].startswith("::error file=Dockerfile,line=3,")
    assert out[1].endswith("::root, 100%25 of the time, a:b")
    assert out[2].startswith("::notice ")
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("dir,x:y\n") == "dir%2Cx%3Ay%0A"


def test_github_file_with_comma_in_name():
    f = Finding.of(PIN, "m", Location("a,b:c/Dockerfile"))
    assert render("github", [f]) == "::warning file=a%2Cb%3Ac/Dockerfile,title=TS101::m\n"


def test_sarif_validates_and_describes_every_rule(sarif_schema):
    import jsonschema

    file_level = Finding.of(ROOT_INFO, "whole file", Location("dir with space/.dockerignore"))
    text = render("sarif", sample() + [file_level], files=["Dockerfile"], rules=[PIN, ROOT_INFO],
                  errors=["x: error: broken"])
    doc = json.loads(text)
    jsonschema.validate(doc, sarif_schema)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["TS101", "TS102"]
    assert rules[0]["name"] == "test-pin"
    assert rules[0]["shortDescription"]["text"] == "Pin it."
    assert "Unpinned packages" in rules[0]["fullDescription"]["text"]
    assert "curl=8.0" in rules[0]["help"]["text"]
    assert rules[0]["helpUri"].endswith("/TS101")
    assert rules[0]["defaultConfiguration"]["level"] == "warning"
    assert rules[0]["properties"]["tags"] == ["hadolint:TS101", "CKV_TEST_1"]
    result = run["results"][1]
    assert result["ruleId"] == "TS102" and result["ruleIndex"] == 1 and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 2, "endLine": 3, "endColumn": 5}
    assert run["results"][2]["level"] == "note"
    last = run["results"][3]["locations"][0]["physicalLocation"]
    assert last["artifactLocation"]["uri"] == "dir%20with%20space/.dockerignore"
    assert "region" not in last
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_adds_unknown_rules_so_indexes_stay_valid():
    doc = json.loads(render("sarif", sample(), rules=[]))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_unknown_format():
    with pytest.raises(ValueError):
        render("xml", [])


def test_text_summary_mentions_errors():
    out = render("text", [], files=["a", "b"], errors=["b: error: binary file"])
    assert out == "No findings in 2 files; 1 error reported above (exit code 2).\n"


def test_text_excerpt_with_a_byte_order_mark_stays_aligned():
    source = "\ufeffFROM a:latest\n"
    f = Finding.of(PIN, "m", Location("Dockerfile", 1, 8, 1, 14))  # as the parser: BOM not counted
    lines = render("text", [f], files=["Dockerfile"], sources={"Dockerfile": source}).splitlines()
    assert lines[2] == "1 | FROM a:latest"
    assert lines[3] == "  |        ^^^^^^"


def test_github_shows_error_lines_as_annotations():
    out = render("github", [], errors=["svc/Dockerfile:3:1: error: unknown instruction: FORM",
                                       "b/Dockerfile: error: binary file, not a Dockerfile"])
    assert out.splitlines() == [
        "::error file=svc/Dockerfile,line=3,col=1,title=dockwise::unknown instruction: FORM",
        "::error file=b/Dockerfile,title=dockwise::binary file, not a Dockerfile",
    ]


# -- text report: many findings in one big file ------------------------------------------------

def test_text_report_of_thousands_of_findings_in_one_big_file_is_fast():
    """Each excerpt used to split the whole file again: quadratic in findings x file size."""
    from dockwise.findings import Finding, Location, Severity
    from dockwise.report import ReportData
    from dockwise.report.text import render_text

    count = 30000
    source = "".join(f"pattern{i}/**/x\n" for i in range(count))
    findings = [Finding("DC004", "n", Severity.INFO, "matches nothing",
                        Location(".dockerignore", line, 1, line, 5))
                for line in range(1, count + 1)]
    started = time.monotonic()
    out = render_text(ReportData(findings=findings, files=[".dockerignore"],
                                 sources={".dockerignore": source}))
    assert time.monotonic() - started < 10
    assert out.count("matches nothing") == count and "pattern29999/**/x" in out
