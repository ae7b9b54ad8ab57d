"""DW051: a variable exported at the end of a RUN is gone before anything reads it."""

from __future__ import annotations

import pytest

from tests.support.rules import check_text, where


def found(body: str) -> list[tuple[int, int, int]]:
    return where(check_text("FROM debian:12.8\n" + body + "\n", "DW051"))


def test_an_export_alone_in_a_run_is_lost():
    assert found("RUN export PATH=$PATH:/opt/tool/bin") == [(2, 5, 36)]


def test_every_export_of_the_tail_is_reported_and_named():
    findings = check_text("FROM debian:12.8\nRUN make && export A=1 && export B=2 C=3\n", "DW051")
    assert where(findings) == [(2, 13, 23), (2, 27, 41)]
    assert "`B`, `C` are exported at the end of this RUN" in findings[1].message


@pytest.mark.parametrize("body", [
    "RUN export DEBIAN_FRONTEND=noninteractive && apt-get update",  # read by the command after it
    "RUN export JAVA_HOME",  # no new value: it comes from ENV or ARG, or it is unset
    "RUN export TOKEN=$TOKEN",
    'RUN export TOKEN="${TOKEN}"',
    "RUN export -p",
    "RUN bash -c 'export A=1'",
    'RUN ["sh", "-c", "export A=1"]',
    "RUN echo 'export A=1' >> /etc/profile",
])
def test_exports_that_lose_nothing_are_not_reported(body):
    assert found(body) == []


def test_the_last_command_is_the_export_not_what_its_value_runs():
    assert found("RUN export RELEASE=$(cat /etc/debian_version)") == [(2, 5, 46)]


def test_onbuild_runs_are_judged_like_runs():
    assert found("ONBUILD RUN export A=1") == [(2, 13, 23)]
