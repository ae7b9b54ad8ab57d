"""The build model: stages, ARG/ENV scoping, effective state and stage dependencies."""

from __future__ import annotations

import pytest

from dockwise.errors import DockwiseError
from dockwise.model import Value, build_model
from dockwise.syntax import parse_dockerfile


def parse_text(text: str):
    return parse_dockerfile(text)


def model_of(text: str, **kwargs):
    return build_model(parse_text(text), **kwargs)


def instr(model, keyword: str, nth: int = 0):
    found = [i for i in model.dockerfile.instructions if i.keyword == keyword]
    return found[nth]


# -- stages and bases ---------------------------------------------------------------------

def test_stages_in_file_order_with_lower_cased_names():
    m = model_of("FROM golang:1.22 AS Build\nRUN go build\nFROM scratch\nCOPY --from=BUILD /app /app\n")
    assert [s.name for s in m.stages] == ["build", None]
    assert [s.index for s in m.stages] == [0, 1]
    assert m.stage_by_name("BUILD") is m.stages[0]
    assert m.stages[1].is_scratch and m.stages[1].base_ref is None
    assert m.stages[0].base_ref.familiar == "golang:1.22"
    assert [i.keyword for i in m.stages[0].instructions] == ["RUN"]
    assert m.final_stage is m.stages[1] and m.stages[1].is_final and not m.stages[0].is_final


def test_from_an_earlier_stage_is_not_an_image():
    m = model_of("FROM alpine:3.20 AS base\nFROM base AS test\nFROM BASE\n")
    base, test, last = m.stages
    assert test.base_stage is base and test.base_ref is None
    assert last.base_stage is base
    assert [(e.src.name, e.dst.index, e.kind) for e in m.edges] == [("base", 1, "from"), ("base", 2, "from")]


def test_from_a_later_stage_name_is_an_image():
    m = model_of("FROM app\nFROM alpine AS app\n")
    assert m.stages[0].base_stage is None
    assert m.stages[0].base_ref.repository == "library/app"


def test_global_args_expand_in_from_and_build_args_override():
    text = "ARG PY=3.12\nARG VARIANT=slim\nFROM python:${PY}-${VARIANT}\n"
    m = model_of(text)
    assert m.global_args == {"PY": Value("3.12"), "VARIANT": Value("slim")}
    assert m.stages[0].base == Value("python:3.12-slim")
    assert m.stages[0].base_ref.tag == "3.12-slim"
    m = model_of(text, build_args={"PY": "3.13"})
    assert m.stages[0].base.text == "python:3.13-slim"


def test_unknown_base_stays_unknown_and_verbatim():
    m = model_of("ARG TAG\nFROM python:${TAG}\n")
    stage = m.stages[0]
    assert stage.base.text == "python:${TAG}"
    assert not stage.base.known and stage.base.unknown == ("TAG",)
    assert stage.base_ref is None
    assert m.global_args["TAG"].known is False
    assert model_of("ARG TAG\nFROM python:${TAG}\n", build_args={"TAG": "3"}).stages[0].base_ref.tag == "3"


def test_undeclared_variable_in_from_is_reported_as_such():
    stage = model_of("FROM python:$NOPE\n").stages[0]
    assert not stage.base.known
    assert stage.base.undeclared == ("NOPE",)


def test_platform_args_are_available_in_from_but_unknown():
    m = model_of("FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETARCH\nRUN echo\n")
    stage = m.stages[0]
    assert stage.platform.text == "$BUILDPLATFORM"
    assert stage.platform.unknown == ("BUILDPLATFORM",) and stage.platform.undeclared == ()
    state = m.state_at(instr(m, "RUN"))
    assert not state.args["TARGETARCH"].known
    m = model_of("FROM --platform=$BUILDPLATFORM golang\n", build_args={"BUILDPLATFORM": "linux/amd64"})
    assert m.stages[0].platform == Value("linux/amd64")


# -- ARG / ENV scoping ----------------------------------------------------------------------

