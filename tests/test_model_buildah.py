"""The build model against a real builder: buildah builds a Dockerfile and we compare what it
recorded in the image config (labels, ENV, WORKDIR, USER) with what the model says.

Only semantics BuildKit and buildah share are probed (buildah 1.28 does not hand stage ARGs
down to child stages, BuildKit does; that case is covered in test_model.py)."""

from __future__ import annotations

import json

import pytest

from dockwise.model import build_model
from dockwise.syntax import parse_dockerfile

pytestmark = pytest.mark.buildah

DOCKERFILE = """\
ARG GLOBAL=global-default
ARG NOT_REDECLARED=nope
ARG BASE
FROM ${BASE} AS first
ARG GLOBAL
ARG LOCAL=local-$GLOBAL
ARG SHADOWED=from-arg
ENV FROM_ARG=$LOCAL SHADOWED=from-env QUOTED="a  b" SINGLE='$LOCAL'
WORKDIR /srv
WORKDIR app/../sub
USER 1000:${GLOBAL:+100}
LABEL global=$GLOBAL local=$LOCAL from_arg=$FROM_ARG shadowed=$SHADOWED quoted="$QUOTED" \\
      single="$SINGLE" unset_default=${UNSET:-fallback} set_alt=${LOCAL:+alt} escaped=\\$LOCAL \\
      not_redeclared=x$NOT_REDECLARED braces="${FROM_ARG}!"
FROM first
ENV CHILD=$FROM_ARG-child
WORKDIR deeper
LABEL child=$CHILD inherited=$SHADOWED
"""


def _config(buildah, image: str) -> dict:
    data = json.loads(buildah.run("inspect", "--type", "image", image).stdout)
    return data.get("Docker", {}).get("config") or data["OCIv1"]["config"]


def test_model_matches_what_buildah_built(buildah, tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(DOCKERFILE)
    build_args = {"GLOBAL": "from-cli", "BASE": buildah.base_image()}
    extra = tuple(arg for name, value in build_args.items() for arg in ("--build-arg", f"{name}={value}"))
    config = _config(buildah, buildah.build(ctx, "model-probe", extra_args=extra))

    model = build_model(parse_dockerfile(DOCKERFILE), build_args=build_args)
    expected_labels = {}
    for instr in model.dockerfile.instructions:
        if instr.keyword == "LABEL":  # the parser gives (key, value, "=") triples
            for key, raw in zip(instr.args[0::3], instr.args[1::3]):
                value = model.expand(raw, instr)
                # an unknown value is kept verbatim by the model; the builder makes it ""
                expected_labels[key] = value.text if value.known else model.expand_as_builder(raw, instr)
    labels = {k: v for k, v in config["Labels"].items() if not k.startswith("io.buildah")}
    assert labels == expected_labels
    assert expected_labels["not_redeclared"] == "x"  # a global ARG a stage did not re-declare is empty

    end = model.final_stage.end_state
    env = dict(item.split("=", 1) for item in config["Env"])
    assert {name: value.text for name, value in end.env.items()} == {k: v for k, v in env.items() if k != "PATH"}
    assert end.workdir == config["WorkingDir"] == "/srv/sub/deeper"
    assert end.user.text == config["User"] == "1000:100"
