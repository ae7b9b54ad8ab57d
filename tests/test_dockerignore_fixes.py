"""The .dockerignore plan is fix edits on the DC findings: `dockwise check` proposes them and
`dockwise context --write-dockerignore` writes exactly those edits."""

from __future__ import annotations

import json

import pytest

from dockwise.cli import main
from dockwise.context.fixer import dockerignore_plan, literal_pattern
from dockwise.context.patterns import compile_pattern
from dockwise.engine.context import check_context
from dockwise.fix.edits import apply_edits
from tests.support.context import context_target, make_tree, run_context

BIG = b"x" * 11_000_000


def fixes_of(findings):
    return [(f.code, f.fix) for f in findings if f.fix is not None]


def test_each_dc_finding_carries_the_lines_for_its_path(tmp_path):
    make_tree(tmp_path, {".dockerignore": "*.md\n", "node_modules/m.js": "x", ".env": "A=b\n",
                         "id_rsa": "-----BEGIN RSA PRIVATE KEY-----\n", "dump.zip": BIG,
                         "Dockerfile": "FROM a\nCOPY . /app\n"})
    target = context_target(str(tmp_path), str(tmp_path / "Dockerfile"))
    findings = check_context(target)
    by_code = {}
    for code, fix in fixes_of(findings):
        by_code.setdefault(code, []).append(fix.edits[0].replacement)
    assert by_code["DC002"] == ["\n# Added by dockwise context --write-dockerignore\n**/node_modules\n"]
    assert sorted(by_code["DC003"]) == ["**/.env\n", "id_rsa\n"]
    assert by_code["DC008"] == ["dump.zip\n"]
    end = len("*.md\n")
    assert all(f.fix.edits[0].start == end for f in findings if f.fix is not None)


def test_write_dockerignore_writes_the_findings_edits(tmp_path):
    make_tree(tmp_path, {".dockerignore": "*.md", "node_modules/m.js": "x", "sub/.env": "A=b\n",
                         ".aws/credentials": "aws_secret_access_key = abc\n", "app.log": BIG,
                         "Dockerfile": "FROM a\nCOPY . /app\n"})
    target = context_target(str(tmp_path), str(tmp_path / "Dockerfile"))
    plan = dockerignore_plan(target)
    fixes = plan.in_order([f.fix for f in check_context(target) if f.fix is not None])
    expected = apply_edits("*.md", [e for fix in fixes for e in fix.edits])
    assert run_context("--write-dockerignore", str(tmp_path)).returncode == 0
    assert (tmp_path / ".dockerignore").read_text() == expected
    assert expected.startswith("*.md\n\n# Added by dockwise context --write-dockerignore\n")
    # every finding the lines were for is gone; nothing is left to fix
    after = json.loads(run_context(str(tmp_path), "--format", "json").stdout)["findings"]
    assert not [f for f in after if f["code"] in ("DC002", "DC003", "DC008")]


def test_without_a_dockerignore_dc001_creates_it_with_every_line(tmp_path):
    make_tree(tmp_path, {".git/HEAD": "x", ".env": "A=b\n", "Dockerfile": "FROM a\n"})
    findings = check_context(context_target(str(tmp_path), str(tmp_path / "Dockerfile")))
    assert [code for code, _ in fixes_of(findings)] == ["DC001"]
    dc001 = next(f for f in findings if f.code == "DC001")
    assert dc001.fix.edits[0].replacement == ("# Added by dockwise context --write-dockerignore\n"
                                             ".git\n**/.env\n")


def test_check_reports_the_dc_fixes(tmp_path, capsys):
    make_tree(tmp_path, {".dockerignore": "", "node_modules/m.js": "x", "Dockerfile": "FROM a\n"})
    main(["check", str(tmp_path / "Dockerfile"), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    dc002 = next(f for f in doc["findings"] if f["code"] == "DC002")
    assert dc002["fixable"] is True


@pytest.mark.parametrize("name", ["a\nb.zip", "a[b.zip", "#x.zip", "!x.zip", " lead.zip", "star*.zip",
                                  "back\\slash.zip", "q?.zip"])
def test_a_literal_pattern_matches_its_name(name):
    assert compile_pattern(literal_pattern(name)).match(name)


def test_a_name_with_a_newline_gets_a_line_that_matches_it(tmp_path):
    """A file name holding a newline was written as two lines, neither matching it."""
    make_tree(tmp_path, {"a\nb.zip": BIG, "Dockerfile": "FROM a\n"})
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / ".dockerignore").read_text().splitlines()
    assert lines == ["# Added by dockwise context --write-dockerignore", "a?b.zip"]
    again = run_context(str(tmp_path), "--format", "json", text=True)
    assert again.returncode == 0, again.stdout  # nothing left: not DC004, not DC008
    assert json.loads(again.stdout)["findings"] == []


def test_a_name_no_line_can_match_alone_is_left_out_with_a_note(tmp_path):
    make_tree(tmp_path, {"a\nb.zip": BIG, "aXb.zip": "small", "Dockerfile": "FROM a\nCOPY aXb.zip /\n"})
    proc = run_context("--write-dockerignore", str(tmp_path), text=True)
    assert proc.returncode == 0, proc.stderr
    assert "not added: a?b.zip" in proc.stdout
    assert not (tmp_path / ".dockerignore").exists()


def test_context_text_names_its_own_way_to_apply_the_fixes(tmp_path):
    make_tree(tmp_path, {".env": "A=b\n", "Dockerfile": "FROM a\n"})
    out = run_context(str(tmp_path), text=True).stdout
    assert out.rstrip().endswith("1 fixable with --write-dockerignore.")


# --- `dockwise check --fix` applies the DC fixes it counts as fixable ---------------------

def run_check(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "dockwise", "check", *args], capture_output=True,
                          text=True, cwd=cwd)


