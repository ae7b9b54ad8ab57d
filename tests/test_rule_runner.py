"""One rule runner for `check`, `context` and `image`: a rule that crashes is one error line
(exit 2) while every other rule still runs; `--select`/`--ignore`/`-o` work alike in all three;
a build context is read once per directory per run, however many Dockerfiles share it."""

from __future__ import annotations

import json

import pytest

from dockwise.catalog import all_rules
from dockwise.cli import main
from tests.support.context import make_tree
from tests.support.image_kit import config_for, file, layer_tar, write_oci_layout

DOCKERFILE = "FROM debian:12.5\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n"


def rule_class(code: str) -> type:
    return next(r for r in all_rules() if r.info.code == code)


def crash(monkeypatch, code: str) -> str:
    """Make rule ``code`` raise; the error line it must become."""
    def broken(self, target):
        raise ZeroDivisionError("boom")

    cls = rule_class(code)
    monkeypatch.setattr(cls, "check", broken)
    return f"internal error in rule {code} ({cls.info.name}): ZeroDivisionError: boom"


def internal_errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if "internal error" in line]


@pytest.fixture
def project(tmp_path):
    """A build context with a Dockerfile, a secret, a heavy directory and no .dockerignore."""
    return make_tree(tmp_path / "ctx", {"Dockerfile": DOCKERFILE, ".env": "PASSWORD=hunter2\n",
                                        "node_modules/x.js": "x" * 2048, "app.py": "print()\n"})


def image(tmp_path):
    """An image that runs as root (DI001) and ships a private key (DI007)."""
    tars = [layer_tar(file("root/.ssh/id_ed25519", 100), file("app/main.py", 10))]
    return str(write_oci_layout(tmp_path / "img", tars, config=config_for(tars, User="", Cmd=["python"])))


def json_codes(text: str) -> set[str]:
    return {f["code"] for f in json.loads(text)["findings"]}


# -- a crashing rule -------------------------------------------------------------------------

def test_check_reports_a_crashing_rule_as_one_line(project, monkeypatch, capsys):
    line = crash(monkeypatch, "DL3008")
    assert main(["check", "--format", "json", str(project / "Dockerfile")]) == 2
    out, err = capsys.readouterr()
    assert len(internal_errors(err)) == 1 and line in err and "Traceback" not in err
    codes = json_codes(out)
    assert "DL3008" not in codes and {"DL3009", "DC001", "DC003"} <= codes  # the others still ran


def test_check_reports_a_crashing_context_rule_as_one_line(project, monkeypatch, capsys):
    line = crash(monkeypatch, "DC003")
    assert main(["check", "--format", "json", str(project / "Dockerfile")]) == 2
    out, err = capsys.readouterr()
    assert internal_errors(err) == [f"{project / 'Dockerfile'}: error: {line}"]
    assert {"DL3008", "DC001"} <= json_codes(out)  # the other context rules still ran


def test_context_reports_a_crashing_rule_as_one_line(project, monkeypatch, capsys):
    line = crash(monkeypatch, "DC001")
    assert main(["context", "--format", "json", str(project)]) == 2
    out, err = capsys.readouterr()
    assert len(internal_errors(err)) == 1 and line in err and "Traceback" not in err
    doc = json.loads(out)
    assert "DC003" in {f["code"] for f in doc["findings"]} and line in doc["errors"][0]


def test_image_reports_a_crashing_rule_as_one_line(tmp_path, monkeypatch, capsys):
    line = crash(monkeypatch, "DI001")
    assert main(["image", image(tmp_path), "--format", "json", "--no-progress"]) == 2
    out, err = capsys.readouterr()
    assert len(internal_errors(err)) == 1 and line in err and "Traceback" not in err
    doc = json.loads(out)
    assert "DI007" in json_codes(out) and line in doc["errors"][0]


def test_image_text_report_still_shows_the_other_findings(tmp_path, monkeypatch, capsys):
    line = crash(monkeypatch, "DI007")
    assert main(["image", image(tmp_path), "--no-progress"]) == 2
    out, err = capsys.readouterr()
    assert line in err and "DI001" in out


# -- --select / --ignore / -o ----------------------------------------------------------------

