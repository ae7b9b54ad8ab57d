"""dockwise's own configuration (``[tool.dockwise]`` / ``.dockwise.toml``): each key changes what
``check``, ``context`` and ``image`` report; precedence (command line > dockwise config >
``.hadolint.yaml``); where the file is found; one clear error (file, line, key) for a bad one."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from dockwise.cli import main
from dockwise.project_config import clear_caches
from tests.support.image_kit import file, layer_tar, whiteout, write_oci_layout

DOCKERFILE = "FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD python app.py\n"


@pytest.fixture(autouse=True)
def _fresh_configs():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository (``.git`` bounds the search for config files) with a Dockerfile; the
    working directory is its root."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path, text: str) -> None:
    """Write a file; the configs read so far are forgotten (each CLI run is a new process)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    clear_caches()


def pyproject(root, body: str) -> None:
    write(root / "pyproject.toml", "[project]\nname = \"app\"\n\n[tool.dockwise]\n" + textwrap.dedent(body))


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    """(exit code, the JSON document, stderr) of one command."""
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def check(capsys, *argv: str) -> tuple[int, dict, str]:
    return run(capsys, "check", "--no-context", *argv)


def codes(document: dict, file: str | None = None) -> set[str]:
    return {f["code"] for f in document["findings"] if file is None or f["file"] == file}


def severities(document: dict) -> dict[str, str]:
    return {f["code"]: f["severity"] for f in document["findings"]}


# -- dockwise check: every key ------------------------------------------------------------------

def test_without_a_config_the_defaults_apply(repo, capsys):
    code, doc, _ = check(capsys)
    assert code == 1 and {"DL3006", "DL3008", "DL3025"} <= codes(doc)


def test_select_keeps_only_the_named_rules(repo, capsys):
    pyproject(repo, 'select = ["DL3006", "DL30"]\n')
    _, doc, _ = check(capsys)
    assert codes(doc) and all(c.startswith("DL30") for c in codes(doc))
    assert "DW501" not in codes(doc)


def test_extend_select_turns_on_a_rule_that_is_off_by_default(repo, capsys):
    (repo / "Dockerfile").write_text("FROM debian:12.8\nRUN echo $1\n")
    _, before, _ = check(capsys)
    pyproject(repo, 'extend-select = ["DW050"]\n')
    _, after, _ = check(capsys)
    assert "DW050" not in codes(before) and "DW050" in codes(after)
    assert codes(before) <= codes(after)  # the rules on by default still run


def test_ignore_drops_a_rule(repo, capsys):
    pyproject(repo, 'ignore = ["DL3008", "no-healthcheck"]\n')
    _, doc, _ = check(capsys)
    assert "DL3008" not in codes(doc) and "DW901" not in codes(doc) and "DL3006" in codes(doc)


def test_severity_changes_a_rules_level(repo, capsys):
    pyproject(repo, '[tool.dockwise.severity]\nDL3006 = "info"\nDL3025 = "error"\n')
    _, doc, _ = check(capsys)
    assert severities(doc)["DL3006"] == "info" and severities(doc)["DL3025"] == "error"


def test_per_file_ignores_apply_to_the_files_their_glob_names(repo, capsys):
    write(repo / "services" / "api" / "Dockerfile", DOCKERFILE)
    pyproject(repo, '[tool.dockwise.per-file-ignores]\n"services/*/Dockerfile" = ["DL3006"]\n'
                    '"*.dev.Dockerfile" = ["ALL"]\n')
    write(repo / "tools" / "app.dev.Dockerfile", DOCKERFILE)
    _, doc, _ = check(capsys, ".")
    assert "DL3006" in codes(doc, "Dockerfile")
    assert "DL3006" not in codes(doc, "services/api/Dockerfile") and "DL3008" in codes(doc, "services/api/Dockerfile")
    assert codes(doc, "tools/app.dev.Dockerfile") == set()


