"""ShellCheck over RUN scripts: batching, dialects, header handling and position mapping."""

from __future__ import annotations

import subprocess

import pytest

from dockwise.errors import DockwiseError
from dockwise.model.shell import parse_shell
from dockwise.model.shellcheck import ShellCheckError, ShellCheckInput, check_scripts
from dockwise.syntax import parser


def codes(findings):
    return sorted({f.code for f in findings})


def test_reports_unquoted_variable_with_script_positions():
    script = parse_shell("set -e\nrm -rf $TARGET/*")
    found = [f for f in check_scripts([script]) if f.code == "SC2086"]
    assert len(found) == 1
    f = found[0]
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 8, 2, 15)
    assert f.level == "info" and "quote" in f.message.lower()
    assert f.wiki_url.endswith("/SC2086")


def test_spans_are_mapped_through_span_of():
    text = "echo ok && \\\n  cp $SRC /dst"
    script = parse_shell(text, span_of=lambda i, j: (i, j))
    (f,) = [f for f in check_scripts([script]) if f.code == "SC2086"]
    start, end = f.span
    assert text[start:end] == "$SRC"


def test_dialect_comes_from_the_shell():
    sh = parse_shell("[[ -f /etc/os-release ]] && echo yes")
    bash = parse_shell("[[ -f /etc/os-release ]] && echo yes", shell=["/bin/bash", "-o", "pipefail", "-c"])
    found = check_scripts([sh, bash])
    assert {f.item for f in found if f.code == "SC3010"} == {0}


def test_env_names_count_as_assigned():
    script = parse_shell('echo "$app_home" "$unknown_dir"')
    found = check_scripts([ShellCheckInput(script, env=["app_home"])])
    unassigned = [f.message for f in found if f.code == "SC2154"]
    assert len(unassigned) == 1 and "unknown_dir" in unassigned[0]
    assert all(f.line == 1 for f in found)  # the header lines we add never show


def test_many_scripts_one_process(monkeypatch):
    calls = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):
        calls.append(args)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    scripts = [parse_shell(f"cd /src{i}\nmake") for i in range(40)]
    found = check_scripts(scripts)
    assert len(calls) == 1
    assert sorted({f.item for f in found if f.code == "SC2164"}) == list(range(40))


def test_non_posix_exec_and_empty_scripts_are_skipped(monkeypatch):
    ps = parse_shell("Remove-Item $x", shell=["powershell", "-Command"])
    empty = parse_shell("   ")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("shellcheck should not run"))
    assert check_scripts([ps, empty]) == []


def test_exclude_and_severity():
    script = parse_shell("cd /x\necho $y")
    assert "SC2164" in codes(check_scripts([script]))
    assert "SC2164" not in codes(check_scripts([script], exclude=["SC2164"]))
    assert codes(check_scripts([script], severity="warning")) and \
        "SC2086" not in codes(check_scripts([script], severity="warning"))


def test_clean_script_has_no_findings():
    assert check_scripts([parse_shell('set -eu\napt-get update && apt-get install -y --no-install-recommends "curl"')]) == []


def test_missing_binary_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))  # none beside it either
    with pytest.raises(ShellCheckError) as err:
        check_scripts([parse_shell("echo $x")])
    assert isinstance(err.value, DockwiseError) and err.value.exit_code == 2
    assert "shellcheck" in str(err.value)


def test_unrunnable_binary_is_a_clear_error(tmp_path):
    with pytest.raises(ShellCheckError):
        check_scripts([parse_shell("echo $x")], binary=str(tmp_path / "nope"))


def test_check_target_uses_shell_and_variables_in_scope():
    from dockwise.model import build_model
    from dockwise.model.shellcheck import check_target
    from dockwise.rules.base import CheckTarget

    source = ("FROM debian\nARG app_dir=/app\nENV data_dir=/data\n"
              "RUN cd \"$app_dir\" && echo \"$data_dir\" \"$missing_var\"\n"
              'SHELL ["/bin/bash", "-c"]\nRUN [[ -f /x ]] && echo ok\n'
              'RUN ["sh", "-c", "echo $1"]\nONBUILD RUN echo $1\n')
    dockerfile = parser.parse(source)
    found = check_target(CheckTarget("Dockerfile", dockerfile, build_model(dockerfile)))
    got = [(instr.line, f.code, f.span.start.line, f.span.start.column) for instr, f in found]
    assert got == [(4, "SC2154", 4, 40), (8, "SC2086", 8, 18)]
    assert source.splitlines()[3][39:51] == "$missing_var"


