"""`dockwise check` defects found in QA: each test fails without its fix."""

from __future__ import annotations

import json
import os

import pytest

from dockwise.cli import main
from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


# -- 1. -o naming an input or a directory ------------------------------------------------------

def test_output_naming_the_checked_file_is_refused_and_the_file_is_kept(project, own_rules, capsys):
    path = project("Dockerfile", DOCKERFILE)
    code, out, err = run(capsys, "Dockerfile", "-o", "Dockerfile")
    assert code == 2
    assert "-o/--output names a checked file" in err
    assert path.read_text() == DOCKERFILE


def test_output_naming_the_checked_file_by_another_path_is_refused(project, own_rules, capsys):
    path = project("sub/Dockerfile", DOCKERFILE)
    os.symlink("sub/Dockerfile", "link")
    for target in ("./sub/../sub/Dockerfile", "link"):
        code, _, err = run(capsys, "sub", "-o", target)
        assert code == 2, target
        assert "names a checked file" in err
    assert path.read_text() == DOCKERFILE


def test_output_naming_a_directory_is_refused(project, own_rules, capsys):
    project("Dockerfile", DOCKERFILE)
    os.mkdir("reports")
    code, out, err = run(capsys, "Dockerfile", "-o", "reports")
    assert code == 2
    assert "names a directory" in err
    assert os.listdir("reports") == []


def test_output_to_a_new_file_still_works(project, own_rules, capsys):
    project("Dockerfile", DOCKERFILE)
    code, out, _ = run(capsys, "Dockerfile", "--format", "json", "-o", "report.json")
    assert code == 1 and out == ""
    assert json.loads(open("report.json").read())["findings"]
