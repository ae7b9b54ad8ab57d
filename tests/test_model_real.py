"""The build model on every real-world Dockerfile of the shared corpus that parses."""

from __future__ import annotations

import pytest

from dockwise.errors import DockwiseError
from dockwise.model import build_model
from tests.conftest import corpus_dir
from tests.test_model import parse_text

pytestmark = pytest.mark.corpus


def _dockerfiles():
    root = corpus_dir("real")
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith((".dockerignore", ".md")))


def _parsed(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    return _parsed_text(text)


def _parsed_text(text):
    try:
        return parse_text(text)
    except DockwiseError:
        return None


def test_model_builds_for_every_real_dockerfile_that_parses():
    trees = ((str(path), _parsed(path)) for path in _dockerfiles())
    built, problems = _build_all((name, tree) for name, tree in trees if tree is not None)
    assert built > 5000
    assert not problems, "\n".join(problems[:20])


def _build_all(named_trees) -> tuple[int, list[str]]:
    """Build the model of each (name, tree); return how many built and every problem, named."""
    built = 0
    problems = []
    for name, tree in named_trees:
        try:
            model = build_model(tree)
        except Exception as exc:  # noqa: BLE001 - any exception is a failure to report
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        built += 1
        problems.extend(f"{name}: {p}" for p in _inconsistencies(model))
    return built, problems


def _inconsistencies(model):
    froms = [i for i in model.dockerfile.instructions if i.keyword == "FROM"]
    if len(model.stages) != len(froms):
        yield f"{len(froms)} FROM lines but {len(model.stages)} stages"
    if model.stages and model.final_stage is not model.stages[-1]:
        yield "final stage is not the last stage"
    if model.stages and model.final_stage not in model.required_stages():
        yield "final stage not required"
    seen_from = False
    for instruction in model.dockerfile.instructions:
        seen_from = seen_from or instruction.keyword == "FROM"
        if seen_from and model.stage_of(instruction) is None:
            yield f"line {instruction.line}: no stage"
        if seen_from and instruction.keyword != "FROM" and model.state_at(instruction) is None:
            yield f"line {instruction.line}: no state"
    for stage in model.stages:
        if stage.base_ref is not None and (stage.is_scratch or stage.base_stage is not None):
            yield f"stage {stage.index}: image ref on a scratch/stage base"
        if stage.end_state.workdir_known and not stage.end_state.workdir.startswith("/") and ":" not in stage.end_state.workdir:
            yield f"stage {stage.index}: relative WORKDIR {stage.end_state.workdir!r}"


def test_model_builds_for_buildkit_parser_cases_and_hadolint_snippets():
    import json

    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus_dir("buildkit-parser").glob("*/Dockerfile"))]
    cases = corpus_dir("hadolint-cases") / "cases.jsonl"
    texts += [json.loads(line)["dockerfile"] + "\n" for line in cases.read_text(encoding="utf-8").splitlines()]
    trees = ((f"#{number}", _parsed_text(text)) for number, text in enumerate(texts))
    built, problems = _build_all((name, tree) for name, tree in trees if tree is not None)
    assert built > 1000
    assert not problems, "\n".join(problems[:20])
