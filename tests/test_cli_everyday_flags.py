"""The everyday flags of `dockwise check` (and of `context` and `image` where they apply):
--exclude, --exit-zero, --statistics, --quiet, --concise, --show-fixes, -o on every command,
and a .dockerignore named on the command line (as pre-commit names changed files)."""

from __future__ import annotations

import json
import re

import pytest

from dockwise.cli import main
from dockwise.discovery import discover, is_dockerfile_name

BAD = "FROM python:latest\nRUN apt-get update && apt-get install -y curl\nCMD python app.py\n"
CLEAN = 'FROM scratch\nCOPY app /app\nUSER 10001\nHEALTHCHECK NONE\nCMD ["/app"]\n'


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for rel, text in {"Dockerfile": BAD, "svc/api.Dockerfile": BAD, "vendor/lib/Dockerfile": BAD,
                      "svc/legacy/Dockerfile.old": BAD, "clean/Dockerfile": CLEAN}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def checked_files(capsys, *args) -> list[str]:
    code, out, _ = run(capsys, "check", "--format", "json", "--no-context", *args)
    return json.loads(out)["files"]


@pytest.mark.parametrize("globs,left", [
    (["vendor"], ["Dockerfile", "clean/Dockerfile", "svc/api.Dockerfile", "svc/legacy/Dockerfile.old"]),
    (["*.old", "api.*"], ["Dockerfile", "clean/Dockerfile", "vendor/lib/Dockerfile"]),
    (["svc/legacy/*"], ["Dockerfile", "clean/Dockerfile", "svc/api.Dockerfile", "vendor/lib/Dockerfile"]),
    (["./svc/"], ["Dockerfile", "clean/Dockerfile", "vendor/lib/Dockerfile"]),
    (["Vendor"], ["Dockerfile", "clean/Dockerfile", "svc/api.Dockerfile", "svc/legacy/Dockerfile.old",
                  "vendor/lib/Dockerfile"]),  # case matters
])
def test_exclude_leaves_out_matching_paths(tree, capsys, globs, left):
    args = [a for g in globs for a in ("--exclude", g)]
    assert sorted(checked_files(capsys, *args)) == left


def test_exclude_applies_to_named_files_and_an_all_excluded_run_is_clean(tree, capsys):
    assert checked_files(capsys, "Dockerfile", "vendor/lib/Dockerfile", "--exclude", "vendor") == ["Dockerfile"]
    code, out, err = run(capsys, "check", "vendor", "--exclude", "vendor")
    assert (code, err) == (0, "") and "No findings in 0 files" in out


def test_exit_zero_keeps_findings_but_not_errors(tree, capsys):
    code, out, _ = run(capsys, "check", "Dockerfile", "--exit-zero")
    assert code == 0 and "DL3007" in out
    assert run(capsys, "check", "Dockerfile", "missing", "--exit-zero")[0] == 2
    assert run(capsys, "context", ".", "--exit-zero")[0] == 0


def test_concise_is_one_line_per_finding(tree, capsys):
    count = len(json.loads(run(capsys, "check", "Dockerfile", "--format", "json")[1])["findings"])
    code, out, _ = run(capsys, "check", "Dockerfile", "--concise", "--quiet")
    lines = out.splitlines()
    assert code == 1 and len(lines) == count
    assert all(re.fullmatch(r"\S+(:\d+:\d+)?: [A-Z]{2}\d{3,4} \[(error|warning|info|style)\] .+", ln)
               for ln in lines)
    assert "|" not in out  # no source frame


def test_quiet_prints_findings_only(tree, capsys):
    code, out, _ = run(capsys, "check", "Dockerfile", "--quiet")
    assert code == 1 and "DL3007" in out and "findings (" not in out
    assert run(capsys, "check", "clean/Dockerfile", "--quiet", "--no-context") == (0, "", "")


def test_statistics_counts_each_rule(tree, capsys):
    findings = json.loads(run(capsys, "check", ".", "--format", "json")[1])["findings"]
    expected = {}
    for f in findings:
        expected[f["code"]] = expected.get(f["code"], 0) + 1
    code, out, _ = run(capsys, "check", ".", "--statistics", "--format", "json")
    rows = json.loads(out)
    assert code == 1 and {r["code"]: r["count"] for r in rows} == expected
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    code, out, _ = run(capsys, "check", ".", "--statistics")
    table = {m.group(2): int(m.group(1)) for m in re.finditer(r"^\s+(\d+)  (\S+)\s+\[", out, re.M)}
    assert table == expected and out.rstrip().splitlines()[-1].startswith(f"{len(findings)} findings")
    code, _, err = run(capsys, "check", ".", "--statistics", "--format", "sarif")
    assert code == 2 and "--statistics" in err


