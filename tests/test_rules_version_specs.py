"""DW203: a version constraint the shell reads as a redirection (`pip install flask>=2.0`)."""

from __future__ import annotations

import pytest

from tests.support.rules import check_text, where_spanning


def found(body: str):
    return check_text(f"FROM python:3.12.4-slim\n{body}\n", "DW203")


def test_an_unquoted_constraint_points_at_package_and_constraint():
    text = "FROM python:3.12.4-slim\nRUN pip install --no-cache-dir \\\n    flask>=2.0 requests<3\n"
    hits = check_text(text, "DW203")
    assert where_spanning(hits) == [(3, 5, 3, 15), (3, 16, 3, 26)]
    assert "`flask` is installed without the constraint and a file `=2.0` is written" in hits[0].message
    assert "'flask>=2.0'" in hits[0].message
    assert "a file" not in hits[1].message  # `<3` reads a file, writes none


@pytest.mark.parametrize("body", [
    "RUN pip3 install 'numpy>=1.26'x>=2",
    "RUN python3 -m pip install --upgrade wheel>=0.46.2",
    "RUN npm install -g lodash@>=4",
    "RUN apk add --no-cache python3>3.11",
    "ONBUILD RUN pip install flask>=2",
    "RUN sh -c 'pip install flask>=2'",
])
def test_installers_and_wrappers(body):
    assert len(found(body)) == 1, body


@pytest.mark.parametrize("body", [
    "RUN pip install 'flask>=2.0' \"django<5\" flask\\>=2",
    "RUN pip install flask >/tmp/pip.log 2>&1",
    "RUN pip install flask > =1",           # a blank before `>`: written on purpose
    "RUN pip install flask >>log",
    "RUN echo a>=b > out.txt",               # not an installer
    "RUN pip install -r requirements.txt 2>err.log",
    "RUN pip install x<requirements.in",      # a real input file, not a version
])
def test_quoted_constraints_and_real_redirections_are_fine(body):
    assert found(body) == [], body
