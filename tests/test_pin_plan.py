"""`dockwise pin`'s plan for one Dockerfile, with a resolver standing in for the registry:
which FROM lines are rewritten, where (the FROM or the ARG default), and which are left alone."""

from __future__ import annotations

import pytest

from dockwise.errors import ImageError
from dockwise.fix.edits import apply_edits
from dockwise.image.registry.pin import CHECK, PIN, UPDATE, plan_pins
from dockwise.image.registry.remote import Resolved
from dockwise.model import build_model
from dockwise.syntax import parse_dockerfile

INDEX = "sha256:" + "1" * 64
MANIFEST = "sha256:" + "2" * 64
OLD = "sha256:" + "3" * 64
CHILD = "sha256:" + "4" * 64

TAGS = {
    "python:3.12.7-slim": Resolved(INDEX, "application/vnd.oci.image.index.v1+json",
                                   ("linux/amd64", "linux/arm64"), (CHILD,)),
    "registry.example/team/app:1.4": Resolved(MANIFEST, "application/vnd.oci.image.manifest.v1+json"),
    "debian:latest": Resolved(MANIFEST, "application/vnd.oci.image.manifest.v1+json"),
}


def resolve(text: str) -> Resolved:
    key = text.split("@")[0]
    key = key if ":" in key.rsplit("/", 1)[-1] else key + ":latest"  # as the registry reads it
    if key not in TAGS:
        raise ImageError("registry.example has no image team/app:gone (manifest unknown)")
    return TAGS[key]


def planned(text: str, mode: str = PIN, build_args: dict | None = None):
    model = build_model(parse_dockerfile(text), build_args=build_args)
    steps = plan_pins(model, resolve, mode)
    edits = list({(s.edit.start, s.edit.end): s.edit for s in steps if s.edit}.values())
    return steps, apply_edits(text, edits)


def test_a_tag_is_pinned_to_its_index_and_keeps_the_tag():
    steps, text = planned("FROM --platform=$BUILDPLATFORM python:3.12.7-slim AS build\nFROM registry.example/team/app:1.4\n")
    assert text == (f"FROM --platform=$BUILDPLATFORM python:3.12.7-slim@{INDEX} AS build\n"
                    f"FROM registry.example/team/app:1.4@{MANIFEST}\n")
    assert [s.status for s in steps] == ["pinned", "pinned"]
    assert "an index of 2 platforms" in steps[0].message


def test_no_tag_means_latest_and_is_written():
    _, text = planned("FROM debian\n")
    assert text == f"FROM debian:latest@{MANIFEST}\n"


def test_a_single_arg_is_pinned_in_its_default_once():
    source = 'ARG BASE="python:3.12.7-slim"\nFROM ${BASE} AS a\nFROM $BASE\n'
    steps, text = planned(source)
    assert text == f'ARG BASE="python:3.12.7-slim@{INDEX}"\nFROM ${{BASE}} AS a\nFROM $BASE\n'
    assert [s.status for s in steps] == ["pinned", "pinned"]


def test_a_reference_assembled_from_args_is_left_alone():
    source = "ARG PY=3.12.7\nFROM python:${PY}-slim\n"
    steps, text = planned(source)
    assert text == source
    assert steps[0].status == "skipped" and "assembled from ARGs" in steps[0].message


def test_a_build_arg_value_is_not_written_into_the_arg_default():
    source = "ARG BASE=debian:12\nFROM ${BASE}\n"
    steps, text = planned(source, build_args={"BASE": "python:3.12.7-slim"})
    assert text == source and "--build-arg" in steps[0].message


def test_stages_scratch_unknown_args_and_digest_only_references_are_left_alone():
    source = (f"ARG UNSET\nFROM python:3.12.7-slim AS base\nFROM base\nFROM scratch\nFROM $UNSET\n"
              f"FROM python@{OLD}\nFROM registry.example/team/app:gone\n")
    steps, text = planned(source)
    assert [s.status for s in steps] == ["pinned", "skipped", "skipped", "skipped", "kept", "unresolved"]
    assert text == source.replace("slim AS", f"slim@{INDEX} AS")
    assert "manifest unknown" in steps[-1].message


def test_check_and_update_of_pinned_references():
    source = f"FROM python:3.12.7-slim@{OLD}\nFROM registry.example/team/app:1.4@{MANIFEST}\nFROM debian:latest\n"
    steps, text = planned(source, CHECK)
    assert [s.status for s in steps] == ["moved", "current", "unpinned"]
    assert text == source and [s.problem for s in steps] == [True, False, False]
    steps, text = planned(source, UPDATE)
    assert [s.status for s in steps] == ["updated", "current", "pinned"]
    assert text.splitlines()[0] == f"FROM python:3.12.7-slim@{INDEX}"
    steps, text = planned(source, PIN)
    assert [s.status for s in steps] == ["kept", "kept", "pinned"]


def test_a_digest_of_one_platform_of_the_index_is_not_moved():
    steps, _ = planned(f"FROM python:3.12.7-slim@{CHILD}\n", CHECK)
    assert steps[0].status == "current"


@pytest.mark.parametrize("argv,code", [(["--check", "--update"], 2)])
def test_check_and_update_exclude_each_other(argv, code, capsys):
    from dockwise.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["pin", *argv])
    assert exit_info.value.code == code


def run_pin(*argv: str):
    import contextlib
    import io

    from dockwise.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["pin", *argv])
    return code, out.getvalue(), err.getvalue()


def test_pin_refuses_stdin_and_reports_a_broken_file_while_pinning_the_others(tmp_path):
    good = tmp_path / "Dockerfile"
    good.write_text("FROM scratch\nCOPY a /a\n")
    broken = tmp_path / "broken.Dockerfile"
    broken.write_bytes(b"FROM \xff\xfe scratch\n")  # not UTF-8
    code, out, err = run_pin(str(good), str(broken), "-")
    assert code == 2
    assert f"{good}:1: skipped: scratch is no image" in out
    assert "broken.Dockerfile" in err and "-: error: dockwise pin rewrites Dockerfiles in place" in err
    assert good.read_text() == "FROM scratch\nCOPY a /a\n"