def test_global_arg_is_not_visible_in_a_stage_until_redeclared():
    text = "ARG VERSION=1.0\nFROM alpine\nLABEL a=$VERSION\nARG VERSION\nLABEL b=$VERSION\n"
    m = model_of(text)
    before = m.expand("$VERSION", instr(m, "LABEL", 0))
    assert not before.known and before.undeclared == ("VERSION",)
    assert m.expand("$VERSION", instr(m, "LABEL", 1)) == Value("1.0")
    assert m.state_at(instr(m, "LABEL", 1)).args["VERSION"] == Value("1.0")
    m2 = model_of(text, build_args={"VERSION": "2"})
    assert m2.expand("$VERSION", instr(m2, "LABEL", 1)) == Value("2")


def test_stage_arg_visible_from_its_declaration_and_build_arg_overrides():
    text = "FROM alpine\nRUN a\nARG MODE=release\nRUN b\n"
    m = model_of(text)
    assert "MODE" not in m.state_at(instr(m, "RUN", 0)).args
    assert m.state_at(instr(m, "RUN", 1)).args["MODE"] == Value("release")
    m = model_of(text, build_args={"MODE": "debug"})
    assert m.state_at(instr(m, "RUN", 1)).args["MODE"] == Value("debug")


def test_arg_without_value_is_unknown_not_empty():
    m = model_of("FROM alpine\nARG TOKEN\nRUN x\n")
    value = m.state_at(instr(m, "RUN")).args["TOKEN"]
    assert not value.known and value.unknown == ("TOKEN",)


def test_env_overrides_arg_of_the_same_name():
    m = model_of("FROM alpine\nARG V=arg\nENV V=env\nLABEL x=$V\nARG V\nLABEL y=$V\n")
    assert m.expand("$V", instr(m, "LABEL", 0)) == Value("env")
    assert m.expand("$V", instr(m, "LABEL", 1)) == Value("env")
    m = model_of("FROM alpine\nARG V\nENV V=env\nLABEL x=$V\n", build_args={"V": "cli"})
    assert m.expand("$V", instr(m, "LABEL")) == Value("env")


def test_env_values_expand_with_the_env_before_the_line():
    m = model_of("FROM alpine\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\nRUN x\n")
    env = m.state_at(instr(m, "RUN")).env
    assert env["def"] == Value("hello")
    assert env["ghi"] == Value("bye")


def test_env_quotes_and_legacy_form():
    m = model_of('FROM alpine\nENV A="x y" B=\'$lit\'\nENV C d e\nRUN x\n')
    env = m.state_at(instr(m, "RUN")).env
    assert env["A"] == Value("x y") and env["B"] == Value("$lit") and env["C"] == Value("d e")


def test_env_referring_to_base_image_variable_stays_unknown():
    m = model_of("FROM python:3\nENV PATH=/opt/venv/bin:$PATH\nRUN x\n")
    path = m.state_at(instr(m, "RUN")).env["PATH"]
    assert path.text == "/opt/venv/bin:$PATH" and not path.known


def test_scratch_has_buildkit_default_path():
    m = model_of("FROM scratch\nENV PATH=/app:$PATH\nCOPY a b\n")
    assert m.state_at(instr(m, "COPY")).env["PATH"].text.startswith("/app:/usr/local/sbin:")


def test_env_and_args_are_inherited_from_a_base_stage():
    text = ("FROM alpine AS base\nARG A=1\nENV E=$A\nUSER app\nWORKDIR /srv\nSHELL [\"/bin/bash\", \"-c\"]\n"
            "FROM base\nRUN x\n")
    m = model_of(text)
    state = m.state_at(instr(m, "RUN"))
    assert state.stage is m.stages[1]
    assert state.env["E"] == Value("1")
    assert state.args["A"] == Value("1")  # BuildKit hands stage ARGs down to child stages
    assert state.user == Value("app") and state.workdir == "/srv"
    assert state.shell == ["/bin/bash", "-c"]


def test_instructions_not_expanded_by_the_builder_keep_their_text():
    m = model_of("FROM alpine\nENV X=1\nRUN echo $X\n")
    assert instr(m, "RUN").args == ["echo $X"]


