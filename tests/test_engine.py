"""The check engine with rules of its own (so these tests do not move when real rules change)."""

from __future__ import annotations

import re

import pytest

from dockwise.config import LintConfig
from dockwise.engine.dockerfile import CheckOptions, Engine
from dockwise.engine.selection import RuleIndex, Selection
from dockwise.findings import Edit, Fix, RuleInfo, Severity
from dockwise.rules.base import DockerfileRule


class LatestTag(DockerfileRule):
    """Flags ``:latest`` in FROM and offers the safe fix ``:1.0``."""

    info = RuleInfo(code="TS001", name="test-latest", severity=Severity.WARNING,
                    summary="No latest.", rationale="It moves.", fixable=True,
                    aliases=("hadolint:DL3007",))

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword != "FROM":
                continue
            for match in re.finditer(r":latest\b", instr.source):
                start = instr.span.start.offset + match.start() + 1
                end = start + len("latest")
                span = _span(instr, start, end)
                yield target.finding(self.info, "`latest` moves", span,
                                     fix=Fix("pin to 1.0", (Edit(start, end, "1.0"),)))


class ShellFormCmd(DockerfileRule):
    """CMD in shell form; the (unsafe) fix rewrites it as a JSON array."""

    info = RuleInfo(code="TS003", name="test-json-cmd", severity=Severity.INFO,
                    summary="JSON CMD.", rationale="Signals.", fixable=True,
                    aliases=("buildkit:JSONArgsRecommended",))

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "CMD" and not instr.json_form:
                words = instr.body.split()
                body_start = instr.source_offset(0)
                fix = Fix("exec form", (Edit(body_start, instr.span.end.offset,
                                             "[" + ", ".join(f'"{w}"' for w in words) + "]"),),
                          safe=False)
                yield target.finding(self.info, "shell form CMD", instr.keyword_span, fix=fix)


class Crashes(DockerfileRule):
    info = RuleInfo(code="TS002", name="test-crash", severity=Severity.ERROR,
                    summary="Crash.", rationale="Bug.")

    def check(self, target):
        raise RuntimeError("rule bug")