def test_exclude_skips_files_found_or_named(repo, capsys):
    write(repo / "vendor" / "lib" / "Dockerfile", DOCKERFILE)
    write(repo / "old.Dockerfile", DOCKERFILE)
    pyproject(repo, 'exclude = ["vendor", "old.*"]\n')
    _, doc, _ = check(capsys, ".")
    assert doc["files"] == ["Dockerfile"]
    code, doc, _ = check(capsys, "old.Dockerfile")  # pre-commit names files: still excluded
    assert code == 0 and doc["files"] == []


@pytest.mark.parametrize("level,expected", [("error", 0), ("warning", 1), ("none", 0)])
def test_fail_level_sets_the_exit_code(repo, capsys, level, expected):
    pyproject(repo, f'fail-level = "{level}"\n')
    code, doc, _ = check(capsys)
    assert code == expected and doc["findings"]  # the findings are still reported


def test_trusted_registries_turn_on_dl3026(repo, capsys):
    _, before, _ = check(capsys)
    pyproject(repo, 'trusted-registries = ["ghcr.io"]\n')
    _, after, _ = check(capsys)
    assert "DL3026" not in codes(before) and "DL3026" in codes(after)


def test_required_labels_and_strict_labels(repo, capsys):
    (repo / "Dockerfile").write_text('FROM debian:12.8\nLABEL maintainer="a@b.c" '
                                     'org.opencontainers.image.version="not-semver"\n')
    pyproject(repo, '[tool.dockwise.required-labels]\n"org.opencontainers.image.version" = "semver"\n'
                    '"org.opencontainers.image.source" = "url"\n')
    _, doc, _ = check(capsys)
    assert "DL3049" in codes(doc)  # the source label is missing
    assert "DL3050" not in codes(doc)  # maintainer is outside the schema, but not strict
    pyproject(repo, 'strict-labels = true\n[tool.dockwise.required-labels]\n'
                    '"org.opencontainers.image.version" = "semver"\n')
    clear_caches()
    _, doc, _ = check(capsys)
    assert "DL3050" in codes(doc)


def test_large_file_size_is_the_context_threshold_of_check(repo, capsys):
    (repo / "dump.sql").write_bytes(b"x" * 5000)
    code, before, _ = run(capsys, "check", "Dockerfile")
    pyproject(repo, 'large-file-size = "4kB"\n')
    _, after, _ = run(capsys, "check", "Dockerfile")
    assert "DC008" not in codes(before) and "DC008" in codes(after)


# -- where it is found, and what wins -----------------------------------------------------------

def test_nearest_config_wins_and_dockwise_toml_comes_before_pyproject(repo, capsys):
    write(repo / "svc" / "Dockerfile", DOCKERFILE)
    pyproject(repo, 'ignore = ["DL3006"]\n')
    write(repo / "svc" / ".dockwise.toml", 'ignore = ["DL3008"]\n')
    write(repo / "svc" / "pyproject.toml", '[tool.dockwise]\nignore = ["DL3025"]\n')
    _, doc, _ = check(capsys, ".")
    assert "DL3006" not in codes(doc, "Dockerfile")
    assert {"DL3006", "DL3025"} <= codes(doc, "svc/Dockerfile") and "DL3008" not in codes(doc, "svc/Dockerfile")


def test_pyproject_without_a_dockwise_table_is_passed_over(repo, capsys):
    write(repo / "svc" / "Dockerfile", DOCKERFILE)
    write(repo / "svc" / "pyproject.toml", '[project]\nname = "svc"\ndependencies = ["dockwise"]\n')
    pyproject(repo, 'ignore = ["DL3006"]\n')
    _, doc, _ = check(capsys, "svc/Dockerfile")
    assert "DL3006" not in codes(doc)


