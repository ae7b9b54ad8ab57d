"""`dockwise check --fix` and `--diff` as a user runs them: a fix counts only when its finding
went away, fixes converge in one run, and the diff and the fixed text go where they are told."""

from __future__ import annotations

import json

import pytest

from dockwise.findings import Edit, Fix, RuleInfo, Severity
from dockwise.rules.base import DockerfileRule
from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures
from tests.test_engine import LatestTag

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


# -- a fix that does not converge -----------------------------------------------------------------

class NoOpFix(DockerfileRule):
    """Flags every MAINTAINER; its "fix" rewrites the keyword with itself."""

    info = RuleInfo(code="TQ001", name="test-noop", severity=Severity.WARNING,
                    summary="No-op.", rationale="Bug.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "MAINTAINER":
                start = instr.span.start.offset
                yield target.finding(self.info, "maintainer", instr.keyword_span,
                                     fix=Fix("same", (Edit(start, start + 10, instr.source[:10]),)))


class GrowingFix(DockerfileRule):
    """Flags LABEL; its fix appends a space every round and the finding never goes away."""

    info = RuleInfo(code="TQ002", name="test-grow", severity=Severity.WARNING,
                    summary="Grow.", rationale="Bug.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "LABEL":
                end = instr.span.start.offset + len(instr.source.rstrip("\n"))
                yield target.finding(self.info, "label", instr.keyword_span,
                                     fix=Fix("pad", (Edit(end, end, " "),)))


class FlipFlop(DockerfileRule):
    """Flags `:a` and proposes `:b`, and flags `:b` proposing `:a`: a cycle."""

    info = RuleInfo(code="TQ003", name="test-flip", severity=Severity.WARNING,
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


# -- a fix whose result brings a finding of another fix's code ------------------------------------

class LowercaseKeyword(DockerfileRule):
    """Flags each lowercase keyword (message names it); the fix uppercases it."""

    info = RuleInfo(code="TQ101", name="test-upper", severity=Severity.WARNING,
                    summary="Upper.", rationale="Test.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            span = instr.keyword_span
            written = target.dockerfile.source[span.start.offset:span.end.offset]
            if written.islower():
                yield target.finding(self.info, f"`{written}` is lowercase", span,
                                     fix=Fix("upper", (Edit(span.start.offset, span.end.offset,
                                                            written.upper()),)))


class MaintainerToLowercaseLabel(DockerfileRule):
    """Its fix writes a lowercase `label`: a new TQ101 finding elsewhere in the same round."""

    info = RuleInfo(code="TQ102", name="test-label", severity=Severity.WARNING,
                    summary="Label.", rationale="Test.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "MAINTAINER":
                start = instr.span.start.offset
                end = start + len(instr.source.rstrip("\n"))
                yield target.finding(self.info, "maintainer", instr.keyword_span,
                                     fix=Fix("label", (Edit(start, end, "label a=b"),)))


def test_a_fix_is_kept_when_another_fix_brings_a_new_finding_of_its_code(project, own_rules, capsys):
    own_rules(LowercaseKeyword, MaintainerToLowercaseLabel)
    path = project("Dockerfile", "FROM a:1\nrun echo\nMAINTAINER me\n")
    run(capsys, "--fix", "Dockerfile")
    assert path.read_text() == "FROM a:1\nRUN echo\nLABEL a=b\n"


def test_a_fix_is_kept_when_another_fix_brings_the_same_finding_elsewhere(tmp_path):
    # round 1: DL3027 turns `apt install` into `apt-get install` (a new DL3015 with the same
    # message) while DL3015 fixes the other install: that fix is real, not idle
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt install -y curl\nRUN apt-get install -y git\n")
    from dockwise.cli import main

    assert main(["check", "--no-context", "--fix", "--unsafe-fixes", "--select", "DL3027,DL3015",
                 str(path)]) == 0
    assert path.read_text() == ("FROM debian:12\nRUN apt-get install --no-install-recommends -y curl\n"
                                "RUN apt-get install --no-install-recommends -y git\n")


# -- --diff / --fix and report formats --------------------------------------------------------

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


# -- what --fix will not write, and --diff headers ---------------------------------------------

def test_fix_of_a_dockerfile_that_is_a_fifo_leaves_the_fifo_alone(project, own_rules, capsys):
    import os
    import stat

    from tests.test_engine import LatestTag

    own_rules(LatestTag)
    os.mkfifo("Dockerfile")
    keep_open = os.open("Dockerfile", os.O_RDONLY | os.O_NONBLOCK)  # holds what is written
    try:
        with open("Dockerfile", "w") as fh:  # the text waits in the pipe for dockwise to read
            fh.write("FROM alpine:latest\n")
        code, out, err = run(capsys, "--fix", "Dockerfile")
    finally:
        os.close(keep_open)
    assert stat.S_ISFIFO(os.stat("Dockerfile").st_mode)
    assert code == 2 and "fixes not written: not a regular file" in out + err


def test_diff_header_quotes_a_name_with_control_characters(tmp_path, monkeypatch, capsys):
    from dockwise.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x\x1b[31m\n.Dockerfile").write_text("FROM debian:12\nADD a /a\n")
    assert main(["check", "--no-context", "--diff", "."]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert out.splitlines()[:2] == ['--- "a/x\\033[31m\\n.Dockerfile"',
                                    '+++ "b/x\\033[31m\\n.Dockerfile"']


def test_diff_of_a_non_utf8_name_can_be_written_to_a_file(tmp_path, monkeypatch, capsys):
    import os

    from dockwise.cli import main

    monkeypatch.chdir(tmp_path)
    with open(os.path.join(os.fsencode(tmp_path), b"x\xff.Dockerfile"), "wb") as fh:
        fh.write(b"FROM debian:12\nADD a /a\n")
    assert main(["check", "--no-context", "--diff", "-o", "out.diff", "."]) == 1
    assert (tmp_path / "out.diff").read_text().splitlines()[0] == '--- "a/x\\377.Dockerfile"'