def test_expand_handles_bad_substitution_without_raising():
    m = model_of("FROM alpine\nRUN x\n")
    value = m.expand("${:bad}", instr(m, "RUN"))
    assert not value.known and value.error and value.text == "${:bad}"


# -- USER / WORKDIR / SHELL --------------------------------------------------------------

def test_effective_user_workdir_shell_defaults():
    m = model_of("FROM alpine\nRUN x\n")
    state = m.state_at(instr(m, "RUN"))
    assert state.user is None and state.workdir == "/" and state.shell == ["/bin/sh", "-c"]
    assert state.env == {} and state.args == {}


def test_state_at_is_the_state_before_the_instruction():
    m = model_of("FROM alpine\nUSER app\nUSER root\nRUN x\n")
    assert m.state_at(instr(m, "USER", 0)).user is None
    assert m.state_at(instr(m, "USER", 1)).user == Value("app")
    state = m.state_at(instr(m, "RUN"))
    assert state.user == Value("root") and state.user_instruction is instr(m, "USER", 1)
    assert m.stages[0].end_state.user == Value("root")


def test_user_is_expanded():
    m = model_of("FROM alpine\nARG UID=1000\nUSER ${UID}:${GID}\nRUN x\n")
    user = m.state_at(instr(m, "RUN")).user
    assert user.text == "1000:${GID}" and user.unknown == ("GID",)


@pytest.mark.parametrize("lines, expected", [
    (["/app"], "/app"),
    (["/app", "src"], "/app/src"),
    (["a", "b"], "/a/b"),
    (["/app", "../srv/"], "/srv"),
    (["/app/", "./x//y"], "/app/x/y"),
    (["/app", "/"], "/"),
])
def test_relative_workdir_joins_the_previous_one(lines, expected):
    text = "FROM alpine\n" + "".join(f"WORKDIR {w}\n" for w in lines) + "RUN x\n"
    m = model_of(text)
    assert m.state_at(instr(m, "RUN")).workdir == expected


def test_workdir_with_env_and_unknown_variable():
    m = model_of("FROM alpine\nENV HOME=/home/app\nWORKDIR $HOME/src\nRUN a\nWORKDIR $X\nRUN b\nWORKDIR /ok\nRUN c\n")
    state = m.state_at(instr(m, "RUN", 0))
    assert state.workdir == "/home/app/src" and state.workdir_known
    state = m.state_at(instr(m, "RUN", 1))
    assert state.workdir == "/home/app/src/$X" and not state.workdir_known
    assert m.state_at(instr(m, "RUN", 2)).workdir_known


def test_workdir_of_an_image_stage_is_not_known_until_an_absolute_workdir():
    m = model_of("FROM golang\nRUN a\nWORKDIR src\nRUN b\nWORKDIR /app\nRUN c\nFROM scratch\nCOPY a b\n")
    a, b, c = (m.state_at(instr(m, "RUN", i)) for i in range(3))
    assert (a.workdir, a.workdir_known, a.workdir_set) == ("/", False, False)
    assert (b.workdir, b.workdir_known, b.workdir_set) == ("/src", False, True)  # golang's own WORKDIR is /go
    assert (c.workdir, c.workdir_known, c.workdir_set) == ("/app", True, True)
    scratch = m.state_at(instr(m, "COPY"))
    assert (scratch.workdir, scratch.workdir_known, scratch.workdir_set) == ("/", True, False)


def test_workdir_set_is_inherited_from_a_base_stage():
    m = model_of("FROM alpine AS a\nWORKDIR /srv\nFROM a\nRUN x\n")
    state = m.state_at(instr(m, "RUN"))
    assert state.workdir == "/srv" and state.workdir_set and state.workdir_known


def test_shell_changes_affect_later_instructions_only():
    m = model_of('FROM alpine\nRUN a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN b\n')
    assert m.state_at(instr(m, "RUN", 0)).shell == ["/bin/sh", "-c"]
    assert m.state_at(instr(m, "RUN", 1)).shell == ["/bin/bash", "-o", "pipefail", "-c"]


