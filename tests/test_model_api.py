"""The model's query API that rules, the context analyzer and the image analyzer read: the one
option parser, what a RUN removes, stage lineage and the shipped stages, the layer index,
expanded COPY/ADD sources, instruction words and assignments."""

from __future__ import annotations

from dockwise.model import build_model
from dockwise.model.copies import all_copy_sources, copy_sources
from dockwise.model.shell import parse_shell, path_covers, removed_words, split_invocation
from dockwise.model.stages import (
    build_chain, effective_instruction, layer_instructions, layer_number, lineage, shipped_stages, ships,
)
from dockwise.model.words import assignments, instruction_words
from dockwise.syntax import parse_dockerfile


def model_of(text: str, **kwargs):
    return build_model(parse_dockerfile(text), **kwargs)


def lines(instructions):
    return [i.line for i in instructions]


# ---- what a RUN removes --------------------------------------------------------------------------


def test_find_name_delete_removes_the_matches_not_the_folder():
    script = parse_shell("find /usr/lib/python3 -name '*.pyc' -delete")
    (command,) = script.commands
    assert [w.value for w in removed_words(command)] == ["/usr/lib/python3/*.pyc"]
    assert script.removes_after(-1, "/usr/lib/python3/x/y.pyc")
    assert not script.removes_after(-1, "/usr/lib/python3")
    assert not script.removes_after(-1, "/usr/lib/python3/site-packages/app.py")


def test_find_delete_without_a_name_removes_the_folder():
    script = parse_shell("find /var/lib/apt/lists -mindepth 1 -delete")
    assert script.removes_after(-1, "/var/lib/apt/lists")


def test_find_with_a_filter_it_cannot_follow_removes_nothing_known():
    for text in ("find /tmp -mtime +1 -delete", "find /tmp -path '*/x' -delete", "find /tmp -name x -print"):
        script = parse_shell(text)
        assert removed_words(script.commands[0]) == []
        assert not script.removes_after(-1, "/tmp")


def test_find_exec_rm_counts_only_when_rm_is_the_executed_program():
    assert parse_shell("find /tmp/build -exec rm -rf {} +").removes_after(-1, "/tmp/build")
    assert not parse_shell("find /tmp/build -exec grep rm {} +").removes_after(-1, "/tmp/build")


def test_find_on_an_expanding_root_is_not_the_working_directory():
    script = parse_shell('find "$BUILD_DIR" -delete', workdir="/app")
    assert not script.removes("/app/src")
    assert [w.text for w in removed_words(script.commands[0])] == ['"$BUILD_DIR"']


def test_path_covers_parents_globs_and_emptied_folders():
    assert path_covers("/var/lib/apt/lists/*", "/var/lib/apt/lists")
    assert path_covers("/var/lib/apt", "/var/lib/apt/lists")
    assert path_covers("/tmp/*.tar.gz", "/tmp/jdk.tar.gz")
    assert not path_covers("/var/lib/apt/lists/partial", "/var/lib/apt/lists")
    assert not path_covers("/var/lib/apt", "/var/lib/apt/lists", recursive=False)


# ---- one option parser --------------------------------------------------------------------------


def test_invocation_splits_once_with_the_programs_value_options():
    (command,) = parse_shell("apt-get -o Dpkg::Options::=--force-confnew -qy install --no-install-recommends curl").commands
    call = command.invocation()
    assert call.subcommand == "install" and call.sub == "install"
    assert call.subcommand_word.text == "install"
    assert [w.value for w in call.operands] == ["curl"]
    assert call.flags == ["-o", "-qy", "--no-install-recommends"]
    assert call.values("-o") == ["Dpkg::Options::=--force-confnew"]
    assert call.has("-y") and call.has("--no-install-recommends") and not call.has("-s")
    assert command.invocation() is call  # parsed once


def test_invocation_with_given_value_options_and_the_rest_after_double_dash():
    (command,) = parse_shell("gem install --version 1.2 bundler -- --with-cflags=-O2").commands
    call = command.invocation(frozenset({"--version"}))
    assert call.sub == "install" and [w.value for w in call.operands] == ["bundler"]
    assert call.values("--version") == ["1.2"]
    assert [w.value for w in call.rest] == ["--with-cflags=-O2"]
    assert [w.value for w in command.positionals()] == ["install", "bundler", "--with-cflags=-O2"]


def test_a_quoted_option_whose_value_expands_is_an_option():
    (command,) = parse_shell('pip install "--index-url=$INDEX" flask').commands
    call = command.invocation()
    assert call.sub == "install" and [w.value for w in call.operands] == ["flask"]
    assert call.values("--index-url") == ["$INDEX"]
    assert command.has_option("--index-url")


