"""A hostile or mistaken .hadolint.yaml (it comes with the repository being checked) is one
line naming the file and what is wrong, exit 2 -- never a traceback, a hang or a silent guess."""

from __future__ import annotations

import pytest

from dockwise.cli import main
from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures

# Nine levels of nine aliases: tiny on disk, 9**9 nodes if anything walks or prints it.
YAML_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi"))


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19.1\nUSER 1000\n")
    return tmp_path


@pytest.mark.parametrize("text, message", [
    ("a: " + "[" * 50000 + "\n", "not valid YAML (nested too deeply)"),
    (YAML_BOMB + "no-fail: *i\n", "'no-fail' must be true or false (unquoted), not a list"),
    (YAML_BOMB + "label-schema: {x: *i}\n", "'label-schema.x' must be one of text"),
    (YAML_BOMB + "failure-threshold: *i\n", "'failure-threshold' must be one of"),
    (YAML_BOMB + "ignored: *i\n", "'ignored' must be a list of rule codes"),
    ("no-fail: false\nignored: [DL3008]\nno-fail: true\n",
     "key 'no-fail' is given twice (line 3)"),
    ("override:\n  error: [DL3008]\n  bogus: [DL3009]\n", "'override' has no level 'bogus'"),
    ("failure-threshold: " + "x" * 5000 + "\n", "unknown failure-threshold 'xxxx"),
])
def test_a_bad_hadolint_config_is_one_line_naming_the_file(repo, capsys, text, message):
    (repo / ".hadolint.yaml").write_text(text)
    code = main(["check", "--no-context", "Dockerfile"])
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, captured.out
    assert message in err and ".hadolint.yaml" in err, err
    assert err.count("\n") <= 2 and len(err) < 400 and "Traceback" not in err  # short, no dump


def test_anchors_and_aliases_used_sensibly_still_work(repo, capsys):
    (repo / ".hadolint.yaml").write_text(
        "codes: &noisy [DL3008, DW101]\nignored: *noisy\n")
    code = main(["check", "--no-context", "--select", "DL3008,DW101", "Dockerfile"])
    assert code == 0, capsys.readouterr()


# -- .hadolint.yaml values of the wrong type ---------------------------------------------------

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


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