# -- stage graph -------------------------------------------------------------------------

GRAPH = """\
FROM node:20 AS deps
RUN npm ci
FROM deps AS build
RUN npm run build
FROM golang:1.22 AS tools
FROM alpine AS unused
FROM nginx:1.27 AS final
COPY --from=build /app/dist /usr/share/nginx/html
RUN --mount=type=bind,from=tools,source=/go/bin,target=/t cp /t/x /x
COPY --from=0 /a /a
COPY --from=busybox:1.36 /bin/busybox /bin/
"""


def test_copy_and_mount_sources_and_required_stages():
    m = model_of(GRAPH)
    deps, build, tools, unused, final = m.stages
    assert m.dependencies(final) == [deps, build, tools]
    kinds = {(e.src.name, e.kind) for e in m.edges if e.dst is final}
    assert kinds == {("build", "copy"), ("tools", "mount"), ("deps", "copy")}
    assert m.dependencies(build) == [deps]
    assert m.required_stages() == [deps, build, tools, final]
    assert m.unused_stages() == [unused]
    images = [(u.kind, u.ref.familiar if u.ref else None) for u in m.images]
    assert ("copy", "busybox:1.36") in images and ("from", "nginx:1.27") in images


def test_target_selects_the_final_stage():
    m = model_of(GRAPH, target="BUILD")
    assert m.final_stage.name == "build" and m.final_stage.is_final
    assert [s.name for s in m.required_stages()] == ["deps", "build"]


def test_unknown_target_is_a_clear_error():
    with pytest.raises(DockwiseError, match="target stage 'nope' could not be found") as error:
        model_of(GRAPH, target="nope")
    assert "named stages: deps, build" in str(error.value)
    with pytest.raises(DockwiseError, match="no stage has a name; name one with `FROM <image> AS"):
        model_of("FROM alpine:3.20.3\nRUN true\n", target="nope")


def test_copy_from_expanded_with_args():
    m = model_of("FROM alpine AS a\nFROM alpine AS b\nARG SRC=a\nCOPY --from=$SRC /x /x\n")
    assert [(e.src.name, e.kind) for e in m.edges] == [("a", "copy")]


def test_stage_of_and_global_instructions():
    m = model_of("ARG X=1\nFROM alpine\nRUN a\n")
    assert m.stage_of(m.dockerfile.instructions[0]) is None
    assert m.state_at(m.dockerfile.instructions[0]) is None
    assert m.state_at(m.dockerfile.instructions[1]).workdir == "/"
    assert m.stage_of(m.dockerfile.instructions[1]) is m.stages[0]
    assert m.stage_of(m.dockerfile.instructions[2]) is m.stages[0]
    assert m.expand("$X", m.dockerfile.instructions[1]) == Value("1")


def test_a_tree_without_instructions_has_no_stages():
    from dockwise.syntax.tree import Dockerfile

    m = build_model(Dockerfile("# nothing\n", None, "\\", [], [], [], []))
    assert m.stages == [] and m.final_stage is None and m.required_stages() == []


def test_from_state_is_what_the_stage_starts_with_and_from_expands_globally():
    m = model_of("ARG V=g\nFROM alpine AS a\nARG V=s\nUSER app\nFROM a\nRUN x\nFROM alpine\nRUN y\n")
    second_from = instr(m, "FROM", 1)
    assert m.state_at(second_from).user == Value("app")
    assert m.expand("$V", second_from) == Value("g")
    assert m.expand("$V", instr(m, "RUN", 0)) == Value("s")
    assert "V" not in m.state_at(instr(m, "RUN", 1)).args
    assert m.state_at(instr(m, "RUN", 1)).user is None


def test_automatic_platform_arg_redeclared_in_a_stage_is_unknown_unless_given():
    m = model_of("FROM alpine\nARG TARGETARCH\nRUN x\n", build_args={"TARGETARCH": "arm64"})
    assert m.state_at(instr(m, "RUN")).args["TARGETARCH"] == Value("arm64")


