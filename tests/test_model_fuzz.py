"""Property tests: any Dockerfile that parses gets a model, and the model's invariants hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.errors import DockwiseError
from dockwise.model import build_model
from dockwise.syntax import parse_dockerfile

NAMES = st.sampled_from(["A", "B", "TAG", "HOME", "TARGETARCH", "PATH"])
REFS = st.one_of(NAMES.map(lambda n: "$" + n), NAMES.map(lambda n: "${" + n + ":-d}"),
                 st.sampled_from(["x", "1.0", "/srv", "a b", "'q $A'", '"$A/x"', "${", "${A:?}"]))
STAGES = st.sampled_from(["build", "base", "0", "1", "Build", "nope", "alpine:3", "$A"])
LINES = st.one_of(
    st.tuples(st.sampled_from(["alpine", "scratch", "build", "base", "python:$TAG", "$A", "${B:-x}"]),
              st.sampled_from(["", " AS build", " AS base", " AS Base"]),
              st.sampled_from(["", "--platform=$BUILDPLATFORM "])).map(lambda t: f"FROM {t[2]}{t[0]}{t[1]}"),
    st.tuples(NAMES, st.one_of(st.just(None), REFS)).map(lambda t: f"ARG {t[0]}" + ("" if t[1] is None else f"={t[1]}")),
    st.tuples(NAMES, REFS).map(lambda t: f"ENV {t[0]}={t[1]}"),
    REFS.map(lambda r: f"USER {r}"),
    REFS.map(lambda r: f"WORKDIR {r}"),
    STAGES.map(lambda s: f"COPY --from={s} /a /b"),
    STAGES.map(lambda s: f"RUN --mount=type=bind,from={s},target=/t true"),
    st.just('SHELL ["/bin/bash", "-c"]'),
    st.just("RUN echo $A"),
    st.just("ONBUILD RUN x"),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=12), st.dictionaries(NAMES, st.sampled_from(["1", "v", ""]), max_size=2))
def test_any_parsable_dockerfile_gets_a_consistent_model(lines, build_args):
    text = "\n".join(lines) + "\n"
    try:
        tree = parse_dockerfile(text)
    except DockwiseError:
        return
    model = build_model(tree, build_args=build_args)
    froms = [i for i in tree.instructions if i.keyword == "FROM"]
    assert len(model.stages) == len(froms)
    if model.stages:
        assert model.final_stage is model.stages[-1]
        assert model.required_stages()[-1] is model.final_stage
    for stage in model.stages:
        assert stage.end_state is not None
        if stage.base_stage is not None:
            assert stage.base_stage.index < stage.index
        assert not (stage.is_scratch and stage.base_ref is not None)
        for instruction in stage.instructions:
            state = model.state_at(instruction)
            assert state is not None and state.stage is stage
            assert state.workdir.startswith("/") or not state.workdir_known
            for value in list(state.env.values()) + list(state.args.values()):
                assert value.known == (not value.unknown and value.error is None)
    for edge in model.edges:
        assert edge.src is not edge.dst