def test_search_stops_at_the_repository_root(tmp_path, monkeypatch, capsys):
    write(tmp_path / ".dockwise.toml", 'ignore = ["DL3006"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path / "repo" / "Dockerfile", DOCKERFILE)
    monkeypatch.chdir(tmp_path / "repo")
    _, doc, _ = check(capsys)
    assert "DL3006" in codes(doc)


def test_config_option_names_the_file_and_isolated_ignores_every_file(repo, tmp_path_factory, capsys):
    other = tmp_path_factory.mktemp("elsewhere") / "team.toml"
    write(other, 'ignore = ["DL3008"]\n')
    pyproject(repo, 'ignore = ["DL3006"]\n')
    write(repo / ".hadolint.yaml", "ignored: [DL3025]\n")
    _, doc, _ = check(capsys, "--config", str(other))
    assert "DL3008" not in codes(doc) and "DL3006" in codes(doc)
    assert "DL3025" not in codes(doc)  # .hadolint.yaml still applies with --config
    _, doc, _ = check(capsys, "--isolated")
    assert {"DL3006", "DL3008", "DL3025"} <= codes(doc)
    code, _, err = check(capsys, "--isolated", "--config", str(other))
    assert code == 2 and "--isolated" in err


def test_command_line_beats_dockwise_config_beats_hadolint(repo, capsys):
    write(repo / ".hadolint.yaml", "override:\n  error: [DL3006]\nfailure-threshold: style\n")
    pyproject(repo, 'select = ["DL3006"]\nfail-level = "error"\n[tool.dockwise.severity]\nDL3006 = "info"\n')
    code, doc, _ = check(capsys)
    assert severities(doc) == {"DL3006": "info"} and code == 0  # the dockwise file over hadolint's
    code, doc, _ = check(capsys, "--select", "DL3008", "--fail-level", "info")
    assert codes(doc) == {"DL3008"} and code == 1  # the command line over both


def test_no_config_leaves_the_dockwise_config_on(repo, capsys):
    write(repo / ".hadolint.yaml", "ignored: [DL3025]\n")
    pyproject(repo, 'ignore = ["DL3006"]\n')
    _, doc, _ = check(capsys, "--no-config")
    assert "DL3025" in codes(doc) and "DL3006" not in codes(doc)


# -- bad files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body,line,words", [
    ('selct = ["DL3006"]\n', 5, ["[tool.dockwise] selct", "unknown key"]),
    ('ignore = "DL3006"\n', 5, ["[tool.dockwise] ignore", "list"]),
    ('\nfail-level = "eror"\n', 6, ["fail-level", "'eror'"]),
    ('[tool.dockwise.severity]\nDL3006 = "fatal"\n', 6, ["severity.DL3006", "'fatal'"]),
    ('select = [\n  "DL3006",\n  "NOPE1",\n]\n', 5, ["select", "unknown rule 'NOPE1'"]),
    ('large-file-size = "ten"\n', 5, ["large-file-size", "not a size"]),
    ('strict-labels = "yes"\n', 5, ["strict-labels", "true or false"]),
    ('[tool.dockwise.required-labels]\nversion = "number"\n', 6, ["required-labels.version", "semver"]),
    ('trusted-registries = ["ghcr.io/org"]\n', 5, ["trusted-registries", "registry host"]),
    ('[tool.dockwise.per-file-ignores]\n"a/*" = ["DL3006", "bogus-rule"]\n', 6, ['per-file-ignores."a/*"', "bogus-rule"]),
    ("select = [\n", 5, ["not valid TOML"]),
    ('ignore = ["DL3006" "DL3008"]\n', 5, ["not valid TOML"]),
])
def test_a_bad_config_is_one_error_with_file_line_and_key(repo, capsys, body, line, words):
    write(repo / "svc" / "Dockerfile", DOCKERFILE)
    pyproject(repo, body)
    code, _, err = check(capsys, ".")
    assert code == 2
    errors = [e for e in err.splitlines() if "error" in e]
    assert len(errors) == 1, err  # two Dockerfiles, one broken config: one line
    assert errors[0].startswith(f"pyproject.toml:{line}: error: ")
    for word in words:
        assert word in errors[0]
    assert "Traceback" not in err


