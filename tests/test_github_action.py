"""The composite GitHub Action (action.yml), run here the way the runner runs it: each ``run``
step in ``bash --noprofile --norc -eo pipefail``, with its ``env`` expressions substituted
(inputs and their defaults, ``github.action_path``, ``runner.temp``, earlier steps' outputs),
``$GITHUB_OUTPUT`` and ``$GITHUB_PATH`` honoured. ``uses`` steps (setup-python, the SARIF
upload) are GitHub's own and are only checked for their inputs."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import yaml

from tests.support.checkout import ROOT, copy_installable
from tests.support.image_kit import file as image_file
from tests.support.image_kit import layer_tar, write_oci_layout

ACTION = os.path.join(ROOT, "action.yml")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
INSTALL_STEP = "Install dockwise"
DOCKERFILE = "FROM python:3.12-slim\nRUN pip install flask\nCMD python app.py\n"


def action() -> dict:
    with open(ACTION, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class Runner:
    """Runs the action's steps in ``workspace`` with ``inputs``."""

    def __init__(self, action_path, runner_temp, workspace, inputs: dict[str, str]) -> None:
        spec = action()
        unknown = set(inputs) - set(spec["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs = {name: str(i.get("default", "")) for name, i in spec["inputs"].items()} | inputs
        self.steps = spec["runs"]["steps"]
        self.outputs_spec = spec["outputs"]
        self.action_path, self.temp, self.workspace = str(action_path), str(runner_temp), str(workspace)
        self.step_outputs: dict[str, dict[str, str]] = {}
        self.path_entries: list[str] = []
        self.log: list[str] = []
        self.uses: list[dict] = []

    def value(self, expression: str) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if expression == "github.action_path":
            return self.action_path
        if expression == "runner.temp":
            return self.temp
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.step_outputs.get(parts[1], {}).get(parts[3], "")
        raise AssertionError(f"expression the action may not use in a run step: {expression}")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), str(text))

    def run(self, *, installed: list[str] | None = None) -> int:
        """Run every step in order; the exit code of the first failing run step, else 0.
        ``installed``: the PATH entries an earlier run's install step added; that step is
        then not run again (installing takes most of a run's time)."""
        if installed is not None:
            self.path_entries = list(installed)
        for step in self.steps:
            if installed is not None and step.get("name") == INSTALL_STEP:
                continue
            if "uses" in step:
                self.uses.append(step)
                continue
            assert step.get("shell") == "bash" and "if" not in step, step.get("name")
            code = self.run_step(step)
            if code != 0:
                return code
        return 0

    def run_step(self, step: dict) -> int:
        outputs = os.path.join(self.temp, f"output-{len(self.log)}")
        path_file = os.path.join(self.temp, f"path-{len(self.log)}")
        open(outputs, "w").close()
        open(path_file, "w").close()
        assert "${{" not in step["run"], "inputs reach a script through env, never pasted into it"
        env = {**os.environ, "GITHUB_OUTPUT": outputs, "GITHUB_PATH": path_file, "NO_COLOR": "1",
               "RUNNER_TEMP": self.temp, "GITHUB_ACTION_PATH": self.action_path}
        env["PATH"] = os.pathsep.join([*reversed(self.path_entries), env["PATH"]])
        env.update({k: self.substitute(v) for k, v in step.get("env", {}).items()})
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                cwd=self.workspace, env=env, capture_output=True, text=True, timeout=900)
        self.log.append(f"## {step['name']} (exit {result.returncode})\n{result.stdout}{result.stderr}")
        if "id" in step:
            with open(outputs, encoding="utf-8") as fh:
                self.step_outputs[step["id"]] = dict(line.split("=", 1) for line in fh.read().splitlines() if line)
        with open(path_file, encoding="utf-8") as fh:
            self.path_entries += [line for line in fh.read().splitlines() if line]
        return result.returncode

    def output(self, name: str) -> str:
        return self.substitute(self.outputs_spec[name]["value"])

    def text(self) -> str:
        return "\n".join(self.log)


