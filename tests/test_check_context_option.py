"""`dockwise check --context DIR`: the build context of a Dockerfile that does not sit in it
(`docker build -f docker/Dockerfile .`)."""

from __future__ import annotations

import json
import subprocess
import sys


def check(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", "check", *args], capture_output=True,
                          text=True, cwd=cwd)


def _project(tmp_path):
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "Dockerfile").write_text("FROM python:3.12.7-slim\nCOPY . /app\n")
    with open(tmp_path / "data.csv", "wb") as f:
        f.truncate(28 * 1024 * 1024)
    (tmp_path / "app.py").write_text("print('hi')\n")
    return tmp_path


def test_context_option_checks_the_named_context(tmp_path):
    project = _project(tmp_path)
    alone = check("--format", "json", "docker/Dockerfile", cwd=project)
    codes = {f["code"] for f in json.loads(alone.stdout)["findings"]}
    assert not codes & {"DC001", "DC007", "DC008"}  # docker/ alone holds nothing heavy
    named = check("--format", "json", "--context", ".", "docker/Dockerfile", cwd=project)
    findings = json.loads(named.stdout)["findings"]
    copy = [f for f in findings if f["code"] == "DC007"]
    assert copy and copy[0]["line"] == 2 and "data.csv" in copy[0]["message"]
    assert {"DC001", "DC008"} <= {f["code"] for f in findings}


def test_context_option_errors_are_usage_errors(tmp_path):
    project = _project(tmp_path)
    missing = check("--context", "nowhere", "docker/Dockerfile", cwd=project)
    assert missing.returncode == 2 and "not a directory" in missing.stderr and "Traceback" not in missing.stderr
    both = check("--context", ".", "--no-context", "docker/Dockerfile", cwd=project)
    assert both.returncode == 2 and "contradict" in both.stderr