def test_dockwise_toml_errors_name_its_keys_without_a_table(repo, capsys):
    write(repo / ".dockwise.toml", 'ignore = ["DL3006"]\n\n[severity]\nDL3006 = 3\n')
    code, _, err = check(capsys)
    assert code == 2 and ".dockwise.toml:4: error: severity.DL3006: must be one of" in err


def test_a_rule_of_another_command_is_not_an_error(repo, capsys):
    pyproject(repo, 'ignore = ["DI001", "image-contains-secrets", "DL3099", "SC2086"]\n')
    code, doc, _ = check(capsys)
    assert code == 1 and "DL3006" in codes(doc)


def test_context_and_image_refuse_a_bad_config(repo, capsys, tmp_path):
    pyproject(repo, 'fail-level = 3\n')
    assert main(["context", "."]) == 2
    layout = write_oci_layout(repo / "img", [layer_tar(file("app/x", 10))])
    assert main(["image", str(layout)]) == 2
    err = capsys.readouterr().err
    assert err.count("dockwise: error: pyproject.toml:5: [tool.dockwise] fail-level: must be one of") == 2


# -- dockwise context ---------------------------------------------------------------------------

@pytest.fixture
def context_repo(repo):
    (repo / ".env").write_text("API_TOKEN=abcdef0123456789\n")
    (repo / "dump.sql").write_bytes(b"x" * 5000)
    return repo


def test_context_select_ignore_and_severity(context_repo, capsys):
    _, before, _ = run(capsys, "context", ".")
    assert {"DC001", "DC003"} <= codes(before)
    pyproject(context_repo, 'select = ["DC003", "DL3006"]\n[tool.dockwise.severity]\nDC003 = "info"\n')
    _, after, _ = run(capsys, "context", ".")
    assert codes(after) == {"DC003"} and severities(after)["DC003"] == "info"
    pyproject(context_repo, 'ignore = ["DC003"]\n')
    _, after, _ = run(capsys, "context", ".")
    assert "DC003" not in codes(after) and "DC001" in codes(after)


def test_context_per_file_ignores_name_the_dockerfile(context_repo, capsys):
    pyproject(context_repo, '[tool.dockwise.per-file-ignores]\nDockerfile = ["DC003"]\n')
    _, doc, _ = run(capsys, "context", ".")
    assert "DC003" not in codes(doc) and "DC001" in codes(doc)


def test_context_fail_level_and_large_file_size(context_repo, capsys):
    code, before, _ = run(capsys, "context", ".")
    assert code == 1 and "DC008" not in codes(before)
    pyproject(context_repo, 'fail-level = "none"\nlarge-file-size = "4kB"\n')
    code, after, _ = run(capsys, "context", ".")
    assert code == 0 and "DC008" in codes(after)
    code, _, _ = run(capsys, "context", ".", "--fail-level", "warning", "--large", "1MB")
    assert code == 1


# -- dockwise image -----------------------------------------------------------------------------

@pytest.fixture
def image(repo):
    """An image with a secret (DI007, error), no USER (DI001) and 3000 bytes hidden by a later
    layer (DI006 from a 1kB threshold); 3000+ bytes in all."""
    tars = [layer_tar(file("app/.env", b"TOKEN=abc123secret\n"), file("app/big.bin", 3000)),
            layer_tar(whiteout("app/big.bin"))]
    return str(write_oci_layout(repo / "img", tars))


def test_image_select_ignore_severity_and_fail_level(repo, image, capsys):
    code, before, _ = run(capsys, "image", image)
    assert code == 1 and {"DI001", "DI007"} <= codes(before)
    pyproject(repo, 'ignore = ["DI007"]\n[tool.dockwise.severity]\nDI001 = "info"\n')
    code, after, _ = run(capsys, "image", image)
    assert "DI007" not in codes(after) and severities(after)["DI001"] == "info" and code == 0
    pyproject(repo, 'select = ["DI007"]\nfail-level = "none"\n')
    clear_caches()
    code, after, _ = run(capsys, "image", image)
    assert codes(after) == {"DI007"} and code == 0