def test_show_fixes_prints_the_lines_a_fix_changes(tree, capsys):
    code, out, _ = run(capsys, "check", "Dockerfile", "--show-fixes", "--no-context")
    block = out.split("DL3025")[1]
    assert "= fix (unsafe: needs --unsafe-fixes): " in block
    assert "- CMD python app.py" in block and '+ CMD ["python", "app.py"]' in block
    assert "= fix" not in run(capsys, "check", "Dockerfile", "--no-context")[1]


def test_output_file_for_every_command(tree, capsys):
    for args in (["rules"], ["explain", "DL3008"], ["dump", "Dockerfile"], ["check", "Dockerfile"],
                 ["context", "."]):
        target = tree / f"{args[0]}.out"
        code, out, _ = run(capsys, *args, "-o", str(target))
        assert out == "" and target.read_text().strip(), args
    assert "DL3008" in (tree / "explain.out").read_text()
    assert run(capsys, "rules", "--output-format", "json", "-o", "rules.json")[0] == 0
    assert {r["code"] for r in json.loads((tree / "rules.json").read_text())} >= {"DL3008", "DC001", "DI001"}
    assert run(capsys, "dump", "Dockerfile", "-o", "Dockerfile")[0] == 2  # never over its input
    assert (tree / "Dockerfile").read_text() == BAD


def test_a_named_dockerignore_stands_for_the_dockerfiles_it_applies_to(tree):
    (tree / ".dockerignore").write_text("vendor\n")
    (tree / "svc" / "api.Dockerfile.dockerignore").write_text("*.log\n")
    (tree / "clean" / "notes.dockerignore").write_text("x\n")
    assert discover([".dockerignore"]).files == ["Dockerfile"]
    assert discover(["svc/api.Dockerfile.dockerignore", "svc/api.Dockerfile"]).files == ["svc/api.Dockerfile"]
    assert discover(["clean/notes.dockerignore"]).files == []  # no Dockerfile of that name
    assert not is_dockerfile_name("Dockerfile.dockerignore")
    assert "svc/api.Dockerfile.dockerignore" not in discover(["svc"]).files


def test_show_fixes_with_fix_lists_what_was_fixed_per_file(tree, capsys):
    (tree / "svc" / "api.Dockerfile").write_text("FROM python:3.12-slim\nRUN pip install flask==3.0.0\n")
    code, out, err = run(capsys, "check", "Dockerfile", "svc/api.Dockerfile", "--fix", "--show-fixes",
                         "--no-context")
    assert "Fixed 2 findings:" in err
    assert "  Dockerfile: 1 × DL3015 (apt-get-install-recommends)" in err
    assert "  svc/api.Dockerfile: 1 × DL3042 (pip-install-without-no-cache-dir)" in err
    assert "DL3025" not in err  # an unsafe fix, not applied without --unsafe-fixes
    assert "--no-cache-dir" in (tree / "svc" / "api.Dockerfile").read_text()
    code, out, err = run(capsys, "check", "svc/api.Dockerfile", "--fix", "--show-fixes", "--no-context")
    assert "No fixes applied." in err


def test_image_and_context_take_the_everyday_flags(tmp_path, capsys, monkeypatch):
    from tests.support.image_kit import file as image_file
    from tests.support.image_kit import layer_tar, write_oci_layout

    write_oci_layout(tmp_path / "img", [layer_tar(image_file("app/.env", b"TOKEN=abc123secret\n"))])
    monkeypatch.chdir(tmp_path)
    findings = json.loads(run(capsys, "image", "img", "--format", "json")[1])["findings"]
    code, out, _ = run(capsys, "image", "img", "--quiet", "--concise", "--exit-zero")
    assert code == 0 and len(out.splitlines()) == len(findings) and "DI007" in out
    rows = json.loads(run(capsys, "image", "img", "--statistics", "--format", "json")[1])
    assert sum(r["count"] for r in rows) == len(findings)
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / ".env").write_text("TOKEN=abc\n")
    code, out, _ = run(capsys, "context", "ctx", "--quiet", "--concise")
    assert code == 1 and out.splitlines() and all(line.startswith("ctx/.dockerignore: DC") for line in out.splitlines())
