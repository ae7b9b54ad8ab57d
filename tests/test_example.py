"""The bundled example: examples/python-service makes every classic mistake, and dockwise finds
each one at its exact place; examples/python-service-good fixes them and is clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.findings import Severity

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "examples" / "python-service"
GOOD = ROOT / "examples" / "python-service-good"

# (code, file, line, column): one or more per rule family of issue 3, plus the build context.
EXPECTED = [
    ("DL3007", "Dockerfile", 3, 13),      # 1 base image: FROM python:latest
    ("DL3008", "Dockerfile", 12, 42),     # 2 packages: unpinned apt packages
    ("DL3009", "Dockerfile", 12, 5),      # 2 packages: apt lists left in the layer
    ("DL3015", "Dockerfile", 12, 23),     # 2 packages: recommends pulled in
    ("DW301", "Dockerfile", 14, 8),       # 3 layers: download deleted in a later RUN
    ("DW401", "Dockerfile", 12, 42),      # 4 build tools in the runtime image
    ("DW501", "Dockerfile", 3, 6),        # 5 root at runtime: no USER
    ("DL3025", "Dockerfile", 19, 5),      # 6 signals: shell-form CMD
    ("DW601", "Dockerfile", 18, 13),      # 6 signals: entrypoint.sh without exec
    ("DW701", "Dockerfile", 10, 6),       # 7 cache order: COPY . . before pip install
    ("DL3042", "Dockerfile", 15, 5),      # 8 package caches: pip without --no-cache-dir
    ("DW901", "Dockerfile", 3, 6),        # 9 no HEALTHCHECK
    ("DW911", "Dockerfile", 6, 5),        # 10 secrets: secret-looking ENV name
    ("DW911", "Dockerfile", 7, 5),
    ("DW912", "Dockerfile", 6, 23),       # 10 secrets: an AWS key value
    ("DC007", "Dockerfile", 10, 1),       # 10 secrets: COPY . copies .env (context)
    ("DW922", "Dockerfile", 5, 18),       # 11 runtimes: Node.js 10
    ("DC001", ".dockerignore", None, None),  # context: no .dockerignore
    ("DC003", ".dockerignore", None, None),  # context: .env sent to the builder
]


@pytest.fixture(scope="module")
def bad_report():
    from dockwise.engine.dockerfile import Engine

    report = Engine().check_path(str(BAD / "Dockerfile"))
    assert report.errors == []
    return report


def located(report):
    return {(f.code, Path(f.location.file).name, f.location.line, f.location.column)
            for f in report.findings}


@pytest.mark.parametrize("code, name, line, column", EXPECTED, ids=[f"{e[0]}@{e[2]}" for e in EXPECTED])
def test_bad_example_finding(bad_report, code, name, line, column):
    found = located(bad_report)
    assert (code, name, line, column) in found, sorted(f for f in found if f[0] == code)


def test_every_message_redacts_the_fake_aws_key(bad_report):
    assert all("AKIAIOSFODNN7EXAMPLE" not in f.message for f in bad_report.findings)


def test_quick_start_command_exits_1_on_the_bad_example(capsys):
    from dockwise.cli import main

    assert main(["check", str(BAD)]) == 1
    out = capsys.readouterr().out
    assert "DW701" in out and "DL3025" in out


def test_good_example_has_nothing_at_warning_or_above():
    from dockwise.engine.dockerfile import Engine

    report = Engine().check_path(str(GOOD / "Dockerfile"))
    assert report.errors == []
    serious = [f for f in report.findings if f.severity >= Severity.WARNING]
    assert serious == [], [(f.code, f.location.line, f.message) for f in serious]


def test_good_example_passes_the_cli(capsys):
    from dockwise.cli import main

    assert main(["check", str(GOOD)]) == 0


def test_bad_example_context_has_the_junk_a_dockerignore_should_keep_out():
    assert not (BAD / ".dockerignore").exists()
    assert (BAD / ".env").is_file() and "FAKE" in (BAD / ".env").read_text()
    assert (BAD / "venv" / "pyvenv.cfg").is_file()
    assert (BAD / "tests" / "data").is_dir()


def test_examples_stay_small():
    total = sum(p.stat().st_size for d in (BAD, GOOD) for p in d.rglob("*") if p.is_file())
    assert total < 200 * 1024
    assert not any(p.name == ".git" for d in (BAD, GOOD) for p in d.rglob("*"))