def test_suggested_fixes_become_file_edits():
    from dockwise.model.shell import parse_run

    source = "FROM alpine\nRUN mkdir -p /x && \\\n    cp $SRC /x/\n"
    (run,) = [i for i in parser.parse(source).instructions if i.keyword == "RUN"]
    (f,) = [f for f in check_scripts([parse_run(run)]) if f.code == "SC2086"]
    assert f.edits
    fixed = source
    for edit in sorted(f.edits, key=lambda e: e.start, reverse=True):
        fixed = fixed[:edit.start] + edit.replacement + fixed[edit.end:]
    assert fixed == 'FROM alpine\nRUN mkdir -p /x && \\\n    cp "$SRC" /x/\n'


def test_plain_scripts_have_no_edits():
    (f,) = [f for f in check_scripts([parse_shell("cp $SRC /x/")]) if f.code == "SC2086"]
    assert f.span is None and f.edits == ()


@pytest.mark.corpus
def test_corpus_findings_and_edits_stay_inside_their_run():
    import random

    from tests.conftest import corpus_dir

    from dockwise.model.shell import parse_run

    files = sorted(p for p in corpus_dir("real").rglob("*") if p.is_file() and p.suffix not in (".md", ".json"))
    runs = []
    for path in random.Random(7).sample(files, 150):
        try:
            runs.extend(i for i in parser.parse(path.read_text(encoding="utf-8")).instructions
                        if i.keyword == "RUN")
        except (UnicodeDecodeError, DockwiseError):
            continue
    found = check_scripts([parse_run(r) for r in runs])
    assert found
    for f in found:
        run = runs[f.item]
        assert run.span.start.offset <= f.span.start.offset <= f.span.end.offset <= run.span.end.offset
        for edit in f.edits:
            assert run.span.start.offset <= edit.start <= edit.end <= run.span.end.offset


def _check_source(source):
    from dockwise.model import build_model
    from dockwise.model.shellcheck import check_target
    from dockwise.rules.base import CheckTarget

    dockerfile = parser.parse(source)
    return check_target(CheckTarget("Dockerfile", dockerfile, build_model(dockerfile)))


def test_proxy_args_are_predefined_and_near_misses_are_caught():
    assert _check_source('FROM alpine\nRUN echo "$http_proxy" "$NO_PROXY"\n') == []
    found = _check_source('FROM alpine\nRUN echo "$RTTP_PROXY"\n')
    assert [f.code for _, f in found] == ["SC2153"]


def test_hadolint_shell_pragma():
    source = ("# hadolint shell=powershell.exe\nFROM mcr.microsoft.com/windows/servercore\n"
              "RUN Get-Variable PSVersionTable | Select-Object -ExpandProperty $Value\n")
    assert _check_source(source) == []
    in_stage = ("FROM mcr.microsoft.com/windows/servercore\n# hadolint shell = pwsh\n"
                "RUN Write-Host $x\nFROM debian\nRUN echo $x\n")
    assert [instr.line for instr, _ in _check_source(in_stage)] == [5, 5]  # the pragma ends with its stage


def test_onbuild_run_sees_env_but_not_arg():
    source = 'FROM alpine\nARG arg_only=1\nENV env_too=1\nONBUILD RUN echo "$arg_only" "$env_too"\n'
    found = _check_source(source)
    assert [(f.code, "arg_only" in f.message) for _, f in found] == [("SC2154", True)]


@pytest.mark.corpus
def test_hadolint_shellcheck_cases():
    import json

    from tests.conftest import corpus_dir

    cases = [json.loads(line) for line in (corpus_dir("hadolint-cases") / "cases.jsonl").read_text().splitlines()]
    cases = [c for c in cases if c["rule"] == "shellcheck" and not c["onbuild"]]
    assert len(cases) > 15
    for case in cases:
        found = _check_source(case["dockerfile"])
        if case["expect"] == "fires":
            assert found, case["it"]
        else:
            assert found == [], (case["it"], [(f.code, f.message) for _, f in found])


def _fake_shellcheck(tmp_path, body):
    fake = tmp_path / "fake-shellcheck"
    fake.write_text("#!/bin/sh\n" + body + "\n")
    fake.chmod(0o755)
    return str(fake)


@pytest.mark.parametrize("body, words", [
    ("echo 'not json'; exit 1", "unreadable output"),
    ("echo 'shellcheck: boom' >&2; exit 3", "exit 3"),
])
def test_broken_shellcheck_output_is_a_clear_error(tmp_path, body, words):
    with pytest.raises(ShellCheckError) as err:
        check_scripts([parse_shell("echo $x")], binary=_fake_shellcheck(tmp_path, body))
    assert words in str(err.value)


def test_hanging_shellcheck_times_out(tmp_path, monkeypatch):
    import dockwise.model.shellcheck as sc

    monkeypatch.setattr(sc, "_TIMEOUT", 0.5)
    with pytest.raises(ShellCheckError) as err:
        check_scripts([parse_shell("echo $x")], binary=_fake_shellcheck(tmp_path, "sleep 10"))
    assert "did not finish" in str(err.value)