def test_image_max_size_and_hidden_threshold(repo, image, capsys):
    code, before, _ = run(capsys, "image", image)
    assert "DI010" not in codes(before) and "DI006" not in codes(before)
    pyproject(repo, 'max-image-size = "1kB"\nhidden-threshold = "1kB"\n')
    code, after, _ = run(capsys, "image", image)
    assert {"DI010", "DI006"} <= codes(after) and code == 1
    code, again, _ = run(capsys, "image", image, "--max-size", "1GB", "--hidden-threshold", "1MB")
    assert "DI010" not in codes(again) and "DI006" not in codes(again)


def test_image_per_file_ignores_name_the_dockerfile(repo, image, capsys):
    write(repo / "build" / "Dockerfile", "FROM scratch\nCOPY app /app\nRUN rm /app/big.bin\n")
    pyproject(repo, '[tool.dockwise.per-file-ignores]\n"build/Dockerfile" = ["DI007"]\n')
    _, doc, _ = run(capsys, "image", image, "--dockerfile", os.path.join("build", "Dockerfile"))
    assert "DI007" not in codes(doc) and "DI001" in codes(doc)
    _, doc, _ = run(capsys, "image", image)  # without the Dockerfile no file is named
    assert "DI007" in codes(doc)


def test_a_config_naming_image_rules_does_not_load_them_into_check(repo):
    """One file serves every command; `dockwise check` stays off the image package (start-up)
    however many DI codes the file names, and reads the TOML only because the file exists."""
    import subprocess
    import sys

    pyproject(repo, 'ignore = ["DI001", "DI0", "DL3008"]\n[tool.dockwise.severity]\nDI007 = "info"\n')
    probe = ("import sys; from dockwise.cli import main; code = main(['check', '--no-context']); "
             "print(code, sorted(m for m in sys.modules if m.startswith('dockwise.image')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "1 []", result.stderr


def test_config_option_takes_a_pyproject_and_refuses_a_missing_file(repo, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("shared")
    pyproject(elsewhere, 'select = ["DL3006"]\n')
    _, doc, _ = check(capsys, "--config", str(elsewhere / "pyproject.toml"))
    assert codes(doc) == {"DL3006"}
    code, _, err = check(capsys, "--config", str(elsewhere / "missing.toml"))
    assert code == 2 and "missing.toml: error: no such config file (--config)" in err


def test_exclude_and_per_file_globs_are_relative_to_the_config_file(repo, capsys):
    write(repo / "a" / "b" / "Dockerfile", DOCKERFILE)
    write(repo / "b" / "Dockerfile", DOCKERFILE)
    write(repo / "a" / ".dockwise.toml", 'exclude = ["b/Dockerfile"]\n')
    pyproject(repo, 'exclude = ["a/b/Dockerfile"]\n')  # not the config of a/b: a/.dockwise.toml is nearer
    _, doc, _ = check(capsys, ".")
    assert sorted(doc["files"]) == ["Dockerfile", "b/Dockerfile"]


def test_stdin_takes_the_config_of_the_working_directory(repo, capsys, monkeypatch):
    import io
    import sys

    pyproject(repo, 'ignore = ["DL3006"]\n')
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": io.BytesIO(DOCKERFILE.encode())})())
    _, doc, _ = check(capsys, "-")
    assert "DL3006" not in codes(doc) and "DL3008" in codes(doc)


def test_api_functions_take_config_and_isolated(repo, tmp_path_factory):
    import dockwise

    pyproject(repo, 'ignore = ["DL3006"]\n')
    other = tmp_path_factory.mktemp("team") / ".dockwise.toml"
    write(other, 'ignore = ["DL3008"]\n')
    assert "DL3006" not in codes(dockwise.check_paths(".", context=False).to_dict())
    assert "DL3006" in codes(dockwise.check_paths(".", context=False, isolated=True).to_dict())
    with_other = codes(dockwise.check_paths(".", context=False, config=str(other)).to_dict())
    assert "DL3006" in with_other and "DL3008" not in with_other