def test_backtick_escape_directive_is_used_for_expansion():
    m = model_of("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
                 "ENV APP=C:\\app\nWORKDIR $APP\\bin\nUSER `$literal\nRUN x\n")
    state = m.state_at(instr(m, "RUN"))
    assert state.env["APP"] == Value("C:\\app")
    assert state.workdir == "C:\\app\\bin"
    assert state.user == Value("$literal")


def test_stage_arg_default_beats_global_and_build_arg_beats_both():
    text = "ARG V=global\nFROM alpine\nARG V=stage\nRUN x\n"
    m = model_of(text)
    assert m.state_at(instr(m, "RUN")).args["V"] == Value("stage")
    m = model_of(text, build_args={"V": "cli"})
    assert m.state_at(instr(m, "RUN")).args["V"] == Value("cli")
    assert m.global_args["V"] == Value("cli")


def test_args_on_one_stage_line_see_the_ones_before_them():
    m = model_of("FROM alpine\nARG B=${A}x A=1 C=${A}y\nRUN x\n")
    args = m.state_at(instr(m, "RUN")).args
    assert args["A"] == Value("1") and args["C"] == Value("1y")
    assert not args["B"].known and args["B"].text == "${A}x"


def test_global_args_on_one_line_are_sequential():
    m = model_of("ARG A=1 B=${A}x\nFROM alpine:$B\n")
    assert m.stages[0].base == Value("alpine:1x")


def test_build_args_that_are_not_declared_are_ignored():
    m = model_of("FROM alpine:$TAG\n", build_args={"TAG": "3"})
    assert not m.stages[0].base.known


def test_expand_words_splits_and_marks_unknown_words():
    m = model_of("FROM alpine\nARG P=80\nEXPOSE $P ${Q}/udp\n")
    expose = instr(m, "EXPOSE")
    words = m.expand_words(" ".join(expose.args), expose)
    assert [w.text for w in words] == ["80", "${Q}/udp"]
    assert words[0].known and not words[1].known and words[1].unknown == ("Q",)
    assert m.expand_words('"a b" c', expose) == [Value("a b"), Value("c")]


def test_onbuild_trigger_belongs_to_the_stage_but_has_no_state():
    m = model_of("FROM alpine\nONBUILD USER nobody\nRUN x\n")
    onbuild = instr(m, "ONBUILD")
    assert m.stage_of(onbuild.onbuild) is m.stages[0]
    assert m.state_at(onbuild.onbuild) is None
    assert m.state_at(instr(m, "RUN")).user is None


def test_expanded_args_follow_what_the_builder_expands():
    m = model_of('ARG IMG=alpine\nFROM $IMG AS b\nARG D=/srv P="8080 9090"\nENV $D=x K="$D y"\n'
                 'COPY ["$D/a", "${D}/b"]\nEXPOSE $P\nRUN echo $D\nUSER ${U:-app}\n')
    assert [v.text for v in m.expanded_args(instr(m, "FROM"))] == ["alpine", "AS", "b"]
    assert [v.text for v in m.expanded_args(instr(m, "ENV"))] == ["/srv", "x", "K", "/srv y"]
    assert [v.text for v in m.expanded_args(instr(m, "COPY"))] == ["/srv/a", "/srv/b"]
    assert [v.text for v in m.expanded_args(instr(m, "EXPOSE"))] == ["8080", "9090"]
    assert [v.text for v in m.expanded_args(instr(m, "RUN"))] == ["echo $D"]
    user = m.expanded_args(instr(m, "USER"))[0]
    assert user.text == "${U:-app}" and user.undeclared == ("U",)
    assert [v.text for v in m.expanded_args(instr(m, "ARG", 1))] == ["D=/srv", 'P="8080 9090"']