def test_context_select_and_ignore(project, capsys):
    assert main(["context", "--format", "json", "--select", "DC003", str(project)]) == 1
    assert json_codes(capsys.readouterr().out) == {"DC003"}
    main(["context", "--format", "json", "--ignore", "DC001,secret-in-build-context", str(project)])
    codes = json_codes(capsys.readouterr().out)
    assert codes and not codes & {"DC001", "DC003"}


def test_context_unknown_rule_is_a_usage_error(project, capsys):
    assert main(["context", "--select", "DC999", str(project)]) == 2
    assert "unknown rule 'DC999'" in capsys.readouterr().err


def test_context_output_file(project, tmp_path, capsys):
    report = tmp_path / "context.sarif"
    assert main(["context", "--format", "sarif", "-o", str(report), str(project)]) == 1
    assert capsys.readouterr().out == ""
    results = json.loads(report.read_text())["runs"][0]["results"]
    assert {"DC001", "DC003"} <= {r["ruleId"] for r in results}
    text_report = tmp_path / "context.txt"
    assert main(["context", "-o", str(text_report), str(project)]) == 1
    assert capsys.readouterr().out == "" and "DC003" in text_report.read_text()


def test_context_output_never_replaces_the_dockerfile(project, capsys):
    assert main(["context", "-o", str(project / "Dockerfile"), str(project)]) == 2
    assert "names the Dockerfile" in capsys.readouterr().err
    assert (project / "Dockerfile").read_text() == DOCKERFILE


def test_image_select_and_ignore(tmp_path, capsys):
    layout = image(tmp_path)
    assert main(["image", layout, "--format", "json", "--select", "DI007", "--no-progress"]) == 1
    assert json_codes(capsys.readouterr().out) == {"DI007"}
    main(["image", layout, "--format", "json", "--ignore", "DI007", "--no-progress"])
    codes = json_codes(capsys.readouterr().out)
    assert "DI001" in codes and "DI007" not in codes
    assert main(["image", layout, "--select", "DL3008", "--no-progress"]) == 2  # not an image rule
    assert "unknown rule 'DL3008'" in capsys.readouterr().err


def test_image_output_file(tmp_path, capsys):
    report = tmp_path / "image.json"
    assert main(["image", image(tmp_path), "--format", "json", "-o", str(report), "--no-progress"]) == 1
    assert capsys.readouterr().out == "" and "DI007" in json_codes(report.read_text())


# -- one read of a context per run -----------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_context_is_read_once_for_every_dockerfile_of_a_directory(tmp_path, monkeypatch, capsys, jobs):
    import dockwise.context.analyze as analyze

    files = {f"svc{i}.Dockerfile": DOCKERFILE for i in range(10)}
    project = make_tree(tmp_path / f"many{jobs}", {**files, ".env": "PASSWORD=hunter2\n"})
    reads = tmp_path / "reads"
    real = analyze.secrets

    def counted(scan):
        with open(reads, "a") as fh:  # appended to by whichever process reads the context
            fh.write("read\n")
        return real(scan)

    monkeypatch.setattr(analyze, "secrets", counted)
    assert main(["check", "--format", "json", "--jobs", jobs, str(project)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["files"]) == 10
    assert [f["code"] for f in doc["findings"]].count("DC003") == 1  # reported once per run
    assert reads.read_text().count("read") == 1


@pytest.mark.parametrize("comment,reported", [("", True), ("# dockwise: ignore=DI007\n", False)])
def test_image_findings_answer_to_the_dockerfiles_suppression_comments(tmp_path, capsys, comment, reported):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM alpine\n{comment}COPY key /root/.ssh/id_ed25519\nUSER 10001\n")
    tars = [layer_tar(file("bin/sh", 10)), layer_tar(file("root/.ssh/id_ed25519", 100))]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:x in /"},
               {"created_by": "COPY key /root/.ssh/id_ed25519 # buildkit"}]
    layout = write_oci_layout(tmp_path / "l", tars, config=config_for(tars, history=history, User="10001"))
    main(["image", str(layout), "--dockerfile", str(dockerfile), "--format", "json", "--no-progress"])
    found = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["code"] == "DI007"]
    assert bool(found) == reported
    if reported:
        assert (found[0]["file"], found[0]["line"]) == (str(dockerfile), 2)
