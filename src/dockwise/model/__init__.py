"""The build model: what a Dockerfile builds, stage by stage (BuildKit's semantics).

::

    model = build_model(dockerfile_tree, build_args=None, target=None)  # never raises on unknowns
    model.stages, model.global_args, model.final_stage, model.edges, model.images
    model.stage_of(instr), model.state_at(instr), model.scope_at(instr)
    model.expand(text, instr) -> Value, model.expand_words(text, instr) -> list[Value]
    model.expand_as_builder(text, instr) -> str | None  # BuildKit's result, unset vars -> ""
    model.expanded_args(instr) -> list[Value]          # args as the builder uses them
    model.expanded_flag(instr, "chown") -> Value | None
    model.stage_by_name(name), model.dependencies(stage), model.dependents(stage)
    model.required_stages(), model.unused_stages()
    model_to_dict(model) -> dict                       # JSON-ready summary

    Value(text, known, unknown, undeclared, error)     # unknown references kept as written
    Stage(index, name, from_instruction, base, base_ref, base_stage, is_scratch, platform,
          instructions, is_final, end_state, label, lineage, root)
    InstructionState(stage, user, workdir, shell, env, args, workdir_known, workdir_set,
                     user_instruction, variables)

What the rules, the context analyzer and the image analyzer read, each once, here:

    model.stages   lineage(stage), shipped_stages(model), ships(model, instr),
                   layer_number(model, instr), layer_instructions(model), build_chain(model),
                   effective_instruction(stage, kw), all_instructions(model), instruction_groups(model)
    model.copies   copy_sources(model, instr), all_copy_sources(model) -> CopySource (expanded)
    model.words    instruction_words(instr), split_body, word_span, assignments(instr), ...
    model.runs     collect_runs(model, script_of) -> Run, onbuild_script, run_mounts,
                   cache_mounted, scoped_value, expanded_word, env_truthy
    model.shell    parse_run/parse_shell -> ShellScript; Command.invocation() (the one option
                   parser), removed_words, path_covers, ShellScript.removes_after / writes()

See :mod:`dockwise.model.build` for the semantics, :mod:`.imageref` for image references,
:mod:`dockwise.syntax.words` for the word lexer and :mod:`.shell` for the RUN shell model.
"""

from __future__ import annotations

from dockwise.model.build import (  # noqa: F401
    AUTOMATIC_PLATFORM_ARGS, DEFAULT_SHELL, DEFAULT_WORKDIR, EXPANDED_KEYWORDS, BuildModel, ImageUse,
    InstructionState, Stage, StageEdge, UnknownTargetError, build_model, join_workdir, model_to_dict,
    mount_options,
)
from dockwise.model.imageref import ImageRef, parse_image_ref  # noqa: F401
from dockwise.model.values import Scope, Value  # noqa: F401

__all__ = [
    "BuildModel", "Stage", "StageEdge", "ImageUse", "InstructionState", "Value", "Scope", "ImageRef",
    "build_model", "model_to_dict", "parse_image_ref", "join_workdir", "mount_options", "UnknownTargetError",
    "AUTOMATIC_PLATFORM_ARGS", "DEFAULT_SHELL", "DEFAULT_WORKDIR", "EXPANDED_KEYWORDS",
]
