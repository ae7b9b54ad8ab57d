"""parse_run on real Dockerfile instructions: exact spans across continuation lines, heredocs,
exec form, SHELL, and every RUN of the public corpus."""

from __future__ import annotations

import pytest

from dockwise.errors import DockwiseError
from dockwise.model.shell import parse_run
from dockwise.syntax import parser
from tests.conftest import corpus_dir


def runs(source: str):
    return [i for i in parser.parse(source).instructions if i.keyword == "RUN"]


def text_at(source: str, span) -> str:
    return source[span.start.offset:span.end.offset]


def where(span) -> tuple[int, int, int, int]:
    return (span.start.line, span.start.column, span.end.line, span.end.column)


APT_CHAIN = """FROM debian:bookworm
RUN set -eux; \\
    apt-get update \\
      && apt-get -y --no-install-recommends install \\
# a comment line inside the continuation
         curl ca-certificates \\
      && rm -rf /var/lib/apt/lists/*
"""


def test_multi_line_apt_chain_has_exact_spans():
    (run,) = runs(APT_CHAIN)
    script = parse_run(run)
    assert [c.name for c in script.commands] == ["set", "apt-get", "apt-get", "rm"]
    install = script.commands[2]
    word = next(w for w in install.args if w.value == "install")
    assert where(word.span) == (4, 45, 4, 52)
    assert text_at(APT_CHAIN, word.span) == "install"
    curl = install.operands()[0]
    assert curl.value == "curl" and where(curl.span) == (6, 10, 6, 14)
    assert where(install.span) == (4, 10, 6, 30)
    assert text_at(APT_CHAIN, install.span).startswith("apt-get -y") and \
        text_at(APT_CHAIN, install.span).endswith("ca-certificates")
    rm = script.commands[3]
    assert text_at(APT_CHAIN, rm.span) == "rm -rf /var/lib/apt/lists/*" and rm.connector == "&&"
    assert script.removes("/var/lib/apt/lists/*")


def test_if_for_subshell_and_substitution_spans():
    source = ("FROM alpine\n"
              "RUN if [ \"$(uname -m)\" = x86_64 ]; then \\\n"
              "      (cd /tmp && wget -q https://x/a.tgz); \\\n"
              "    fi; for p in a b; do apk add --no-cache \"$p\"; done\n")
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands] == ["uname", "cd", "wget", "apk"]
    for command in script.commands:
        assert text_at(source, command.span) == " ".join(w.text for w in command.argv)
    assert where(script.find("wget")[0].span)[:2] == (3, 19)
    assert script.find("uname")[0].in_condition


def test_workdir_reaches_every_form():
    source = ('FROM alpine\nRUN rm -rf cache\nRUN <<EOF\nrm -rf cache\nEOF\nRUN ["rm", "-rf", "cache"]\n')
    for run in runs(source):
        assert parse_run(run, workdir="/srv").removes("/srv/cache")
        assert not parse_run(run).removes("/srv/cache")


def test_heredoc_script_body_is_the_script():
    source = "FROM alpine\nRUN <<EOF\nset -e\napk add --no-cache curl\nrm -rf /var/cache/apk/*\nEOF\n"
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands] == ["set", "apk", "rm"]
    apk = script.commands[1]
    assert where(apk.span) == (4, 1, 4, 24)
    assert text_at(source, apk.args[-1].span) == "curl"


def test_heredoc_fed_to_python_is_not_shell():
    source = 'FROM python\nRUN python3 <<EOF\nimport os\nos.system("rm -rf /")\nEOF\n'
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands] == ["python3"]
    assert not script.removes("/")


def test_heredoc_with_python_shebang_is_not_shell():
    source = "FROM python\nRUN <<EOF\n#!/usr/bin/env python3\nimport shutil; shutil.rmtree('/tmp')\nEOF\n"
    script = parse_run(runs(source)[0])
    assert script.posix is False and script.language == "python3" and script.commands == []


def test_heredoc_written_to_a_file_with_tab_stripping():
    source = "FROM alpine\nRUN cat <<-EOF > /etc/motd\n\tbuilt $(date -u)\n\tEOF\n"
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands] == ["cat", "date"]
    assert text_at(source, script.commands[1].span) == "date -u"
    assert [(w.kind, w.path) for w in script.writes()] == [("redirect", "/etc/motd")]
    assert text_at(source, script.writes()[0].span) == "/etc/motd"


def test_heredoc_fed_to_a_shell_is_shell_code():
    source = "FROM alpine\nRUN bash -eux <<EOF\napk add --no-cache curl\ncurl -fsSL https://x | sh\nEOF\n"
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands] == ["bash", "apk", "curl", "sh"]
    assert text_at(source, script.commands[1].span) == "apk add --no-cache curl"
    assert script.pipes_into_shell()
    assert [r.operator for r in script.commands[0].redirects] == ["<<"]