def test_model_to_dict_is_json_ready_and_keeps_unknowns():
    import json

    from dockwise.model import model_to_dict

    m = model_of("ARG TAG\nFROM python:${TAG} AS build\nENV P=/x:$PATH\nFROM scratch\n"
                 "COPY --from=build /a /a\nUSER 1000\n")
    data = json.loads(json.dumps(model_to_dict(m)))
    assert data["global_args"]["TAG"] == {"text": "${TAG}", "unknown": ["TAG"]}
    build, final = data["stages"]
    assert build["base"] == {"text": "python:${TAG}", "unknown": ["TAG"]} and build["required"]
    assert build["end_state"]["env"]["P"]["undeclared"] == ["PATH"]
    assert final["scratch"] and final["final"] and final["end_state"]["user"] == "1000"
    assert final["reads"] == [{"stage": 0, "kind": "copy", "line": 5}]
    assert data["final_stage"] == 1


def test_platform_components_follow_a_given_platform():
    text = "FROM --platform=$BUILDPLATFORM golang\nARG TARGETOS TARGETARCH TARGETVARIANT\nRUN x\n"
    m = model_of(text, build_args={"TARGETPLATFORM": "linux/arm64/v8"})
    args = m.state_at(instr(m, "RUN")).args
    assert (args["TARGETOS"], args["TARGETARCH"], args["TARGETVARIANT"]) == (
        Value("linux"), Value("arm64"), Value("v8"))
    assert not m.stages[0].platform.known  # BUILDPLATFORM was not given
    m = model_of(text, build_args={"TARGETPLATFORM": "linux/amd64", "TARGETARCH": "amd64"})
    assert m.state_at(instr(m, "RUN")).args["TARGETVARIANT"] == Value("")


def test_only_lower_case_scratch_is_the_empty_base():
    m = model_of("FROM scratch\nFROM SCRATCH\n")
    assert m.stages[0].is_scratch
    assert not m.stages[1].is_scratch and m.stages[1].base_ref is None  # BuildKit: invalid reference


def test_expand_as_builder_gives_buildkits_result_with_defaults():
    m = model_of("ARG TAG\nARG V=3\nFROM python:${TAG}\nRUN x\n")
    from_instr = instr(m, "FROM")
    assert m.expand_as_builder("python:${TAG}", from_instr) == "python:"  # BuildKit: invalid reference
    assert m.expand_as_builder("python:${TAG:-$V}", from_instr) == "python:3"
    assert m.expand_as_builder("${TAG", from_instr) is None


def test_env_keys_are_expanded_too():
    m = model_of("FROM alpine\nARG NAME=GREETING\nENV $NAME=hello\nRUN x\n")
    assert m.state_at(instr(m, "RUN")).env == {"GREETING": Value("hello")}


def test_expanded_flag():
    m = model_of("ARG P=linux/arm64\nFROM --platform=$P alpine\nARG U=app\nCOPY --chown=$U:$G a b\n")
    copy = instr(m, "COPY")
    chown = m.expanded_flag(copy, "chown")
    assert chown.text == "app:$G" and chown.undeclared == ("G",)
    assert m.expanded_flag(copy, "chmod") is None
    assert m.expanded_flag(instr(m, "FROM"), "platform") == Value("linux/arm64")


def test_redeclaring_a_value_less_global_arg_does_not_hide_an_env():
    m = model_of("ARG X\nFROM alpine\nENV X=env\nARG X\nLABEL a=$X\n")
    assert m.expand("$X", instr(m, "LABEL")) == Value("env")
    assert not m.state_at(instr(m, "LABEL")).args["X"].known


def test_stage_lineage_and_root_image():
    m = model_of("FROM python:3.12 AS base\nFROM base AS deps\nFROM deps AS final\nFROM scratch AS other\n")
    base, deps, final, other = m.stages
    assert final.lineage == [final, deps, base]
    assert final.root is base and final.root.base_ref.familiar == "python:3.12"
    assert other.lineage == [other] and other.root.is_scratch


def test_absurdly_nested_arg_default_is_an_unknown_value_not_a_crash():
    from dockwise.model import build_model
    from dockwise.syntax import parse_dockerfile

    deep = "${B:-" * 300 + "x" + "}" * 300
    tree = parse_dockerfile(f"FROM alpine\nARG A={deep}\nENV C=$A\nRUN echo $C\n", "Dockerfile")
    model = build_model(tree)
    run = tree.instructions[-1]
    value = model.state_at(run).scope.expand("$A")
    assert not value.known