def test_invocation_with_two_leading_words():
    (command,) = parse_shell("python -m pip install -r req.txt x").commands
    call = split_invocation(command, frozenset({"-r"}), words=command.args[2:])
    assert call.sub == "install" and [w.value for w in call.operands] == ["x"]


# ---- stages, shipped stages, layer index ----------------------------------------------------------

MULTI = """\
ARG BASE=builder
FROM golang:1.22 AS builder
RUN go build -o /app .
ENV CGO_ENABLED=0
FROM ${BASE} AS tested
RUN go test ./...
USER app
FROM alpine:3.20 AS tools
RUN apk add --no-cache git
FROM tested
COPY --from=tools /usr/bin/git /usr/bin/git
CMD ["/app"]
"""


def test_lineage_and_shipped_stages_follow_from_through_expanded_args():
    model = model_of(MULTI)
    final = model.final_stage
    assert [s.index for s in lineage(final)] == [3, 1, 0]
    assert [s.index for s in shipped_stages(model)] == [3, 1, 0]
    tools_run = model.stages[2].instructions[0]
    assert not ships(model, tools_run) and ships(model, model.stages[0].instructions[0])


def test_layer_index_counts_run_copy_add_of_the_lineage_in_build_order():
    model = model_of(MULTI)
    assert lines(layer_instructions(model)) == [3, 6, 11]
    assert [layer_number(model, i) for i in layer_instructions(model)] == [1, 2, 3]
    assert layer_number(model, model.stages[2].instructions[0]) == 1  # its own stage's first layer
    env = model.stages[0].instructions[1]
    assert env.keyword == "ENV" and layer_number(model, env) is None


def test_build_chain_for_a_target_and_its_base_from():
    model = model_of(MULTI, target="tested")
    chain, base_from = build_chain(model)
    assert lines(chain) == [3, 4, 6, 7] and base_from.line == 2
    assert effective_instruction(model.final_stage, "USER").line == 7
    assert effective_instruction(model.stages[0], "USER") is None


# ---- COPY/ADD sources ----------------------------------------------------------------------------


def test_copy_sources_are_expanded_where_known_and_unknown_kept_unknown():
    model = model_of("FROM alpine\nARG APP=api\nCOPY ${APP}/src $OTHER/lib /srv/\n"
                     "ADD https://example.com/x.tgz /opt/\nCOPY --from=build /out /out\n")
    copy, add, from_stage = (copy_sources(model, i) for i in model.stages[0].instructions[1:])
    assert [(s.raw, s.text, s.known) for s in copy] == [("${APP}/src", "api/src", True),
                                                         ("$OTHER/lib", "$OTHER/lib", False)]
    assert copy[0].from_context and add[0].is_url and not add[0].from_context
    assert not from_stage[0].from_context
    assert copy[0].span.start.column == 6


def test_onbuild_copy_sources_do_not_see_this_builds_args():
    model = model_of("FROM alpine\nARG APP=api\nONBUILD COPY $APP/ /srv\nCOPY <<EOF /x\nhi\nEOF\n")
    (source,) = all_copy_sources(model)
    assert source.onbuild and not source.known and source.text == "$APP/"


# ---- instruction words and assignments -----------------------------------------------------------


def test_instruction_words_and_assignments_with_positions():
    model = model_of('FROM alpine\nENV A=1 B="two words"\nENV LEGACY some value\nCOPY ["a b", "/c"]\n')
    env, legacy, copy = model.stages[0].instructions
    pairs = assignments(env)
    assert [(p.name_text, p.value) for p in pairs] == [("A", "1"), ("B", "two words")]
    assert env.body[pairs[1].value_start:pairs[1].value_end] == '"two words"'
    assert [(p.name_text, p.value) for p in assignments(legacy)] == [("LEGACY", "some value")]
    assert [w.value for w in instruction_words(copy)] == ["a b", "/c"]


def test_find_sparing_a_few_names_removes_the_rest():
    script = parse_shell("find /var/lib/apt/lists/ -type f -not -name lock -delete")
    assert script.removes_after(-1, "/var/lib/apt/lists")


def test_copy_sources_of_the_json_form_keep_how_they_are_written():
    model = model_of('FROM alpine\nADD [".", "/srv/"]\n')
    (source,) = copy_sources(model, model.stages[0].instructions[0])
    assert (source.raw, source.written, source.text) == (".", '"."', ".")


def test_run_scripts_are_parsed_once_under_the_shell_in_effect():
    from dockwise.model.runs import collect_runs, run_script

    model = model_of('FROM alpine\nSHELL ["/bin/bash", "-c"]\nRUN echo {a,b}\nONBUILD RUN make\n')
    run, onbuild = collect_runs(model)
    assert run.script is run_script(model, run.run) and run.script.language == "bash"
    assert onbuild.onbuild and [c.name for c in onbuild.find("make")] == ["make"]
