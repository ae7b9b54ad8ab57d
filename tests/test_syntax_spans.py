"""Spans and BuildKit semantics that rules and the fixer rely on."""

from __future__ import annotations

import pytest

from dockwise.errors import DockerfileSyntaxError
from dockwise.syntax import parse_dockerfile
from dockwise.syntax.dump import dump
from dockwise.syntax.parser import parse


def _text(source: str, span) -> str:
    return source[span.start.offset:span.end.offset]


def _where(span) -> tuple[int, int, int, int]:
    return span.start.line, span.start.column, span.end.line, span.end.column


def test_flag_span_name_value_and_raw() -> None:
    src = "FROM a\nRUN --mount=type=cache,target=/root/.cache \\\n    --network=none pip install x\n"
    run = parse(src).instructions[1]
    mount, network = run.flags
    assert (mount.name, mount.value) == ("mount", "type=cache,target=/root/.cache")
    assert mount.raw == "--mount=type=cache,target=/root/.cache"
    assert _where(mount.span) == (2, 5, 2, 43)
    assert (network.name, network.value, _where(network.span)) == ("network", "none", (3, 5, 3, 19))
    assert run.flag("network") is network and run.flag("chown") is None
    assert run.body == "pip install x"


def test_quoted_flag_value_has_quotes_removed_raw_keeps_them() -> None:
    src = 'FROM a\nCOPY --chown="app user":app --link src/ /dst/\n'
    copy = parse(src).instructions[1]
    chown, link = copy.flags
    assert chown.value == "app user:app" and chown.raw == '--chown="app user":app'
    assert (link.name, link.value) == ("link", None)
    assert copy.args == ["src/", "/dst/"]


def test_argument_span_via_body() -> None:
    src = "FROM a\nCOPY  --from=build   /app/bin   /usr/local/bin/\n"
    copy = parse(src).instructions[1]
    start = copy.body.index("/usr/local/bin/")
    span = copy.span_of(start, start + len("/usr/local/bin/"))
    assert _text(src, span) == "/usr/local/bin/"
    assert _where(span) == (2, 33, 2, 48)


def test_word_in_the_middle_of_a_run_over_three_lines() -> None:
    src = ("FROM debian\n"
           "RUN apt-get update \\\n"
           "    # a comment inside the continuation\n"
           "\n"
           "    && apt-get install -y curl \\\n"
           "    && rm -rf /var/lib/apt/lists/*\n")
    run = parse(src).instructions[1]
    assert run.body == "apt-get update     && apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"
    i = run.body.index("curl")
    span = run.span_of(i, i + 4)
    assert _text(src, span) == "curl"
    assert _where(span) == (5, 27, 5, 31)
    # a slice that crosses the continuation starts and ends at the right places
    j = run.body.index("update")
    k = run.body.index("&&") + 2
    crossing = run.span_of(j, k)
    assert _where(crossing) == (2, 13, 5, 7)
    assert run.comments[0].text == "# a comment inside the continuation"
    assert parse(src).warnings and "Empty continuation line" in parse(src).warnings[0]


def test_heredoc_spans() -> None:
    src = "FROM a\nRUN <<EOF bash\nset -e\necho hi\nEOF\nCMD x\n"
    tree = parse(src)
    run = tree.instructions[1]
    (doc,) = run.heredocs
    assert (doc.name, doc.quoted, doc.chomp, doc.content) == ("EOF", False, False, "set -e\necho hi\n")
    assert _text(src, doc.marker_span) == "<<EOF"
    assert _where(doc.marker_span) == (2, 5, 2, 10)
    assert _text(src, doc.span) == "set -e\necho hi\nEOF"
    assert (doc.content_start.line, doc.content_start.column) == (3, 1)
    assert src[doc.content_start.offset:].startswith(doc.content)
    assert run.end_line == 5 and run.source.endswith("EOF")
    assert tree.instructions[2].line == 6


def test_heredoc_chomp_quoted_and_several() -> None:
    src = "FROM a\nCOPY <<-'ONE' <<TWO /dst/\n\tfirst $X\n\tONE\nsecond\nTWO\n"
    one, two = parse(src).instructions[1].heredocs
    assert (one.name, one.quoted, one.chomp, one.content) == ("ONE", True, True, "first $X\n")
    assert (two.name, two.quoted, two.chomp, two.content) == ("TWO", False, False, "second\n")


def test_unterminated_heredoc_is_a_syntax_error() -> None:
    with pytest.raises(DockerfileSyntaxError) as info:
        parse("FROM a\nRUN <<EOF\necho\n")
    assert info.value.message.startswith("unterminated heredoc") and "'EOF'" in info.value.message
    assert (info.value.line, info.value.column) == (2, 5)  # points at the <<EOF that opened it


def test_lossless_details_crlf_bom_no_final_newline() -> None:
    src = "\ufeffFROM a  \r\n\r\n# note\r\nRUN echo \\\r\n  hi\t"
    tree = parse(src)
    assert tree.text() == src
    assert tree.tokens[0].text == "\ufeff"
    frm, run = tree.instructions
    assert frm.keyword == "FROM" and frm.args == ["a"]
    assert frm.source == "FROM a  "  # trailing whitespace kept, line ending not part of it
    assert run.args == ["echo   hi"]
    assert [c.text for c in tree.comments] == ["# note"]
    assert _where(run.span) == (4, 1, 5, 6)
    assert (frm.keyword_span.start.line, frm.keyword_span.start.column) == (1, 1)  # BOM not counted
    assert frm.keyword_span.start.offset == 1


