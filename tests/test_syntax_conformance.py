"""Conformance with BuildKit's own parser tests (data in ../shared/corpus/buildkit-*)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dockwise.errors import DockerfileSyntaxError
from dockwise.syntax.dump import dump
from dockwise.syntax.parser import heredoc_words, parse, parse_heredoc_word, scan_directives
from tests.conftest import CORPUS, corpus_dir

pytestmark = pytest.mark.corpus


def _cases(folder: str) -> list[str]:
    path = CORPUS / folder
    if not path.is_dir():
        return ["<corpus missing>"]
    return sorted(p.name for p in path.iterdir() if p.is_dir())


def _dockwise(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", *args], input=stdin,
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("case", _cases("buildkit-parser"))
def test_dump_matches_buildkit_result_byte_for_byte(case: str) -> None:
    folder = corpus_dir("buildkit-parser") / case
    text = (folder / "Dockerfile").read_bytes().decode("utf-8")
    expected = (folder / "result").read_bytes().decode("utf-8")
    assert dump(parse(text)) == expected


def test_dump_command_prints_the_result_file(corpus) -> None:
    folder = corpus("buildkit-parser") / "escapes"
    done = _dockwise("dump", str(folder / "Dockerfile"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (folder / "result").read_bytes()


@pytest.mark.parametrize("case", _cases("buildkit-parser-negative"))
def test_negative_cases_exit_2_with_one_clear_line(case: str) -> None:
    path = corpus_dir("buildkit-parser-negative") / case / "Dockerfile"
    with pytest.raises(DockerfileSyntaxError):
        parse(path.read_text(encoding="utf-8"))
    done = _dockwise("dump", str(path))
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.startswith("dockwise: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


def test_negative_messages_say_what_is_wrong(corpus) -> None:
    root = corpus("buildkit-parser-negative")
    messages = {}
    for case in ("empty_dockerfile", "only_comments", "env_no_value", "shykes-nested-json"):
        with pytest.raises(DockerfileSyntaxError) as info:
            parse((root / case / "Dockerfile").read_text(encoding="utf-8"))
        messages[case] = info.value.message
    assert messages["empty_dockerfile"] == "file with no instructions"
    assert messages["only_comments"] == "file with no instructions"
    assert "ENV must have two arguments" in messages["env_no_value"]
    assert "arrays must be comprised of strings only" in messages["shykes-nested-json"]


def test_line_numbers_of_instructions(corpus) -> None:
    root = corpus("buildkit-parser-lineinfo")
    expected = json.loads((root / "expected.json").read_text())
    tree = parse((root / expected["dockerfile"]).read_text(encoding="utf-8"))
    assert len(tree.instructions) == expected["children_count"]
    assert [[i.line, i.end_line] for i in tree.instructions] == expected["children_lines"]
    assert tree.instructions[0].line == expected["ast_start_line"]
    assert tree.instructions[-1].end_line == expected["ast_end_line"]


def _heredoc_cases():
    path = CORPUS / "buildkit-heredoc" / "heredoc_cases.json"
    return json.loads(path.read_text()) if path.is_file() else None


def test_heredocs_extracted_like_buildkit(corpus) -> None:
    root = corpus("buildkit-heredoc")
    cases = _heredoc_cases()
    text = cases["extract_heredocs"]["dockerfile"]
    assert (root / "Dockerfile").read_text(encoding="utf-8") == text
    tree = parse(text)
    expected = cases["extract_heredocs"]["expected"]
    assert len(tree.instructions) == len(expected) + 1
    for instruction, want in zip(tree.instructions[1:], expected):
        first_line = instruction.source.split("\n", 1)[0]
        assert first_line == want["instruction_line"]
        if want["heredocs"] is None:
            assert instruction.heredocs == [], first_line
            continue
        got = [(h.name, h.content, not h.quoted, h.chomp, h.file_descriptor) for h in instruction.heredocs]
        wanted = []
        for h in want["heredocs"]:
            content = h["content"]
            if h["chomp"]:  # the tree holds the body as BuildKit passes it on (tabs stripped)
                content = "\n".join(line.lstrip("\t") for line in content.split("\n"))
            wanted.append((h["name"], content, h["expand"], h["chomp"], h["file_descriptor"]))
        assert got == wanted, first_line


def test_json_form_never_has_heredocs(corpus) -> None:
    corpus("buildkit-heredoc")
    tree = parse(_heredoc_cases()["json_form_no_heredoc"]["dockerfile"])
    runs = tree.instructions[1:]
    assert len(runs) == 3
    assert all(r.json_form and r.heredocs == [] for r in runs)


def test_heredoc_chomp_strips_leading_tabs(corpus) -> None:
    corpus("buildkit-heredoc")
    for case in _heredoc_cases()["chomp"]:
        text = "FROM a\nRUN <<-EOF\n" + case["input"] + "EOF\n"
        assert parse(text).instructions[1].heredocs[0].content == case["output"]


def test_heredoc_word_parsing(corpus) -> None:
    corpus("buildkit-heredoc")
    words = _heredoc_cases()["parse_heredoc_word"]
    for word in words["valid"]:
        found = parse_heredoc_word(word)
        assert found is not None and found[0] == "EOF", word
    for word in words["invalid"]:
        with pytest.raises(ValueError):
            parse_heredoc_word(word)
    for word in words["not_heredoc"]:
        assert parse_heredoc_word(word) is None, word


def test_heredocs_from_line(corpus) -> None:
    corpus("buildkit-heredoc")
    for case in _heredoc_cases()["heredocs_from_line"]:
        names = [doc[0] for doc, _start, _end in heredoc_words(case["line"])]
        assert names == case["names"], case["line"]


def _directive_cases():
    return json.loads((corpus_dir("buildkit-directives") / "directive_cases.json").read_text())


def _directive_input(case: dict) -> str:
    text = case["input"]
    if case.get("input_hex_prefix"):
        text = bytes.fromhex(case["input_hex_prefix"]).decode("utf-8") + text
    return text


def test_parse_all_directives() -> None:
    for case in _directive_cases()["parse_all_directives"]:
        got = [{"name": d.name, "value": d.value} for d in scan_directives(_directive_input(case))]
        assert got == case["expected"], case


@pytest.mark.parametrize("key", ["detect_syntax", "parse_directive_check"])
def test_directive_detection(key: str) -> None:
    name = "syntax" if key == "detect_syntax" else "check"
    for case in _directive_cases()[key]:
        found = [d for d in scan_directives(_directive_input(case)) if d.name == name]
        assert bool(found) == case["found"], case
        if not found:
            continue
        directive = found[0]
        if "cmdline" in case:
            assert directive.value == case["cmdline"], case
        want = case.get("ref", case.get("value"))
        if want is not None:
            assert directive.value.split(" ", 1)[0] == want, case
        if "line" in case:
            assert directive.span.start.line == case["line"], case


def test_directives_in_a_parsed_file_and_escape_applies() -> None:
    tree = parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo `\n  hi\n")
    assert [(d.name, d.value) for d in tree.directives] == [("syntax", "docker/dockerfile:1"), ("escape", "`")]
    assert tree.escape == "`"
    assert tree.instructions[1].args == ["echo   hi"]


def test_directive_errors() -> None:
    with pytest.raises(DockerfileSyntaxError, match="only one escape parser directive"):
        parse("# escape=`\n# escape=\\\nFROM a\n")
    with pytest.raises(DockerfileSyntaxError, match="invalid escape token"):
        parse("# escape=x\nFROM a\n")