def test_heredoc_marker_before_the_command():
    source = "FROM python\nRUN <<PY python3 -\nimport os\nPY\n"
    script = parse_run(runs(source)[0])
    (python,) = script.commands
    assert python.name == "python3" and text_at(source, python.span) == "python3 -"
    assert python.redirects[0].heredoc.name == "PY"


def test_unquoted_data_heredoc_runs_its_substitutions_quoted_does_not():
    unquoted = "FROM alpine\nRUN cat <<EOF > /etc/build-info\nbuilt on $(uname -m) by `id -un`\nEOF\n"
    quoted = "FROM alpine\nRUN cat <<'EOF' > /etc/build-info\nbuilt on $(uname -m)\nEOF\n"
    script = parse_run(runs(unquoted)[0])
    assert [c.name for c in script.commands] == ["cat", "uname", "id"]
    assert text_at(unquoted, script.find("uname")[0].span) == "uname -m"
    assert [c.name for c in parse_run(runs(quoted)[0]).commands] == ["cat"]


@pytest.mark.corpus
def test_buildkit_heredoc_shapes():
    import json

    cases = json.loads((corpus_dir("buildkit-heredoc") / "heredoc_cases.json").read_text())
    source = cases["extract_heredocs"]["dockerfile"]
    got = {}
    for run in runs(source):
        script = parse_run(run)
        got[run.body] = [text_at(source, c.span) for c in script.commands]
    assert got["<<COPY"] == ["echo hello world", "echo foo bar"]
    assert got["<<-UNINDENT"] == ["baz", "quux"]
    assert got["<<COMPLEX python3"] == ["python3"]
    assert got["<<eo'f'"] == ["echo foo"]
    assert got["<<'one two'"] == ["echo bar"]
    assert got["3<<EMPTY2"] == [] and got["<<  EOF  > foo"] == [] and got["<<$EOF"] == []


def test_exec_form_is_one_command_with_json_word_spans():
    source = 'FROM debian\nRUN ["apt-get", "install", "-y", "curl"]\n'
    script = parse_run(runs(source)[0])
    (command,) = script.commands
    assert script.exec_form and command.name == "apt-get" and command.subcommand() == "install"
    assert command.has_option("-y")
    assert text_at(source, command.operands()[0].span) == '"curl"'


def test_exec_form_shell_c_script_is_parsed_in_place():
    source = 'FROM debian\nRUN ["/bin/bash", "-c", "apt-get update && apt-get install -y curl"]\n'
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands] == ["bash", "apt-get", "apt-get"]
    assert script.commands[0].args[0].value == "-c"
    install = script.commands[2]
    assert install.in_nested_shell and text_at(source, install.span) == "apt-get install -y curl"


def test_exec_form_ignores_shell():
    source = 'FROM debian\nRUN ["sh", "-c", "echo hi"]\n'
    script = parse_run(runs(source)[0], shell=["powershell", "-Command"])
    assert [c.name for c in script.commands] == ["sh", "echo"]


def test_powershell_shell_leaves_run_unparsed():
    source = 'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-Command"]\nRUN Remove-Item -Recurse C:\\x\n'
    script = parse_run(runs(source)[0], shell=["powershell", "-Command"])
    assert script.posix is False and script.commands == []


def test_non_ascii_before_a_command():
    source = "FROM alpine\nRUN echo 'Grüße — ok' && \\\n    apk add --no-cache tini\n"
    script = parse_run(runs(source)[0])
    apk = script.find("apk")[0]
    assert where(apk.span) == (3, 5, 3, 28)
    assert text_at(source, apk.operands()[0].span) == "tini"


def test_broken_run_still_yields_commands():
    source = "FROM alpine\nRUN apk add curl && if [ -f x ]; then echo (\n"
    script = parse_run(runs(source)[0])
    assert not script.parsed_ok and script.find("apk")


@pytest.mark.corpus
def test_every_corpus_run_parses_with_spans_inside_its_instruction():
    root = corpus_dir("real")
    checked = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".json", ".txt"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            dockerfile = parser.parse(text, str(path))
        except (UnicodeDecodeError, DockwiseError):
            continue
        for instr in dockerfile.instructions:
            if instr.keyword != "RUN":
                continue
            script = parse_run(instr)
            checked += 1
            lo, hi = instr.span.start.offset, instr.span.end.offset
            for command in script.commands:
                span = command.span
                assert lo <= span.start.offset <= span.end.offset <= hi, (path, instr.line, command)
                for word in command.argv:
                    assert lo <= word.span.start.offset <= word.span.end.offset <= hi, (path, instr.line, word)
    assert checked > 10_000