def test_continuation_at_end_of_file_and_escaped_escape() -> None:
    tree = parse("FROM a\nRUN echo a \\\\\nRUN echo b \\")
    assert [i.args for i in tree.instructions[1:]] == [["echo a \\\\"], ["echo b"]]


def test_backtick_escape() -> None:
    src = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir c:\\ `\n  && echo done\n"
    tree = parse(src)
    assert tree.escape == "`"
    assert tree.instructions[1].args == ["dir c:\\   && echo done"]


def test_directive_only_at_the_top() -> None:
    tree = parse("FROM a\n# escape=`\nRUN a `\n")
    assert tree.escape == "\\" and tree.directives == []
    assert len(tree.comments) == 1


def test_json_form_and_fallback_to_shell_form() -> None:
    tree = parse('FROM a\nCMD ["a", "b c"]\nCMD [\'a\']\nENTRYPOINT ["a" ] trailing\nSHELL []\nRUN ["a", NaN]\n')
    cmd, single, entry, shell, nan = tree.instructions[1:]
    assert (cmd.json_form, cmd.args) == (True, ["a", "b c"])
    assert (single.json_form, single.args) == (False, ["['a']"])
    assert (entry.json_form, entry.args) == (True, ["a"])  # like Go's json.Decoder
    assert (shell.json_form, shell.args) == (True, [])
    assert (nan.json_form, nan.args) == (False, ['["a", NaN]'])
    with pytest.raises(DockerfileSyntaxError, match="strings only"):
        parse('FROM a\nCMD ["a", 1]\n')


def test_env_label_old_and_new_forms() -> None:
    tree = parse('FROM a\nENV A=1 B="two words"\nENV OLD some value\nLABEL x=y\nARG V="1 2" W\n')
    env, old, label, arg = tree.instructions[1:]
    assert env.args == ["A", "1", "=", "B", '"two words"', "="]
    assert old.args == ["OLD", "some value", ""]
    assert label.args == ["x", "y", "="]
    assert arg.args == ['V="1 2"', "W"]
    with pytest.raises(DockerfileSyntaxError, match="can't find = in \"B\"") as info:
        parse("FROM a\n  ENV A=1 B\n")
    assert (info.value.line, info.value.column) == (2, 3)


def test_onbuild_nesting() -> None:
    src = "FROM a\nONBUILD COPY --from=b <<EOF /x\nhi\nEOF\n"
    onbuild = parse(src).instructions[1]
    nested = onbuild.onbuild
    assert onbuild.keyword == "ONBUILD" and nested.keyword == "COPY"
    assert nested.flags[0].raw == "--from=b" and nested.args == ["<<EOF", "/x"]
    assert _text(src, nested.keyword_span) == "COPY"
    assert [h.content for h in onbuild.heredocs] == ["hi\n"]
    assert dump(parse(src)) == '(from "a")\n(onbuild (copy ["--from=b"] "<<EOF" "/x"))\n'


def test_unknown_instruction_and_healthcheck() -> None:
    tree = parse("FROM a\nFOO bar baz\nHEALTHCHECK --interval=5s CMD curl -f x\nHEALTHCHECK NONE\n")
    foo, health, none = tree.instructions[1:]
    assert (foo.keyword, foo.args) == ("FOO", [""])
    assert health.args == ["CMD", "curl -f x"] and health.flags[0].value == "5s"
    assert none.args == ["NONE"]


def test_flags_scanned_like_buildkit_bytes() -> None:
    # BuildKit reads flag words byte by byte: a non-ASCII value arrives as Latin-1 mojibake.
    copy = parse("FROM a\nCOPY --chown=josé a b\n").instructions[1]
    assert copy.flags[0].value == "josÃ©" and copy.flags[0].raw == "--chown=josé"


def test_overlong_line_is_rejected_like_buildkit() -> None:
    with pytest.raises(DockerfileSyntaxError, match="greater than max allowed size"):
        parse("FROM a\nRUN echo " + "x" * 70000 + "\n")


def test_parse_dockerfile_entry_point_and_path_in_errors() -> None:
    assert parse_dockerfile("FROM a\n").instructions[0].args == ["a"]
    with pytest.raises(DockerfileSyntaxError) as info:
        parse_dockerfile("\n\n# only\n", path="Dockerfile")
    assert str(info.value).startswith("Dockerfile:")


def test_token_kinds() -> None:
    src = ("# syntax=docker/dockerfile:1\n"
           "# a comment\n"
           "FROM a\n"
           "RUN --mount=type=cache,target=/c echo \\\n"
           "  # inside\n"
           "  hi <<EOF\n"
           "body\n"
           "EOF\n")
    tree = parse(src)
    kinds = [(t.kind, t.text) for t in tree.tokens if t.kind not in ("whitespace", "newline")]
    assert kinds == [
        ("directive", "# syntax=docker/dockerfile:1"), ("comment", "# a comment"),
        ("keyword", "FROM"), ("argument", "a"),
        ("keyword", "RUN"), ("flag", "--mount=type=cache,target=/c"), ("argument", "echo"),
        ("continuation", "\\"), ("comment", "# inside"), ("argument", "hi"), ("argument", "<<EOF"),
        ("heredoc", "body"), ("heredoc", "EOF"),
    ]
    assert tree.text() == src
