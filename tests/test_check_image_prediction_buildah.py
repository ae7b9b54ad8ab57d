"""The prediction of ``check --diff --unsafe-fixes --image`` against the real after-image: the
incident's crime project is built with buildah, its image given to the plan, then cured with
``--fix --unsafe-fixes`` and built again. What the plan said the .dockerignore removes is what
the cure's ``COPY . /app`` layer lost; what it said the split removes is at least the compilers'
layer. Run alone with ``pytest -s`` to see predicted against actual."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from dockwise.image.analyze import analyze
from dockwise.image.predict import layers_of_line
from dockwise.units import human_bytes
from tests.support.incident import CA_VOLUME, make_project

pytestmark = pytest.mark.buildah

BUILD_ARGS = ("--pull=never", "--volume", CA_VOLUME)
UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def _bytes(text: str) -> float:
    number, unit = text.split()
    return float(number) * UNITS[unit]


def _dockwise(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def predicted_and_built(buildah, python_bases, tmp_path_factory):
    root = tmp_path_factory.mktemp("prediction")
    project = make_project("crime", root / "crime")
    original = (project / "Dockerfile").read_text()
    crime = buildah.build(project, "prediction-crime", extra_args=BUILD_ARGS)
    before = buildah.export(crime, "docker-archive", root / "crime.tar")
    plan = _dockwise("check", "--diff", "--unsafe-fixes", "--image", str(before), "Dockerfile", cwd=project)
    assert plan.returncode == 1, plan.stderr
    fixed = _dockwise("check", "--fix", "--unsafe-fixes", "Dockerfile", cwd=project)
    assert fixed.returncode in (0, 1), fixed.stderr
    cure = buildah.build(project, "prediction-cure", extra_args=BUILD_ARGS)
    after = buildah.export(cure, "docker-archive", root / "cure.tar")
    (root / "crime.Dockerfile").write_text(original)
    yield {"plan": plan.stdout, "project": project, "original": original,
           "before": analyze(str(before), dockerfile=str(root / "crime.Dockerfile")),
           "after": analyze(str(after), dockerfile=str(project / "Dockerfile"))}
    for image in (crime, cure):
        buildah.run("rmi", "-f", image)


def _figure(plan: str, pattern: str) -> float:
    found = re.search(pattern, plan)
    assert found, f"{pattern!r} not in the plan:\n{plan}"
    return _bytes(found.group(1))


def test_the_dockerignore_prediction_is_what_the_copy_layer_lost(predicted_and_built):
    plan, before, after = (predicted_and_built[k] for k in ("plan", "before", "after"))
    predicted = _figure(plan, r"# \.dockerignore: .*\n#     predicted: removes (\d+(?:\.\d)? \w+):")
    copy_before = layers_of_line(before, 3)[0].stats.total_bytes
    copy_after = next(layer for layer in after.layers if layer.instruction is not None
                      and layer.instruction.keyword == "COPY" and layer.instruction.args[0] == ".")
    project = predicted_and_built["project"]
    # the COPY also carries the Dockerfile, which the cure rewrote, and the new .dockerignore
    grown = (len((project / "Dockerfile").read_bytes()) - len(predicted_and_built["original"].encode())
             + len((project / ".dockerignore").read_bytes()))
    lost = copy_before - (copy_after.stats.total_bytes - grown)
    print(f"\n.dockerignore: predicted {human_bytes(predicted)}, the COPY layer lost {human_bytes(lost)}")
    assert human_bytes(lost) == human_bytes(predicted)


def test_the_split_prediction_covers_the_compilers_layer(predicted_and_built):
    plan, before, after = (predicted_and_built[k] for k in ("plan", "before", "after"))
    split = _figure(plan, r"predicted: removes (\d+(?:\.\d)? \w+), the layers of the lines that move to the builder")
    compilers = layers_of_line(before, 4)[0].stats.total_bytes
    assert split >= compilers * 0.999  # printed to one decimal
    total = _figure(plan, r"# predicted in all: removes (\d+(?:\.\d)? \w+) of")
    saved = before.total_bytes - after.total_bytes
    above_base = (sum(layer.stats.total_bytes for layer in before.layers if not layer.base)
                  - sum(layer.stats.total_bytes for layer in after.layers if not layer.base))
    print(f"\nsplit: predicted {human_bytes(split)} (compilers' layer {human_bytes(compilers)}); in all: "
          f"predicted {human_bytes(total)}; actual saving {human_bytes(saved)} of {human_bytes(before.total_bytes)} "
          f"({human_bytes(above_base)} above the base images)")
    # what was counted is removed for real; the base swap, not counted, saves more on top
    assert saved >= total
