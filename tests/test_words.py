"""BuildKit word processing: the upstream fixture files plus the static-analysis mode."""

from __future__ import annotations

import pytest

from dockwise.errors import DockwiseError
from dockwise.syntax.words import ExpansionError, process_word, process_words
from tests.conftest import corpus_dir

ENV_VAR_TEST_ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}


def _env_var_cases():
    path = corpus_dir("buildkit-shell") / "envVarTest"
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        platform, source, expected = (part.strip() for part in line.split("|", 2))
        if platform in ("A", "U"):
            cases.append((number, source, expected))
    return cases


def _words_cases():
    path = corpus_dir("buildkit-shell") / "wordsTest"
    env: dict[str, str] = {}
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("ENV "):
            name, _, value = line[4:].lstrip().partition("=")
            env[name] = value
            continue
        source, expected = line.split("|", 1)
        cases.append((number, source.strip(), expected.lstrip(), dict(env)))
    return cases


@pytest.mark.corpus
def test_env_var_fixture_file_has_cases():
    assert len(_env_var_cases()) > 200


@pytest.mark.corpus
def test_every_envvartest_case_matches_buildkit():
    failures = []
    for number, source, expected in _env_var_cases():
        try:
            got = process_word(source, ENV_VAR_TEST_ENV).text
        except ExpansionError:
            got = "error"
        if got != expected:
            failures.append(f"line {number}: {source!r} -> {got!r}, expected {expected!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.corpus
def test_every_wordstest_case_matches_buildkit():
    cases = _words_cases()
    assert len(cases) > 20
    failures = []
    for number, source, expected, env in cases:
        want = "error" if expected == "error" else expected.split(",")
        try:
            got = process_words(source, env)
        except ExpansionError:
            got = "error"
        if got != want:
            failures.append(f"line {number}: {source!r} -> {got!r}, expected {want!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("word, env, expected", [
    ("${V#*/}", {"V": "a/b/c"}, "b/c"),
    ("${V##*/}", {"V": "a/b/c"}, "c"),
    ("${V%/*}", {"V": "a/b/c"}, "a/b"),
    ("${V%%/*}", {"V": "a/b/c"}, "a"),
    ("${V#x}", {"V": "a/b/c"}, "a/b/c"),
    ("${V%.tar.gz}", {"V": "pkg-1.0.tar.gz"}, "pkg-1.0"),
    ("${V%?}", {"V": "abc"}, "ab"),
    ("${V/b/X}", {"V": "abcabc"}, "aXcabc"),
    ("${V//b/X}", {"V": "abcabc"}, "aXcaXc"),
    ("${V//b}", {"V": "abcabc"}, "error"),  # BuildKit needs the second '/'
    ("${V//b/}", {"V": "abcabc"}, "acac"),
    ("${V/*c/Z}", {"V": "abcabc"}, "Z"),
    ("${V/\\*/x}", {"V": "a*b"}, "axb"),
    ("${V:?must be set}", {}, "error"),
    ("${V?}", {"V": ""}, ""),
    ("${V:-a b}", {}, "a b"),
    ("${V:q}", {"V": "x"}, "error"),
])
def test_modifiers(word, env, expected):
    try:
        got = process_word(word, env).text
    except ExpansionError:
        got = "error"
    assert got == expected


def test_backtick_escape_character():
    assert process_word("a`$HOME", {"HOME": "/root"}, escape="`").text == "a$HOME"
    assert process_word("C:\\path\\$X", {"X": "y"}, escape="`").text == "C:\\path\\y"
    assert process_word('"a`"b"', {}, escape="`").text == 'a"b'
    assert process_words("a` b c", {}, escape="`") == ["a b", "c"]


def test_error_is_a_dockwise_error_with_a_clear_message():
    with pytest.raises(DockwiseError) as info:
        process_word('"unterminated', {})
    assert "double-quote" in str(info.value)
    with pytest.raises(ExpansionError, match="TAG: is not allowed to be unset"):
        process_word("${TAG:?}", {})
    with pytest.raises(ExpansionError, match="TAG: give a tag"):
        process_word("${TAG?give a tag}", {})


@pytest.mark.parametrize("word, expected", [
    ("python:$TAG", "python:$TAG"),
    ("python:${TAG}", "python:${TAG}"),
    ("python:${TAG:-3.12}-slim", "python:${TAG:-3.12}-slim"),
    ("${TAG?required}", "${TAG?required}"),
    ("${TAG//./-}", "${TAG//./-}"),
    ("${TAG#v}", "${TAG#v}"),
    ('"$HOME/${TAG}"', "/root/${TAG}"),
])
def test_keep_unknown_leaves_references_verbatim(word, expected):
    result = process_word(word, {"HOME": "/root"}, keep_unknown=True)
    assert result.text == expected
    assert result.unknown == {"TAG"}


def test_unknown_names_are_reported_in_both_modes():
    result = process_word("$A-${B}-$C", {"B": "b"})
    assert result.text == "-b-"
    assert result.unknown == {"A", "C"}