class BreaksEnv(DockerfileRule):
    """Its fix would leave ``ENV NAME`` with no value, which BuildKit rejects."""

    info = RuleInfo(code="TS004", name="test-break", severity=Severity.WARNING,
                    summary="Break.", rationale="Bug.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "ENV" and "=" in instr.source:
                eq = instr.span.start.offset + instr.source.index("=")
                yield target.finding(self.info, "env", instr.keyword_span,
                                     fix=Fix("drop value", (Edit(eq, instr.span.end.offset, ""),)))


def _span(instr, start, end):
    from dockwise.syntax.tree import Span

    return Span(instr.position(start), instr.position(end))


RULES = (LatestTag, ShellFormCmd, Crashes, BreaksEnv)


def engine(*rules, select=None, ignore=None, **options):
    rules = rules or (LatestTag, ShellFormCmd)
    selection = Selection.from_options(RuleIndex(r.info for r in rules), select, ignore)
    return Engine(rules, CheckOptions(selection=selection, context=False, **options))


def codes(report):
    return [(f.code, f.location.line, f.location.column) for f in report.findings]


def test_findings_sorted_with_exact_spans():
    report = engine().check_text("FROM a:latest AS x\nCMD run it\nFROM b:latest\n", "Dockerfile")
    assert report.errors == []
    assert codes(report) == [("TS001", 1, 8), ("TS003", 2, 1), ("TS001", 3, 8)]
    first = report.findings[0].location
    assert (first.end_line, first.end_column) == (1, 14)


def test_a_crashing_rule_is_one_error_line_and_others_still_run():
    report = engine(Crashes, LatestTag).check_text("FROM a:latest\n", "svc/Dockerfile")
    assert codes(report) == [("TS001", 1, 8)]
    assert report.errors == ["svc/Dockerfile: error: internal error in rule TS002 (test-crash): "
                             "RuntimeError: rule bug"]


@pytest.mark.parametrize("text,message", [
    ("", "file with no instructions"),
    ("# only a comment\n\n", "file with no instructions"),
])
def test_files_without_instructions(text, message):
    report = engine().check_text(text, "Dockerfile")
    assert len(report.errors) == 1 and message in report.errors[0]
    assert report.errors[0].startswith("Dockerfile")


def test_parse_error_names_file_and_line():
    report = engine().check_text("FROM busybox\n\nENV PATH\n", "bad/Dockerfile")
    assert report.findings == []
    assert len(report.errors) == 1
    assert report.errors[0].startswith("bad/Dockerfile:3:")


def test_select_and_ignore_by_alias():
    text = "FROM a:latest\nCMD run\n"
    assert codes(engine(select=["JSONArgsRecommended"]).check_text(text, "D")) == [("TS003", 2, 1)]
    assert codes(engine(ignore=["DL3007"]).check_text(text, "D")) == [("TS003", 2, 1)]


@pytest.mark.parametrize("comment", [
    "# hadolint ignore=DL3007",
    "# hadolint ignore=TS001",
    "# dockwise: ignore=test-latest, TS003",
    "#dockwise:ignore=TS001",
])
def test_ignore_comment_above_instruction(comment):
    text = f"{comment}\nFROM a:latest\nFROM b:latest\n"
    assert codes(engine().check_text(text, "D")) == [("TS001", 3, 8)]


def test_ignore_comment_covers_every_line_of_the_instruction_and_a_comment_run():
    text = ("# hadolint ignore=TS003\n# explains why\nCMD run \\\n  it\n\n# hadolint ignore=TS003\n\n"
            "CMD again\n")
    # the blank line breaks the second comment from its instruction
    assert codes(engine().check_text(text, "D")) == [("TS003", 8, 1)]


@pytest.mark.parametrize("comment", ["# hadolint global ignore=DL3007", "# dockwise: global ignore=TS001"])
def test_global_ignore_anywhere(comment):
    text = f"FROM a:latest\nCMD run\n{comment}\nFROM b:latest\n"
    assert codes(engine().check_text(text, "D")) == [("TS003", 2, 1)]


def test_buildkit_check_directive_skip_and_error():
    text = "# check=skip=JSONArgsRecommended\nFROM a:latest\nCMD run\n"
    assert codes(engine().check_text(text, "D")) == [("TS001", 2, 8)]
    text = "# check=skip=all\nFROM a:latest\nCMD run\n"
    assert codes(engine().check_text(text, "D")) == [("TS001", 2, 8)]  # only BuildKit checks skipped
    report = engine().check_text("# check=error=true\nFROM a:latest\nCMD run\n", "D")
    severities = {f.code: f.severity for f in report.findings}
    assert severities == {"TS001": Severity.WARNING, "TS003": Severity.ERROR}


def test_hadolint_config_ignored_and_override():
    config = LintConfig(ignored=("DL3007",), overrides={"JSONArgsRecommended": Severity.ERROR},
                        failure_threshold=Severity.ERROR)
    report = engine().check_text("FROM a:latest\nCMD run\n", "D", config=config)
    assert [(f.code, f.severity) for f in report.findings] == [("TS003", Severity.ERROR)]
    assert report.fail_level is Severity.ERROR


def test_disable_ignore_pragma():
    config = LintConfig(disable_ignore_pragma=True)
    report = engine().check_text("# hadolint ignore=TS001\nFROM a:latest\n", "D", config=config)
    assert codes(report) == [("TS001", 2, 8)]


# -- the fixer -------------------------------------------------------------------------------

def fix(tmp_path, text, *rules, **options):
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    options.setdefault("fix", True)
    report = engine(*rules, **options).check_path(str(path))
    return report, path.read_text()


def test_fix_applies_safe_fixes_and_reports_what_remains(tmp_path):
    report, text = fix(tmp_path, "FROM a:latest\nFROM b:latest AS c\nCMD run it\n")
    assert text == "FROM a:1.0\nFROM b:1.0 AS c\nCMD run it\n"
    assert report.fixed == 2
    assert codes(report) == [("TS003", 3, 1)]  # unsafe: left alone


def test_unsafe_fixes_too(tmp_path):
    report, text = fix(tmp_path, "FROM a:latest\nCMD run it\n", unsafe_fixes=True)
    assert text == 'FROM a:1.0\nCMD ["run", "it"]\n'
    assert report.findings == [] and report.fixed == 2


def test_diff_writes_nothing(tmp_path):
    report, text = fix(tmp_path, "FROM a:latest\n", fix=False, diff=True)
    assert text == "FROM a:latest\n"
    assert "-FROM a:latest\n+FROM a:1.0\n" in report.diff
    assert report.diff.startswith("--- a/")


def test_fix_that_breaks_the_parse_is_discarded(tmp_path):
    report, text = fix(tmp_path, "FROM a:latest\nENV A=1\n", LatestTag, BreaksEnv)
    # proposed in the same round: the good fix is kept, the breaking one dropped (once)
    assert text == "FROM a:1.0\nENV A=1\n"
    assert report.fixed == 1
    assert len(report.notes) == 1
    assert "fix discarded for TS004 (drop value): the result would not parse" in report.notes[0]
    assert codes(report) == [("TS004", 2, 1)]


def test_suppressed_findings_are_not_fixed(tmp_path):
    report, text = fix(tmp_path, "# hadolint ignore=TS001\nFROM a:latest\nFROM b:latest\n")
    assert text == "# hadolint ignore=TS001\nFROM a:latest\nFROM b:1.0\n"
    assert report.fixed == 1 and report.findings == []


def test_fix_keeps_crlf_and_file_mode(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM a:latest\r\nRUN x\r\n")
    path.chmod(0o640)
    engine(fix=True).check_path(str(path))
    assert path.read_bytes() == b"FROM a:1.0\r\nRUN x\r\n"
    assert path.stat().st_mode & 0o777 == 0o640


# -- reading files ---------------------------------------------------------------------------

@pytest.mark.parametrize("data,message", [
    (b"FROM a\n\x00\x01", "binary file"),
    (b"FROM a\n\xff\xfe", "not valid UTF-8"),
])
def test_bad_bytes_are_one_clear_error(tmp_path, data, message):
    path = tmp_path / "Dockerfile"
    path.write_bytes(data)
    report = engine().check_path(str(path))
    assert len(report.errors) == 1 and message in report.errors[0]
    assert report.errors[0].startswith(str(path))


def test_unreadable_file(tmp_path):
    report = engine().check_path(str(tmp_path / "missing"))
    assert report.errors == [f"{tmp_path / 'missing'}: error: no such file"]


def test_a_crashing_rule_does_not_block_other_fixes(tmp_path):
    report, text = fix(tmp_path, "FROM a:latest\n", Crashes, LatestTag)
    assert text == "FROM a:1.0\n"
    assert report.fixed == 1 and len(report.errors) == 1 and "TS002" in report.errors[0]


def test_stage_ignore_covers_the_following_stage_only():
    text = "FROM a:latest\n# hadolint stage ignore=TS001,TS003\nFROM b:latest\nCMD run\nFROM c:latest\n"
    assert codes(engine().check_text(text, "D")) == [("TS001", 1, 8), ("TS001", 5, 8)]


def test_pragma_with_a_name_that_is_no_rule_is_invalid_as_a_whole():
    text = "# hadolint ignore=crazy,TS001\nFROM a:latest\n"
    assert codes(engine().check_text(text, "D")) == [("TS001", 2, 8)]
    # an unknown but code-shaped name is fine (a rule dockwise does not have)
    text = "# hadolint ignore=DL3999, TS001 # because\nFROM a:latest\n"
    assert codes(engine().check_text(text, "D")) == []
    text = "# hadolint global ignore = TS001 , TS003\nFROM a:latest\nCMD x\n"
    assert codes(engine().check_text(text, "D")) == []