def test_onbuild_run_spans_point_into_the_onbuild_line():
    source = "FROM alpine\nONBUILD RUN apk update && \\\n  apk add --no-cache git\n"
    onbuild = parser.parse(source).instructions[1]
    script = parse_run(onbuild.onbuild)
    assert [text_at(source, c.span) for c in script.commands] == ["apk update", "apk add --no-cache git"]
    assert where(script.commands[1].span)[:2] == (3, 3)


def test_onbuild_run_heredocs():
    source = "FROM alpine\nONBUILD RUN <<EOF\napk add curl\nEOF\nONBUILD RUN cat <<X > /f\n$(id -u)\nX\n"
    first, second = [parse_run(i.onbuild) for i in parser.parse(source).instructions[1:]]
    assert [text_at(source, c.span) for c in first.commands] == ["apk add curl"]
    assert [text_at(source, c.span) for c in second.commands] == ["cat", "id -u"]
    assert [w.path for w in second.writes()] == ["/f"]


def test_backtick_escape_continuations():
    source = "# escape=`\nFROM alpine\nRUN apk add `\n    curl && echo C:\\path\n"
    script = parse_run(runs(source)[0])
    apk = script.find("apk")[0]
    assert [w.value for w in apk.operands()] == ["curl"]
    assert where(apk.operands()[0].span) == (4, 5, 4, 9)


# ---- generated RUNs: every word's span is exactly its text in the file -------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = st.sampled_from(["apt-get", "install", "-y", "--no-install-recommends", "curl", "'a b'", '"$HOME"',
                         "/var/lib/apt/lists/*", "ünï", "x=1", "$(id -u)", "über-pkg", "\"q 'r'\""])
JOINERS = st.sampled_from([" ", " && ", " || ", " | ", "; "])
BREAKS = st.sampled_from(["", " \\\n    ", " \\\n# a comment line\n  ", " \\\n\t"])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(WORDS, JOINERS, BREAKS), min_size=1, max_size=12))
def test_generated_runs_map_every_word_back_to_the_file(parts):
    body = "echo "  # a leading --word would be a builder flag
    for i, (word, joiner, brk) in enumerate(parts):
        if i:
            body += (brk + joiner.lstrip()) if brk else joiner
        body += word
    source = f"FROM alpine\nRUN {body}\n"
    script = parse_run(runs(source)[0])
    assert script.commands[0].name == "echo"
    for command in script.commands:
        span = command.span
        for word in command.argv + command.assignments + command.prefix:
            assert text_at(source, word.span) == word.text
            assert span.start.offset <= word.span.start.offset <= word.span.end.offset <= span.end.offset


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(WORDS, min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from(["<<EOF", "<<-EOF", "<<'EOF'"]), st.sampled_from(["", "\t", "\t\t"]))
def test_generated_heredoc_runs_map_every_word_back_to_the_file(lines, marker, indent):
    if marker != "<<-EOF":
        indent = ""
    body = "".join(indent + "echo " + " ".join(words) + "\n" for words in lines)
    source = f"FROM alpine\nRUN {marker}\n{body}{indent}EOF\n"
    script = parse_run(runs(source)[0])
    assert [c.name for c in script.commands if not c.in_substitution] == ["echo"] * len(lines)
    for command in script.commands:
        for word in command.argv:
            assert text_at(source, word.span) == word.text


def _states(source):
    from dockwise.model import build_model

    dockerfile = parser.parse(source)
    model = build_model(dockerfile)
    return dockerfile, [(i, model.state_at(i)) for i in dockerfile.instructions if i.keyword == "RUN"]


def test_effective_shell_windows_base_pragma_and_shell():
    from dockwise.model.shell import effective_shell

    source = ("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win\nRUN powershell -Command Sleep 2 ; wget x\n"
              "FROM win\nRUN dir\n"
              "FROM debian\nRUN ls\n"
              "# hadolint shell=pwsh\nRUN Get-Item x\n"
              'SHELL ["/bin/bash", "-c"]\nRUN ls\n'
              "FROM --platform=windows/amd64 example/app\nRUN dir\n")
    dockerfile, states = _states(source)
    shells = [effective_shell(dockerfile, i, s) for i, s in states]
    assert shells == [["cmd", "/S", "/C"], ["cmd", "/S", "/C"], ["/bin/sh", "-c"], ["pwsh"],
                      ["/bin/bash", "-c"], ["cmd", "/S", "/C"]]
    windows_run = parse_run(states[0][0], shell=shells[0])
    assert not windows_run.posix and windows_run.find("wget") == []
