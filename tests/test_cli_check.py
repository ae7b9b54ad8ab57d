"""`dockwise check` as a user runs it: exit codes, output formats, bad input, --fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dockwise.engine.selection import RuleIndex
from dockwise.cli import main
from tests.test_engine import BreaksEnv, Crashes, LatestTag, ShellFormCmd

TEST_RULES = (LatestTag, ShellFormCmd)


@pytest.fixture
def own_rules(monkeypatch):
    """Run the CLI with the test rules instead of the catalogue."""
    def use(*rules):
        rules = rules or TEST_RULES
        monkeypatch.setattr("dockwise.engine.dockerfile.dockerfile_rules", lambda: tuple(rules))
        monkeypatch.setattr("dockwise.engine.dockerfile.catalogue_index",
                            lambda: RuleIndex(r.info for r in rules))
    use()
    return use


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def write(rel, text, mode="w"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return path
    return write


def run(capsys, *argv):
    code = main(["check", "--no-context", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes_follow_the_fail_level(own_rules, project, capsys):
    project("Dockerfile", "FROM a:latest\nCMD run\n")  # one warning, one info
    assert run(capsys, "Dockerfile")[0] == 1
    assert run(capsys, "--fail-level", "error")[0] == 0
    assert run(capsys, "--fail-level", "none")[0] == 0
    project("Dockerfile", "FROM a:1\nCMD run\n")  # info only
    assert run(capsys)[0] == 0
    assert run(capsys, "--fail-level", "info")[0] == 1
    project("Dockerfile", 'FROM a:1\nCMD ["run"]\n')
    code, out, err = run(capsys)
    assert (code, out, err) == (0, "No findings in 1 file.\n", "")


def test_text_output(own_rules, project, capsys):
    project("svc/Dockerfile", "FROM a:latest\n")
    code, out, err = run(capsys, "svc")
    assert code == 1
    assert out.splitlines()[0] == "svc/Dockerfile:1:8: TS001 [warning] `latest` moves"
    assert "1 | FROM a:latest" in out and "  |        ^^^^^^" in out
    assert out.endswith("1 finding (1 warning) in 1 file; 1 fixable with --fix.\n")
    assert "\033[" not in out


def test_force_color(own_rules, project, capsys, monkeypatch):
    project("Dockerfile", "FROM a:latest\n")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\033[" in run(capsys)[1]


def test_bad_inputs_each_get_one_line_and_the_rest_is_checked(own_rules, project, capsys):
    project("good/Dockerfile", "FROM a:latest\n")
    project("bin/Dockerfile", b"\x7fELF\x00\x00")
    project("latin1/Dockerfile", b"FROM caf\xe9\n")
    project("empty/Dockerfile", "")
    project("broken/Dockerfile", "FROM a\nENV PATH\n")
    project("nothing/readme.txt", "hi")
    code, out, err = run(capsys, "good", "bin", "latin1", "empty", "broken", "nothing", "missing")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 6, err
    assert lines[0].startswith("nothing: error: no Dockerfile found")
    assert lines[1] == "missing: error: no such file or directory"
    assert lines[2].startswith("bin/Dockerfile: error: binary file")
    assert lines[3].startswith("latin1/Dockerfile: error: not valid UTF-8")
    assert lines[4].startswith("empty/Dockerfile") and lines[4].endswith("error: file with no instructions")
    assert lines[5].startswith("broken/Dockerfile:2:")
    assert "good/Dockerfile:1:8: TS001" in out


def test_crashing_rule_exits_2_but_reports_the_rest(own_rules, project, capsys):
    own_rules(Crashes, LatestTag)
    project("Dockerfile", "FROM a:latest\n")
    code, out, err = run(capsys)
    assert code == 2
    assert err == ("Dockerfile: error: internal error in rule TS002 (test-crash): RuntimeError: rule bug\n")
    assert "TS001" in out


def test_stdin(own_rules, project, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"FROM a:latest\n")))
    code, out, _ = run(capsys, "-", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["files"] == ["<stdin>"]
    assert [(f["file"], f["line"], f["column"]) for f in doc["findings"]] == [("<stdin>", 1, 8)]


def test_json_and_output_file(own_rules, project, capsys):
    project("Dockerfile", "FROM a:latest\nCMD run\n")
    code, out, err = run(capsys, "--format", "json", "--output", "report.json")
    assert (code, out, err) == (1, "", "")
    with open("report.json") as fh:
        doc = json.load(fh)
    assert [f["code"] for f in doc["findings"]] == ["TS001", "TS003"]
    assert doc["findings"][1]["aliases"] == ["buildkit:JSONArgsRecommended"]
    assert doc["findings"][1]["fixable"] is True


def test_sarif_and_github(own_rules, project, capsys):
    project("Dockerfile", "FROM a:latest\n")
    code, out, _ = run(capsys, "--format", "sarif")
    doc = json.loads(out)
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]]  # the catalogue
    assert doc["runs"][0]["results"][0]["ruleId"] == "TS001"
    code, out, _ = run(capsys, "--format", "github")
    assert out == ("::warning file=Dockerfile,line=1,col=8,endLine=1,endColumn=14,"
                   "title=TS001::`latest` moves\n")


def test_select_ignore_and_unknown_codes(own_rules, project, capsys):
    project("Dockerfile", "FROM a:latest\nCMD run\n")
    code, out, _ = run(capsys, "--format", "json", "--select", "JSONArgsRecommended")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["TS003"]
    code, out, _ = run(capsys, "--format", "json", "--ignore", "TS", "--ignore", "DL3057")
    assert json.loads(out)["findings"] == [] and code == 0
    code = main(["check", "--select", "nonsense"])
    err = capsys.readouterr().err
    assert code == 2 and "--select: unknown rule 'nonsense'" in err


def test_hadolint_config_is_honoured(own_rules, project, capsys):
    project(".git/HEAD", "")
    project(".hadolint.yaml", "ignored: [TS001]\nfailure-threshold: info\n")
    project("svc/Dockerfile", "FROM a:latest\nCMD run\n")
    code, out, _ = run(capsys, "--format", "json", "svc")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["TS003"]
    assert code == 1  # info fails under failure-threshold: info
    assert run(capsys, "svc", "--fail-level", "warning")[0] == 0  # the command line wins
    code, out, _ = run(capsys, "--format", "json", "--no-config", "svc")
    assert len(json.loads(out)["findings"]) == 2


def test_many_files_in_parallel_match_one_process(own_rules, project, capsys):
    for i in range(10):
        project(f"s{i}/Dockerfile", f"FROM a{i}:latest\nCMD run {i}\n")
    project("s3/Dockerfile", "")  # an error in one file of the pool
    one = run(capsys, "--jobs", "1", "--format", "json")
    two = run(capsys, "--jobs", "2", "--format", "json")
    assert one == two
    assert one[0] == 2 and len(json.loads(one[1])["findings"]) == 18


def test_fix_and_diff(own_rules, project, capsys):
    path = project("Dockerfile", "FROM a:latest\nCMD run it\n")
    code, out, err = run(capsys, "--diff")
    assert code == 1 and path.read_text() == "FROM a:latest\nCMD run it\n"
    assert "-FROM a:latest\n+FROM a:1.0\n" in out
    assert err == "Would fix 1 finding in 1 file.\n"
    code, out, err = run(capsys, "--fix")
    assert path.read_text() == "FROM a:1.0\nCMD run it\n"
    assert out.endswith("Fixed 1 finding. 1 finding (1 info) in 1 file; 1 more with --fix --unsafe-fixes.\n")
    assert code == 0
    run(capsys, "--fix", "--unsafe-fixes")
    assert path.read_text() == 'FROM a:1.0\nCMD ["run", "it"]\n'


def test_fix_that_breaks_parse_is_reported(own_rules, project, capsys):
    own_rules(BreaksEnv)
    path = project("Dockerfile", "FROM a\nENV A=1\n")
    code, out, err = run(capsys, "--fix")
    assert path.read_text() == "FROM a\nENV A=1\n"
    assert "fix discarded for TS004" in err and code == 1


def test_unsafe_fixes_needs_fix(own_rules, project, capsys):
    assert main(["check", "--unsafe-fixes"]) == 2
    assert "--unsafe-fixes needs --fix or --diff" in capsys.readouterr().err


# -- end to end, with the real rules and a real subprocess ------------------------------------

def dockwise(*argv, cwd=None, stdin=None):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "dockwise", *argv], capture_output=True, text=True,
                          cwd=cwd, input=stdin, env=env)


@pytest.mark.parametrize("content", [b"\x00\x01\x02", b"\xff\xfe\xfa", b"", b"FROM a\nENV PATH\n"])
def test_bad_input_never_a_traceback(tmp_path, content):
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    result = dockwise("check", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(str(path))


def test_usage_errors_exit_2(tmp_path):
    result = dockwise("check", "--jobs", "0", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = dockwise("check", "--bogus")
    assert result.returncode == 2


def test_real_rules_fix_end_to_end(tmp_path):
    from dockwise.catalog import rule_infos

    fixable = {i.code for i in rule_infos() if i.fixable}
    assert "DL3015" in fixable
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt-get update && apt-get install -y curl=8.0\n")
    before = json.loads(dockwise("check", "--no-context", "--format", "json", str(path)).stdout)
    assert "DL3015" in {f["code"] for f in before["findings"]}
    result = dockwise("check", "--no-context", "--fix", "--select", "DL3015", str(path))
    assert result.returncode in (0, 1), result.stderr
    assert "--no-install-recommends" in path.read_text()
    after = json.loads(dockwise("check", "--no-context", "--format", "json", str(path)).stdout)
    assert "DL3015" not in {f["code"] for f in after["findings"]}


def test_context_rules_run_unless_no_context(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text('FROM alpine:3.19\nCOPY . /app\nUSER 1000\nCMD ["/app/run"]\n')
    (tmp_path / "svc" / ".env").write_text("API_TOKEN=abc123\n")
    with_context = json.loads(dockwise("check", "--format", "json", "svc", cwd=tmp_path).stdout)
    context_codes = [f for f in with_context["findings"] if f["code"].startswith("DC")]
    assert context_codes  # the .env in the context
    assert all(f["file"].startswith("svc/") for f in context_codes)
    without = json.loads(dockwise("check", "--no-context", "--format", "json", "svc", cwd=tmp_path).stdout)
    assert not [f for f in without["findings"] if f["code"].startswith("DC")]


def test_fix_from_stdin_prints_the_fixed_file(own_rules, project, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"FROM a:latest\nCMD run\n")))
    code, out, err = run(capsys, "--fix", "-")
    assert out == "FROM a:1.0\nCMD run\n"
    assert "Fixed 1 finding." in err and "<stdin>:2:1: TS003" in err
    assert code == 0


def test_broken_hadolint_config_is_one_error_line(own_rules, project, capsys):
    project(".git/HEAD", "")
    project(".hadolint.yaml", "ignored: DL3008\n")
    project("Dockerfile", "FROM a:latest\n")
    code, out, err = run(capsys)
    assert code == 2
    assert len(err.splitlines()) == 1
    assert err.endswith(".hadolint.yaml: error: hadolint config: 'ignored' must be a list of rule codes\n")


def test_real_rules_two_fixes_at_one_point_take_two_rounds(tmp_path):
    from dockwise.catalog import rule_infos

    fixable = {i.code for i in rule_infos() if i.fixable}
    assert {"DL3014", "DL3015"} <= fixable
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt-get update && apt-get install curl=8.0\n")
    result = dockwise("check", "--no-context", "--fix", "--select", "DL3014,DL3015", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Fixed 2 findings.")
    line = path.read_text().splitlines()[1]
    assert "--no-install-recommends" in line and " -y " in line


def test_sarif_of_the_real_catalogue_validates(tmp_path, sarif_schema):
    import jsonschema

    from tests.conftest import ROOT

    result = dockwise("check", "--format", "sarif", str(ROOT / "examples" / "python-service"))
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, sarif_schema)
    driver = doc["runs"][0]["tool"]["driver"]
    assert len(driver["rules"]) == len({r["id"] for r in driver["rules"]})
    assert doc["runs"][0]["results"], "the bad example has findings"


def test_no_process_pool_falls_back_to_one_process(own_rules, project, capsys, monkeypatch):
    import concurrent.futures

    def refuse(*args, **kwargs):
        raise OSError(38, "Function not implemented")  # what a sandbox without /dev/shm says

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    for i in range(9):
        project(f"s{i}/Dockerfile", "FROM a:latest\n")
    code, out, _ = run(capsys, "--jobs", "2", "--format", "json")
    assert code == 1 and len(json.loads(out)["findings"]) == 9


def test_fix_of_a_read_only_file_is_one_error_and_others_are_fixed(own_rules, project, capsys):
    locked = project("a/Dockerfile", "FROM a:latest\n")
    other = project("b/Dockerfile", "FROM b:latest\n")
    locked.chmod(0o444)
    code, out, err = run(capsys, "--fix", "a", "b")
    assert code == 2
    assert err.startswith("a/Dockerfile: error: fixes not written: is read-only")
    assert len(err.splitlines()) == 1
    assert locked.read_text() == "FROM a:latest\n"
    assert other.read_text() == "FROM b:1.0\n"
    assert "a/Dockerfile:1:8: TS001" in out  # what the unchanged file still has


def test_progress_bar_for_several_files_on_a_terminal_only(tmp_path, capsys, monkeypatch):
    import io
    import sys

    from dockwise.commands import _progress

    for n in range(3):
        (tmp_path / f"Dockerfile.{n}").write_text("FROM debian:12.8\nRUN true\n")
    main(["check", str(tmp_path), "--format", "json", "--no-context"])
    plain = capsys.readouterr().out

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(_progress, "SHOW_AFTER_SECONDS", 0.0)  # as if the files took a while
    main(["check", str(tmp_path), "--format", "json", "--no-context"])
    assert capsys.readouterr().out == plain
    assert "checking Dockerfiles" in terminal.getvalue()
    terminal.truncate(0)
    main(["check", str(tmp_path), "--format", "json", "--no-context", "--no-progress"])
    assert "checking Dockerfiles" not in terminal.getvalue()
