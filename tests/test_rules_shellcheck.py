"""ShellCheck as an opt-in rule: off by default, on when selected, SC codes suppressible."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.rules import check_text

SCRIPT = "FROM debian:12.5\nARG FILES\nRUN apt-get install -y --no-install-recommends x=1 \\\n    && cp $FILES /srv/\n"


def _check(tmp_path, text, *options):
    (tmp_path / "Dockerfile").write_text(text)
    proc = subprocess.run([sys.executable, "-m", "dockwise", "check", "--no-context", "--format", "json",
                           *options, str(tmp_path / "Dockerfile")], capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["findings"]


def test_rule_reports_the_sc_code_at_the_exact_word():
    found = check_text(SCRIPT, "DW050")
    assert [(f.location.line, f.location.column) for f in found] == [(4, 11)]
    assert found[0].message.startswith("SC2086: ") and found[0].extra["shellcheck"] == "SC2086"
    assert found[0].fix is not None and not found[0].fix.safe


def test_off_unless_selected(tmp_path):
    assert not [f for f in _check(tmp_path, SCRIPT) if f["code"] == "DW050"]
    assert [f["code"] for f in _check(tmp_path, SCRIPT, "--select", "DW050")] == ["DW050"]
    assert [f["code"] for f in _check(tmp_path, SCRIPT, "--select", "shellcheck")] == ["DW050"]


def test_hadolint_ignore_with_the_sc_code_suppresses_it(tmp_path):
    text = SCRIPT.replace("ARG FILES\n", "ARG FILES\n# hadolint ignore=SC2086\n")
    assert _check(tmp_path, text, "--select", "DW050") == []
    other = SCRIPT.replace("ARG FILES\n", "ARG FILES\n# hadolint ignore=SC2046\n")
    assert [f["code"] for f in _check(tmp_path, other, "--select", "DW050")] == ["DW050"]


def test_an_onbuild_run_gets_the_env_but_not_the_args_declared_above_it():
    # the child build that runs the trigger has the ENV (stored in the image), not the ARG
    text = 'ARG foo=bar\nENV baz=20\nONBUILD RUN echo "$foo" "$baz"\n'
    found = check_text(text, "DW050")
    assert [f.extra["shellcheck"] for f in found] == ["SC2154"] and "foo" in found[0].message