def test_action_is_a_composite_whose_expressions_name_real_inputs_and_steps():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    ids = {step["id"] for step in spec["runs"]["steps"] if "id" in step}
    for expression in EXPRESSION.findall(open(ACTION, encoding="utf-8").read()):
        for ref in re.findall(r"\b(inputs|steps)\.([\w-]+)", expression):
            assert ref[1] in (spec["inputs"] if ref[0] == "inputs" else ids), expression
    uploads = [s for s in spec["runs"]["steps"] if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert len(uploads) == 2 and all("always()" in s["if"] for s in uploads)
    assert {s["with"]["category"] for s in uploads} == {"dockwise-check", "dockwise-image"}


@pytest.fixture(scope="module")
def action_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("action")
    copy_installable(path)
    return path


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory):
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture(scope="module")
def installed(action_path, runner_temp, tmp_path_factory) -> list[str]:
    """The install step, run once: the PATH entries it adds (the virtualenv's bin)."""
    runner = Runner(action_path, runner_temp, tmp_path_factory.mktemp("install"), {})
    step = next(s for s in runner.steps if s.get("name") == INSTALL_STEP)
    assert runner.run_step(step) == 0, runner.text()
    assert runner.path_entries == [os.path.join(str(runner_temp), "dockwise-venv", "bin")]
    assert re.search(r"^dockwise \d+\.\d+", runner.text(), re.M)  # the installed command runs
    return runner.path_entries


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "Dockerfile.old").write_text("FROM debian:12\nRUN <<EOF\n")  # does not parse
    (tmp_path / ".dockerignore").write_text(".git\n")
    write_oci_layout(tmp_path / "image", [layer_tar(image_file("app/.env", b"TOKEN=abc123secret\n"))])
    return tmp_path


def sarif_results(path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        document = json.load(fh)
    assert document["version"] == "2.1.0"
    return document["runs"][0]["results"]


def test_action_checks_writes_sarif_with_fingerprints_and_fails_on_the_level(
        action_path, runner_temp, installed, workspace):
    runner = Runner(action_path, runner_temp, workspace, {
        "args": "--exclude *.old", "image": "image", "upload-sarif": "true"})
    code = runner.run(installed=installed)
    log = runner.text()
    assert code == 1, log
    assert runner.output("check-exit-code") == "1" and runner.output("image-exit-code") == "1"
    check = sarif_results(workspace / "dockwise-results" / "check.sarif")
    assert {"DL3042", "DL3025"} <= {r["ruleId"] for r in check}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] in ("Dockerfile", ".dockerignore")
               for r in check)  # legacy/Dockerfile.old was excluded
    prints = [r["partialFingerprints"]["dockwiseFingerprint/v1"] for r in check]
    assert len(set(prints)) == len(prints)
    image = sarif_results(workspace / "dockwise-results" / "image.sarif")
    assert {"DI001", "DI007"} <= {r["ruleId"] for r in image}
    assert "Dockerfile:2:5: DL3042 [warning]" in log  # the findings are in the log too
    assert "::error title=dockwise::findings at or above" in log
    assert [s["with"]["sarif_file"] for s in runner.uses if "with" in s and "sarif_file" in s["with"]] == [
        "${{ inputs.output-dir }}/check.sarif", "${{ inputs.output-dir }}/image.sarif"]

    # the same project again: the fingerprints do not move when a line is added above
    (workspace / "Dockerfile").write_text("# syntax=docker/dockerfile:1\n" + DOCKERFILE)
    Runner(action_path, runner_temp, workspace, {"args": "--exclude *.old", "fail-level": "none"}).run(
        installed=installed)
    again = sarif_results(workspace / "dockwise-results" / "check.sarif")
    assert sorted(r["partialFingerprints"]["dockwiseFingerprint/v1"] for r in again) == sorted(prints)


def test_action_passes_with_fail_level_none_and_fails_on_an_error(action_path, runner_temp, installed,
                                                                  workspace):
    runner = Runner(action_path, runner_temp, workspace, {"args": "--exclude *.old", "fail-level": "none"})
    assert runner.run(installed=installed) == 0, runner.text()
    assert runner.output("check-exit-code") == "0" and runner.output("image-exit-code") == "0"
    assert not (workspace / "dockwise-results" / "image.sarif").exists()
    runner = Runner(action_path, runner_temp, workspace, {"fail-level": "none"})  # Dockerfile.old: error
    assert runner.run(installed=installed) == 2, runner.text()
    assert runner.output("check-exit-code") == "2"
    assert "could not check everything" in runner.text()