def git_and_env(tmp_path, **more):
    return make_tree(tmp_path, {".git/HEAD": "ref: refs/heads/main\n", ".git/objects/pack": BIG,
                                ".env": "API_KEY=abc\n", "src/app.py": "print(1)\n",
                                "Dockerfile": "FROM python:3.12\nCOPY src /app\n", **more})


def test_check_fix_writes_the_dockerignore_lines_and_a_second_fix_changes_nothing(tmp_path):
    git_and_env(tmp_path)
    first = run_check("--fix", ".", cwd=tmp_path)
    assert (tmp_path / ".dockerignore").read_text() == (
        "# Added by dockwise context --write-dockerignore\n.git\n**/.env\n")
    assert "Fixed 2 findings." in first.stdout  # DC001, and DC003 (the .env now excluded)
    assert "DC001" not in first.stdout and "DC003" not in first.stdout
    assert (tmp_path / "Dockerfile").read_text() == "FROM python:3.12\nCOPY src /app\n"
    second = run_check("--fix", ".", cwd=tmp_path)
    assert "Fixed" not in second.stdout
    assert (tmp_path / ".dockerignore").read_text() == (
        "# Added by dockwise context --write-dockerignore\n.git\n**/.env\n")


def test_check_fix_writes_what_write_dockerignore_writes(tmp_path):
    for name in ("a", "b"):
        make_tree(tmp_path / name, {".dockerignore": "*.md", "node_modules/m.js": "x", "sub/.env": "A=b\n",
                                    "app.log": BIG, "Dockerfile": "FROM a\nCOPY . /app\n"})
    assert run_check("--fix", "Dockerfile", cwd=tmp_path / "a").returncode in (0, 1)
    assert run_context("--write-dockerignore", str(tmp_path / "b")).returncode == 0
    written = (tmp_path / "a" / ".dockerignore").read_text()
    assert written == (tmp_path / "b" / ".dockerignore").read_text()
    assert written.startswith("*.md\n\n# Added by dockwise context --write-dockerignore\n**/node_modules\n")


def test_check_diff_shows_the_dockerignore_hunk_and_writes_nothing(tmp_path):
    git_and_env(tmp_path, **{"Dockerfile": "FROM python:3.12\nCOPY src /app\nRUN apt-get install -y curl\n"})
    proc = run_check("--diff", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert "--- a/.dockerignore\n+++ b/.dockerignore\n@@ -0,0 +1,3 @@\n" in proc.stdout
    assert "+.git\n+**/.env\n" in proc.stdout
    assert "+RUN apt-get install --no-install-recommends -y curl\n" in proc.stdout
    assert "in 2 files." in proc.stderr
    assert not (tmp_path / ".dockerignore").exists()
    assert "--no-install-recommends" not in (tmp_path / "Dockerfile").read_text()


def test_a_line_one_dockerfile_of_the_context_needs_is_neither_written_nor_fixable(tmp_path):
    """Dockerfile.dev copies .env: the .env line Dockerfile's plan proposes would break its
    build, so check --fix leaves it out for both, and does not call that finding fixable."""
    make_tree(tmp_path, {".dockerignore": "*.md\n", "node_modules/m.js": "x", ".env": "A=b\n",
                         "Dockerfile": "FROM alpine:3.20\nCOPY . /app\n",
                         "Dockerfile.dev": "FROM alpine:3.20\nCOPY .env /app/\n"})
    doc = json.loads(run_check("--format", "json", ".", cwd=tmp_path).stdout)
    fixable = {f["code"]: f["fixable"] for f in doc["findings"] if f["file"] == ".dockerignore"}
    assert fixable == {"DC002": True, "DC003": False}
    run_check("--fix", ".", cwd=tmp_path)
    assert (tmp_path / ".dockerignore").read_text() == (
        "*.md\n\n# Added by dockwise context --write-dockerignore\n**/node_modules\n")


def test_write_dockerignore_applies_the_fixes_of_the_findings_it_reports(tmp_path):
    """--write-dockerignore writes the fixes of the findings `dockwise context` reports: a rule
    left out with --ignore (or suppressed in the Dockerfile) adds no line."""
    make_tree(tmp_path, {".dockerignore": "*.md\n", "node_modules/m.js": "x", ".env": "A=b\n",
                         "Dockerfile": "FROM a\n"})
    proc = run_context("--write-dockerignore", "--ignore", "DC003", str(tmp_path), text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / ".dockerignore").read_text() == (
        "*.md\n\n# Added by dockwise context --write-dockerignore\n**/node_modules\n")
    assert "+ **/.env" not in proc.stdout
