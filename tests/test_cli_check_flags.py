"""`dockwise check --build-arg/--target/--trusted-registry/--require-label`: each flag changes
what a user sees, merges with .hadolint.yaml as documented, survives --jobs, and a bad value is
one line and exit 2."""

from __future__ import annotations

import json
import pickle

import pytest

from dockwise.commands.check import build_args, required_labels, trusted_registries
from dockwise.config import LABEL_TYPES
from dockwise.engine.dockerfile import CheckOptions
from dockwise.engine.selection import Selection
from dockwise.cli import main


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository in tmp_path (its .git stops the .hadolint.yaml search) as the cwd."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / ".git").mkdir()

    def write(rel, text):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path
    return write


def check(capsys, *argv):
    """(exit code, findings as (code, file, line), stderr lines) of a JSON run."""
    code = main(["check", "--no-context", "--format", "json", *argv])
    out, err = capsys.readouterr()
    findings = [(f["code"], f["file"], f["line"]) for f in json.loads(out)["findings"]] if out else []
    return code, findings, err.splitlines()


def codes(findings, code):
    return [(file, line) for c, file, line in findings if c == code]


def usage_error(capsys, *argv):
    """A bad option value: exit 2, nothing on stdout, one line on stderr, no traceback."""
    code = main(["check", "--no-context", *argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


# -- --build-arg --------------------------------------------------------------------------

ARG_BASE = "ARG BASE\nFROM ${BASE}\nUSER 10001\nCMD [\"app\"]\n"


def test_build_arg_resolves_from_and_fires_at_it(project, capsys):
    project("Dockerfile", ARG_BASE)
    assert codes(check(capsys, "--select", "DL3007")[1], "DL3007") == []
    code, found, _ = check(capsys, "--select", "DL3007", "--build-arg", "BASE=python:latest")
    assert codes(found, "DL3007") == [("Dockerfile", 2)]
    assert code == 1


def test_build_arg_overrides_the_declared_default(project, capsys):
    project("Dockerfile", "ARG BASE=python:3.12.4-slim\nFROM ${BASE}\nUSER 10001\n")
    assert codes(check(capsys, "--select", "DL3007")[1], "DL3007") == []
    found = check(capsys, "--select", "DL3007", "--build-arg", "BASE=python:latest")[1]
    assert codes(found, "DL3007") == [("Dockerfile", 2)]


def test_build_arg_without_value_reads_the_environment(project, capsys, monkeypatch):
    project("Dockerfile", ARG_BASE)
    monkeypatch.setenv("BASE", "python:latest")
    assert codes(check(capsys, "--select", "DL3007", "--build-arg", "BASE")[1], "DL3007") == [("Dockerfile", 2)]
    monkeypatch.delenv("BASE")
    code, found, err = check(capsys, "--select", "DL3007", "--build-arg", "BASE")
    assert (code, found, err) == (0, [], [])  # unset: skipped, as docker build does


def test_later_build_arg_wins_and_undeclared_ones_do_nothing(project, capsys):
    project("Dockerfile", ARG_BASE)
    found = check(capsys, "--select", "DL3007", "--build-arg", "BASE=python:latest",
                  "--build-arg", "BASE=python:3.12.4")[1]
    assert codes(found, "DL3007") == []
    project("Dockerfile", "FROM ${BASE}\n")  # never declared by ARG: BuildKit ignores the value
    assert codes(check(capsys, "--select", "DL3007", "--build-arg", "BASE=python:latest")[1], "DL3007") == []


def test_a_build_arg_no_arg_declares_gets_a_note_like_docker_builds_warning(project, capsys):
    project("Dockerfile", "ARG BASE=alpine:3.19.1\nFROM ${BASE}\nUSER 1000\n")
    code, _, err = check(capsys, "--build-arg", "BASE=alpine:3.20.0", "--build-arg", "TYPO=1",
                         "--build-arg", "HTTP_PROXY=http://proxy:3128")
    assert code == 0  # a note, not a finding: the exit code is unchanged
    assert err == ["Dockerfile: note: --build-arg TYPO is declared by no ARG in this file; the "
                   "build ignores it (add `ARG TYPO` where it is needed, or drop it)"]


def test_build_arg_values_keep_equals_signs_and_may_be_empty():
    env = {"FROM_ENV": "x=y"}
    assert build_args(["A=b=c", "E=", "FROM_ENV", "MISSING"], env) == (
        ("A", "b=c"), ("E", ""), ("FROM_ENV", "x=y"))


@pytest.mark.parametrize("value", ["=x", "", "=", " =x"])
def test_malformed_build_arg_is_a_usage_error(project, capsys, value):
    project("Dockerfile", ARG_BASE)
    assert "--build-arg" in usage_error(capsys, "--build-arg", value)


# -- --target -----------------------------------------------------------------------------

TWO_STAGES = """\
FROM golang:1.22.5 AS builder
USER root
RUN go build -o /app .
FROM gcr.io/distroless/static:nonroot
COPY --from=builder /app /app
USER 65532
CMD ["/app"]
"""


def test_target_makes_the_builder_the_final_stage(project, capsys):
    project("Dockerfile", TWO_STAGES)
    assert codes(check(capsys, "--select", "DL3002")[1], "DL3002") == []
    code, found, _ = check(capsys, "--select", "DL3002", "--target", "builder")
    assert codes(found, "DL3002") == [("Dockerfile", 2)]
    assert code == 1


def test_target_is_case_insensitive_like_buildkit(project, capsys):
    project("Dockerfile", TWO_STAGES.replace("AS builder", "AS Builder"))
    assert codes(check(capsys, "--select", "DL3002", "--target", "BUILDER")[1], "DL3002") == [("Dockerfile", 2)]


def test_empty_target_means_the_last_stage_as_in_docker_build(project, capsys):
    project("Dockerfile", TWO_STAGES)
    assert check(capsys, "--select", "DL3002", "--target", "")[:2] == (0, [])


def test_unknown_target_is_that_files_error_and_the_others_are_still_checked(project, capsys):
    project("a/Dockerfile", TWO_STAGES)
    project("b/Dockerfile", "FROM python:latest AS builder\nUSER root\n")
    code, found, err = check(capsys, "--select", "DL3002,DL3007", "--target", "builder", "a", "b")
    assert (code, err) == (1, [])
    assert codes(found, "DL3002") == [("a/Dockerfile", 2), ("b/Dockerfile", 2)]
    project("a/Dockerfile", "FROM python:3.12.4 AS runtime\nUSER 10001\n")
    code, found, err = check(capsys, "--select", "DL3002,DL3007", "--target", "builder", "a", "b")
    assert code == 2
    assert codes(found, "DL3007") == [("b/Dockerfile", 1)]
    assert len(err) == 1 and err[0].startswith("a/Dockerfile: error: ")
    assert "'builder'" in err[0] and "runtime" in err[0]  # names the stages there are


# -- --trusted-registry -------------------------------------------------------------------

PULLS = """\
FROM ghcr.io/acme/base:1.2.3 AS build
FROM python:3.12.4-slim
COPY --from=quay.io/acme/tools:2.0.0 /bin/tool /bin/tool
USER 10001
"""


def test_trusted_registry_turns_dl3026_on(project, capsys):
    project("Dockerfile", PULLS)
    assert check(capsys, "--select", "DL3026")[:2] == (0, [])
    code, found, _ = check(capsys, "--select", "DL3026", "--trusted-registry", "ghcr.io")
    assert codes(found, "DL3026") == [("Dockerfile", 2), ("Dockerfile", 3)]
    assert code == 1
    found = check(capsys, "--select", "DL3026", "--trusted-registry", "ghcr.io",
                  "--trusted-registry", "*.io")[1]
    assert codes(found, "DL3026") == []


def test_trusted_registries_add_to_the_config_files(project, capsys):
    project("Dockerfile", PULLS)
    project(".hadolint.yaml", "trustedRegistries:\n  - docker.io\n")
    assert codes(check(capsys, "--select", "DL3026")[1], "DL3026") == [("Dockerfile", 1), ("Dockerfile", 3)]
    found = check(capsys, "--select", "DL3026", "--trusted-registry", "ghcr.io")[1]
    assert codes(found, "DL3026") == [("Dockerfile", 3)]  # the union: docker.io and ghcr.io
    found = check(capsys, "--select", "DL3026", "--trusted-registry", "ghcr.io", "--no-config")[1]
    assert codes(found, "DL3026") == [("Dockerfile", 2), ("Dockerfile", 3)]


@pytest.mark.parametrize("value", ["", "  ", "ghcr.io/acme", "docker.io/library/python"])
def test_bad_trusted_registry_is_a_usage_error(project, capsys, value):
    project("Dockerfile", PULLS)
    assert "--trusted-registry" in usage_error(capsys, "--trusted-registry", value)


def test_trusted_registries_are_stripped_and_deduplicated():
    assert trusted_registries([" ghcr.io ", "ghcr.io", "*.corp.example"]) == ("ghcr.io", "*.corp.example")


# -- --require-label ----------------------------------------------------------------------

VERSION = "org.opencontainers.image.version"


def test_required_label_missing_fires_dl3049(project, capsys):
    project("Dockerfile", "FROM alpine:3.20.1\nUSER 10001\n")
    assert check(capsys, "--select", "DL3049")[:2] == (0, [])
    found = check(capsys, "--select", "DL3049", "--require-label", f"{VERSION}:semver",
                  "--fail-level", "info")
    assert codes(found[1], "DL3049") == [("Dockerfile", 1)]
    assert found[0] == 1
    project("Dockerfile", f"FROM alpine:3.20.1\nLABEL {VERSION}=1.4.0\nUSER 10001\n")
    assert check(capsys, "--select", "DL3049,DL3056", "--require-label", f"{VERSION}:semver")[1] == []


def test_required_label_is_only_asked_of_the_stages_the_target_builds(project, capsys):
    project("Dockerfile", "FROM alpine:3.20 AS build\nRUN make\nFROM alpine:3.20 AS docs\n"
                          "RUN make docs\nFROM alpine:3.20\nLABEL version=1.0.0\n")
    everything = check(capsys, "--select", "DL3049", "--require-label", "version:semver")[1]
    assert codes(everything, "DL3049") == [("Dockerfile", 1), ("Dockerfile", 3)]
    target = check(capsys, "--select", "DL3049", "--require-label", "version:semver",
                   "--target", "build")[1]
    assert codes(target, "DL3049") == [("Dockerfile", 1)]  # `docs` and the last stage: not built


def test_required_label_type_is_checked(project, capsys):
    project("Dockerfile", f"FROM alpine:3.20.1\nLABEL {VERSION}=nightly\nUSER 10001\n")
    assert check(capsys, "--select", "DL3056", "--require-label", f"{VERSION}:text")[1] == []
    found = check(capsys, "--select", "DL3056", "--require-label", f"{VERSION}:SemVer")[1]
    assert codes(found, "DL3056") == [("Dockerfile", 2)]


def test_required_labels_add_to_the_config_schema_and_win_on_a_conflict(project, capsys):
    project("Dockerfile", f"FROM alpine:3.20.1\nLABEL {VERSION}=nightly\nUSER 10001\n")
    project(".hadolint.yaml", f"label-schema:\n  {VERSION}: text\n  owner: email\n")
    found = check(capsys, "--select", "DL3049,DL3056")[1]
    assert found == [("DL3049", "Dockerfile", 1)]  # owner; the version is any text
    found = check(capsys, "--select", "DL3049,DL3056", "--require-label", f"{VERSION}:semver",
                  "--require-label", "team:text")[1]
    assert sorted(found) == [("DL3049", "Dockerfile", 1), ("DL3049", "Dockerfile", 1),
                             ("DL3056", "Dockerfile", 2)]  # owner and team missing; not a semver


def test_command_line_labels_count_as_known_for_strict_labels(project, capsys):
    project("Dockerfile", "FROM alpine:3.20.1\nLABEL team=web\nUSER 10001\n")
    project(".hadolint.yaml", "strict-labels: true\n")
    assert codes(check(capsys, "--select", "DL3050")[1], "DL3050") == [("Dockerfile", 2)]
    assert check(capsys, "--select", "DL3050", "--require-label", "team:text")[1] == []


def test_strict_labels_flag_turns_dl3050_on_without_a_config(project, capsys):
    project("Dockerfile", "FROM alpine:3.20.1\nLABEL team=web version=1.0.0\nUSER 10001\n")
    assert check(capsys, "--select", "DL3050", "--require-label", "version:semver")[1] == []
    found = check(capsys, "--select", "DL3050", "--require-label", "version:semver",
                  "--strict-labels")[1]
    assert codes(found, "DL3050") == [("Dockerfile", 2)]  # `team` is outside the schema


def test_require_label_splits_at_the_last_colon_and_a_later_type_wins():
    assert required_labels(["a:b:url", "x:TEXT", "x:hash"]) == (("a:b", "url"), ("x", "hash"))


@pytest.mark.parametrize("value", ["version", "version:", ":text", "version:number", "version:semverx"])
def test_bad_require_label_is_a_usage_error(project, capsys, value):
    project("Dockerfile", "FROM alpine:3.20.1\n")
    message = usage_error(capsys, "--require-label", value)
    assert "--require-label" in message


def test_unknown_label_type_lists_the_types(project, capsys):
    project("Dockerfile", "FROM alpine:3.20.1\n")
    message = usage_error(capsys, "--require-label", "version:number")
    assert all(kind in message for kind in LABEL_TYPES)


# -- all together -------------------------------------------------------------------------

ALL_FLAGS = ("--build-arg", "BASE=python:latest", "--target", "builder",
             "--trusted-registry", "ghcr.io", "--require-label", "team:text")


def test_options_pickle_for_worker_processes():
    options = CheckOptions(selection=Selection(), build_args=(("BASE", "python:latest"),),
                           target="builder", trusted_registries=("ghcr.io",),
                           required_labels=(("team", "text"),))
    copy = pickle.loads(pickle.dumps(options))
    assert copy == options and hash(copy) == hash(options)
    assert copy.build_args == (("BASE", "python:latest"),) and copy.target == "builder"


def test_jobs_2_gives_the_same_findings(project, capsys):
    text = "ARG BASE\nFROM ${BASE} AS builder\nUSER root\nFROM debian:12.6\nUSER 10001\n"
    for name in "abcd":
        project(f"{name}/Dockerfile", text)
    select = ("--select", "DL3002,DL3007,DL3026,DL3049", "--fail-level", "info")
    one = check(capsys, *select, *ALL_FLAGS, "--jobs", "1")
    two = check(capsys, *select, *ALL_FLAGS, "--jobs", "2")
    assert one == two
    assert {c for c, _, _ in two[1]} == {"DL3002", "DL3007", "DL3026", "DL3049"}
    assert len(codes(two[1], "DL3002")) == 4  # the builder's USER root, in every file


def test_fix_honours_the_target(project, capsys):
    path = project("Dockerfile", TWO_STAGES.replace("RUN go build", "RUN cd /src && go build"))
    code = main(["check", "--no-context", "--fix", "--select", "DL3002", "--target", "builder"])
    out, _ = capsys.readouterr()
    assert code == 1 and "DL3002" in out
    assert path.read_text().startswith("FROM golang:1.22.5 AS builder\n")


def test_help_describes_every_flag(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for flag in ("--build-arg KEY[=VALUE]", "--target STAGE", "--trusted-registry REGISTRY",
                 "--require-label NAME:TYPE"):
        assert flag in out
    assert all(kind in out for kind in LABEL_TYPES)
