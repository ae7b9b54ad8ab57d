"""The build model: what a Dockerfile builds, stage by stage.

::

    model = build_model(dockerfile_tree, build_args=None, target=None)
    model.stages, model.global_args, model.final_stage, model.edges
    model.stage_of(instr), model.state_at(instr), model.expand(text, instr)
    model.stage_by_name(name), model.dependencies(stage), model.required_stages()

See :mod:`dockwise.model.build` for the BuildKit semantics it follows, :mod:`.imageref` for image
references and :mod:`.shell` for the RUN shell model.
"""

from __future__ import annotations

from dockwise.model.build import (  # noqa: F401
    AUTOMATIC_PLATFORM_ARGS, DEFAULT_SHELL, DEFAULT_WORKDIR, EXPANDED_KEYWORDS, BuildModel, ImageUse,
    InstructionState, Stage, StageEdge, UnknownTargetError, build_model, join_workdir, mount_options,
)
from dockwise.model.imageref import ImageRef, parse_image_ref  # noqa: F401
from dockwise.model.values import Scope, Value  # noqa: F401

__all__ = [
    "BuildModel", "Stage", "StageEdge", "ImageUse", "InstructionState", "Value", "Scope", "ImageRef",
    "build_model", "parse_image_ref", "join_workdir", "mount_options", "UnknownTargetError",
    "AUTOMATIC_PLATFORM_ARGS", "DEFAULT_SHELL", "DEFAULT_WORKDIR", "EXPANDED_KEYWORDS",
]
