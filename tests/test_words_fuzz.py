"""Property tests: the word lexer never fails except with ExpansionError, and its modes agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.syntax.words import ExpansionError, process_word, process_words, variable_references

ALPHABET = st.sampled_from(list("ab_1 $${}:-+?#%/*'\"\\`\t") + ["${A}", "$B", "${A:-x}", "é"])
WORDS = st.lists(ALPHABET, max_size=30).map("".join)
ENV = st.dictionaries(st.sampled_from(["A", "B", "a", "_1"]), st.text("xy $'\"", max_size=4), max_size=3)


@settings(max_examples=200, deadline=None)
@given(WORDS, ENV, st.sampled_from(["\\", "`"]))
def test_lexer_fails_only_with_expansion_error(word, env, escape):
    for keep in (False, True):
        try:
            result = process_word(word, env, escape, keep_unknown=keep, split=True)
        except ExpansionError as exc:
            assert str(exc)
            continue
        assert isinstance(result.text, str)
        assert result.unknown <= {r.name for r in variable_references(word, escape)}
        assert all(w for w in result.words)


@settings(max_examples=200, deadline=None)
@given(WORDS, ENV)
def test_keep_unknown_matches_buildkit_when_every_variable_is_set(word, env):
    """With every referenced name set, nothing is unknown and both modes give BuildKit's text."""
    try:
        names = {r.name for r in variable_references(word)}
    except ExpansionError:
        return
    full = {**{name: "v" for name in names}, **env}
    try:
        plain = process_word(word, full)
    except ExpansionError:
        return
    kept = process_word(word, full, keep_unknown=True)
    assert kept.text == plain.text and kept.unknown == plain.unknown == set()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text("abc=./-_", min_size=1, max_size=6), max_size=5))
def test_plain_words_split_like_whitespace(parts):
    text = "  ".join(parts)
    assert process_words(text, {}) == text.split()
    assert process_word(text, {}).text == text