def test_unknowns_only_count_when_they_change_the_result():
    assert process_word("${A:-$B}", {"A": "1"}).unknown == set()
    assert process_word("${A:-$B}", {"A": ""}).unknown == {"B"}
    assert process_word("${A:+$B}", {"A": "1"}).unknown == {"B"}
    assert process_word("${A:+$B}", {}).unknown == {"A"}
    kept = process_word("${A:-${B}}", {"A": "1", }, keep_unknown=True)
    assert (kept.text, kept.unknown) == ("1", set())
    kept = process_word("x${A:-${B}}", {"B": "2"}, keep_unknown=True)
    assert (kept.text, kept.unknown) == ("x${A:-${B}}", {"A"})


def test_plain_words_pass_through():
    result = process_word("alpine:3.20", {})
    assert (result.text, result.unknown) == ("alpine:3.20", set())
    assert process_words("  a  b ", {}) == ["a", "b"]


def test_variable_references_with_positions():
    from dockwise.syntax.words import variable_references

    word = "a$X-${Y:-$Z}'$Q'\\$R\"$S\""
    refs = variable_references(word)
    assert [(r.name, word[r.start:r.end], r.braced) for r in refs] == [
        ("X", "$X", False), ("Y", "${Y:-$Z}", True), ("Z", "$Z", False), ("S", "$S", False)]
    assert variable_references("no refs") == []
    assert [r.name for r in variable_references("`$A$B", escape="`")] == ["B"]
    with pytest.raises(ExpansionError):
        variable_references("${A")


@pytest.mark.parametrize("word, env, expected", [
    # regex metacharacters in a pattern are literal; \} and \/ escape the ${} delimiters
    ("${V#()[]{\\}^$.\\*\\?|\\\\}", {"V": "()[]{}^$.*?|\\rest"}, "rest"),
    ("${V%%\\**}", {"V": "ab**"}, "ab"),
    ("${V%%\\**\\*}", {"V": "b***zz*"}, "b"),
    ("${V#*a*b}", {"V": "aabb"}, "b"),
    ("${V#*}", {"V": "aabb"}, "aabb"),  # the shortest match of * is empty
    ("${V#?\\?}", {"V": "???z"}, "?z"),
    ("${V#$P}", {"V": "aabb", "P": "a"}, "abb"),
    ("${V#$P}", {"V": "aabb", "P": ""}, "aabb"),
    ("${N:-.}${V%b}${N:-.}", {"V": "aabb"}, ".aab."),
    # replacement: patterns from variables, / inside values, escaped separators
    ("${V/$P/-} ${V//$P/-}", {"V": "/x*/*/*.md", "P": "\\*/"}, "/x-*/*.md /x--*.md"),
    ("${V/$P/} ${V//$P/}", {"V": "/tmp/tmp/f", "P": "/tmp"}, "/tmp/f /f"),
    ("${V//$P/$R}", {"V": "/a/x/b/c", "P": "/?/", "R": "/"}, "/x/c"),
    ("${V/$P/$R}", {"V": "http://example.org", "P": "http://", "R": "https://"}, "https://example.org"),
    ("${V//\\//\\/}", {"V": "/a/b"}, "\\/a\\/b"),
    ("${V/$P/zz}", {"V": "ab", "P": ""}, "zzab"),
    ("${V///}", {"V": "ab"}, "ab"),
    ("${V//}", {"V": "ab"}, "error"),
    ("${V=x}", {"V": "ab"}, "error"),
    # ?: the message is itself expanded; ? alone accepts an empty value
    ("${V?msg $A}", {"V": "", "A": "x"}, ""),
    ("${V:?msg $A}", {"V": "", "A": "x"}, "error"),
    ("pkg-${OS}-${ARCH}${VARIANT:+-${VARIANT}}.tgz", {"OS": "linux", "ARCH": "arm", "VARIANT": "v7"},
     "pkg-linux-arm-v7.tgz"),
    ("pkg-${OS}-${ARCH}${VARIANT:+-${VARIANT}}.tgz", {"OS": "linux", "ARCH": "amd64"}, "pkg-linux-amd64.tgz"),
])
def test_patterns_and_replacement_like_buildkit(word, env, expected):
    try:
        got = process_word(word, env).text
    except ExpansionError:
        got = "error"
    assert got == expected


def test_error_message_of_a_required_variable_is_expanded():
    with pytest.raises(ExpansionError, match="V: msg x"):
        process_word("${V:?msg $A}", {"A": "x"})


def test_empty_quoted_strings_make_no_word():
    assert process_words('"" a', {}) == ["a"]
    assert process_words("a '' b", {}) == ["a", "b"]
    assert process_words('""', {}) == []
    assert process_words('x"" y', {}) == ["x", "y"]


def _nested(depth: int) -> str:
    return "${B:-" * depth + "x" + "}" * depth


def test_nesting_up_to_the_limit_expands_and_deeper_is_one_clear_error():
    assert process_word(_nested(60), {}).text == "x"
    with pytest.raises(ExpansionError, match="nested deeper than"):
        process_word(_nested(300), {})
    with pytest.raises(ExpansionError, match="nested deeper than"):
        process_word('"' + _nested(300) + '"', {})
