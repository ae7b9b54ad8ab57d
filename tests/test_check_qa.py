"""`dockwise check` defects found in QA: each test fails without its fix."""

from __future__ import annotations

import json
import os

import pytest

from dockwise.cli import main
from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


# -- 1. -o naming an input or a directory ------------------------------------------------------

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


# -- 2. --fix that does not converge ----------------------------------------------------------

from dockwise.findings import Edit, Fix, RuleInfo, Severity  # noqa: E402
from dockwise.rules.base import DockerfileRule  # noqa: E402
from tests.test_engine import LatestTag  # noqa: E402


class NoOpFix(DockerfileRule):
    """Flags every MAINTAINER; its "fix" rewrites the keyword with itself."""

    info = RuleInfo(code="TQ001", name="qa-noop", severity=Severity.WARNING,
                    summary="No-op.", rationale="Bug.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "MAINTAINER":
                start = instr.span.start.offset
                yield target.finding(self.info, "maintainer", instr.keyword_span,
                                     fix=Fix("same", (Edit(start, start + 10, instr.source[:10]),)))


class GrowingFix(DockerfileRule):
    """Flags LABEL; its fix appends a space every round and the finding never goes away."""

    info = RuleInfo(code="TQ002", name="qa-grow", severity=Severity.WARNING,
                    summary="Grow.", rationale="Bug.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "LABEL":
                end = instr.span.start.offset + len(instr.source.rstrip("\n"))
                yield target.finding(self.info, "label", instr.keyword_span,
                                     fix=Fix("pad", (Edit(end, end, " "),)))


class FlipFlop(DockerfileRule):
    """Flags `:a` and proposes `:b`, and flags `:b` proposing `:a`: a cycle."""

    info = RuleInfo(code="TQ003", name="qa-flip", severity=Severity.WARNING,
                    summary="Flip.", rationale="Bug.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            body = instr.source.rstrip("\n")
            for old, new in ((":a", ":b"), (":b", ":a")):
                if instr.keyword == "FROM" and body.endswith(old):
                    start = instr.span.start.offset + len(body) - 2
                    yield target.finding(self.info, "flip", instr.keyword_span,
                                         fix=Fix("flip", (Edit(start, start + 2, new),)))


@pytest.mark.parametrize("rule, text", [
    (NoOpFix, "FROM alpine:latest\nMAINTAINER me\n"),
    (GrowingFix, "FROM alpine:latest\nLABEL a=b\n"),
    (FlipFlop, "FROM scratch:a\n"),
])
def test_fix_counts_only_findings_that_went_away(project, own_rules, capsys, rule, text):
    own_rules(rule, LatestTag)
    path = project("Dockerfile", text)
    code, out, _ = run(capsys, "--fix", "Dockerfile")
    fixed = path.read_text()
    assert rule.info.code in out  # still reported: the fix did not fix it
    if rule is FlipFlop:
        assert "Fixed" not in out and fixed == text
    else:
        assert fixed == text.replace(":latest", ":1.0")  # the broken fix left no trace
        assert "Fixed 1 finding." in out  # only LatestTag's


def test_fix_with_only_a_no_op_fix_reports_nothing_fixed(project, own_rules, capsys):
    own_rules(NoOpFix)
    path = project("Dockerfile", "FROM alpine\nMAINTAINER me\n")
    code, out, _ = run(capsys, "--fix", "Dockerfile")
    assert code == 1
    assert "Fixed" not in out
    assert path.read_text() == "FROM alpine\nMAINTAINER me\n"


def test_fix_that_cycles_stops_and_never_claims_more_than_went_away(project, own_rules, capsys):
    own_rules(FlipFlop)
    path = project("Dockerfile", "FROM scratch:a\n")
    code, out, _ = run(capsys, "--fix", "Dockerfile")
    assert code == 1 and "TQ003" in out
    # round 1 turns :a into :b (whose finding is the same code); nothing went away for good
    assert "Fixed" not in out
    assert path.read_text() == "FROM scratch:a\n"


# -- 3. .hadolint.yaml values of the wrong type ------------------------------------------------

@pytest.mark.parametrize("config, key", [
    ('no-fail: "false"\n', "no-fail"),
    ("no-fail: '0'\n", "no-fail"),
    ('no-fail: "no"\n', "no-fail"),
    ("no-fail: 0\n", "no-fail"),
    ('disable-ignore-pragma: "false"\n', "disable-ignore-pragma"),
    ("strict-labels: yes please\n", "strict-labels"),
    ("failure-threshold: 1\n", "failure-threshold"),
    ("failure-threshold: [error]\n", "failure-threshold"),
    ("trustedRegistries: docker.io\n", "trustedRegistries"),
    ("override:\n  error: DL3008\n", "override.error"),
])
def test_config_value_of_the_wrong_type_is_an_error_naming_file_and_key(project, own_rules, capsys,
                                                                        config, key):
    project(".hadolint.yaml", config)
    project("Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "Dockerfile")
    assert code == 2
    assert ".hadolint.yaml: error: hadolint config:" in err
    assert f"'{key}'" in err


@pytest.mark.parametrize("config, expected", [
    ("no-fail: false\n", 1),
    ("no-fail: true\n", 0),
    ("no-fail: False\n", 1),
])
def test_config_real_booleans_still_work(project, own_rules, capsys, config, expected):
    project(".hadolint.yaml", config)
    project("Dockerfile", DOCKERFILE)
    code, _, err = run(capsys, "Dockerfile")
    assert code == expected, err


# -- 4. a very deep directory tree ---------------------------------------------------------------

@pytest.fixture
def deep_tree(project):
    """top/d/d/.../d (1500 levels) made and removed without recursion (os.makedirs and
    shutil.rmtree recurse on Python 3.11)."""
    parts = ["top"] + ["d"] * 1500
    for depth in range(1, len(parts) + 1):
        os.mkdir(os.path.join(*parts[:depth]))
    yield os.path.join(*parts)
    for depth in range(len(parts), 0, -1):
        directory = os.path.join(*parts[:depth])
        for name in os.listdir(directory):
            if not os.path.isdir(os.path.join(directory, name)):
                os.unlink(os.path.join(directory, name))
        os.rmdir(directory)


def test_check_of_a_very_deep_tree_finds_the_dockerfile_at_the_bottom(deep_tree, project, own_rules, capsys):
    project(os.path.join(deep_tree, "Dockerfile"), DOCKERFILE)
    project("top/Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "top")
    assert code == 1, err
    assert "RecursionError" not in out + err
    assert out.count("TS001") == 2
    assert out.index("top/Dockerfile:") < out.index("top/d/d/")  # top-down order kept


def test_walk_order_and_gitignore_are_unchanged(project, own_rules, capsys):
    for rel in ("b/Dockerfile", "a/z/Dockerfile", "a/Dockerfile", "ignored/Dockerfile"):
        project(rel, DOCKERFILE)
    project(".gitignore", "ignored/\n")
    os.symlink("a", "link-to-a")  # not followed: a/ is not checked twice
    from dockwise.discovery import find_in_directory
    assert find_in_directory(".") == ["a/Dockerfile", "a/z/Dockerfile", "b/Dockerfile"]


# -- 5. --diff / --fix and report formats ------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_diff_with_a_report_format_is_a_usage_error(project, own_rules, capsys, fmt):
    path = project("Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "--diff", "--format", fmt, "Dockerfile")
    assert code == 2
    assert out == ""
    assert "--diff" in err and f"--format {fmt}" in err
    assert path.read_text() == DOCKERFILE


def test_diff_goes_to_the_output_file(project, own_rules, capsys):
    path = project("Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "--diff", "-o", "fixes.diff", "Dockerfile")
    assert code == 1
    assert out == ""
    diff = open("fixes.diff").read()
    assert diff.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n")
    assert "+FROM alpine:1.0\n" in diff
    assert "Would fix 1 finding in 1 file." in err
    assert path.read_text() == DOCKERFILE


def test_fix_on_stdin_with_json_needs_an_output_file(project, own_rules, capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DOCKERFILE.encode())))
    code, out, err = run(capsys, "--fix", "--format", "json", "-")
    assert code == 2
    assert out == ""
    assert "-o FILE" in err


def test_fix_on_stdin_with_json_and_output_file(project, own_rules, capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DOCKERFILE.encode())))
    code, out, err = run(capsys, "--fix", "--format", "json", "-o", "report.json", "-")
    assert out == "FROM alpine:1.0\nCMD echo hi\n"
    report = json.loads(open("report.json").read())
    assert [f["code"] for f in report["findings"]] == ["TS003"]
    assert code == 0  # TS003 is info: below the default gate


# -- 6. SARIF columns --------------------------------------------------------------------------

def test_sarif_declares_code_point_columns_and_validates(project, own_rules, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from tests.test_report import SARIF_SCHEMA

    project("Dockerfile", "# 😀 é\nFROM alpine:latest\nLABEL x=\"😀\" y=1\nFROM alpine:latest\n")
    code, out, _ = run(capsys, "--format", "sarif", "Dockerfile")
    doc = json.loads(out)
    sarif_run = doc["runs"][0]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    if SARIF_SCHEMA.is_file():
        jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    region = sarif_run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 13, 19)


# -- 7. control characters in text and github output -------------------------------------------

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


# -- 8. one build context, two Dockerfiles -------------------------------------------------------

def test_a_context_finding_is_reported_once_for_two_dockerfiles_sharing_it(project, capsys):
    dockerfile = "FROM alpine:3.19.1\nCOPY . /app\nUSER 10001\n"
    project("svc/Dockerfile", dockerfile)
    project("svc/Dockerfile.dev", dockerfile)
    project("svc/.dockerignore", "src/old-module\n")
    code = main(["check", "--format", "json", "--select", "DC004", "svc/"])
    out, err = capsys.readouterr()
    findings = json.loads(out)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in findings] == [("DC004", "svc/.dockerignore", 1)]
    assert code == 0  # DC004 is info


def test_findings_in_each_dockerfile_are_still_reported_for_each(project, own_rules, capsys):
    project("svc/Dockerfile", DOCKERFILE)
    project("svc/Dockerfile.dev", DOCKERFILE)
    code, out, _ = run(capsys, "--format", "json", "svc")
    files = sorted(f["file"] for f in json.loads(out)["findings"] if f["code"] == "TS001")
    assert files == ["svc/Dockerfile", "svc/Dockerfile.dev"]
