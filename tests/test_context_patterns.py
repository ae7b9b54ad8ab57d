"""The .dockerignore pattern matcher on hostile patterns: matching stays linear in the path and
pattern, and the linear matcher accepts exactly the language of BuildKit's regex."""

from __future__ import annotations

import time

import pytest

from dockwise.context.patterns import PatternMatcher, compile_pattern


@pytest.mark.parametrize("pattern,path", [
    ("**/a/**/a/**/a/**/b", "/".join(["a"] * 300)),
    ("*" * 20001 + "x", "a/b/c/" + "y" * 200),
    ("**/" * 40 + "*x", "/".join(["d"] * 300) + "/f"),
    ("*a" * 60 + "b", "a" * 250),
])
def test_hostile_patterns_are_matched_in_linear_time(pattern, path):
    matcher = PatternMatcher([pattern])
    started = time.monotonic()
    assert matcher.excluded(path) is False
    assert compile_pattern(pattern).match(path) is False
    assert time.monotonic() - started < 5


def _random_glob(rng) -> str:
    pieces = ["a", "b", "/", "*", "**", "?", "[ab]", "[^a]", "\\*", ".", "**/", "/**"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))


def test_linear_matching_agrees_with_the_regex_on_random_patterns():
    """The linear matcher is the regex's language exactly (the regex is what BuildKit runs)."""
    import random

    from dockwise.context.patterns import REGEXP, LinearMatch, _translate_atoms

    rng = random.Random(2)
    checked = 0
    for _ in range(3000):
        glob = _random_glob(rng)
        try:
            pattern = compile_pattern(glob)
        except Exception:  # noqa: BLE001 - invalid globs are other tests' business
            continue
        if pattern.kind != REGEXP:
            continue
        linear = LinearMatch.build(_translate_atoms(pattern.text)[1])
        if linear is None:
            continue
        for _ in range(8):
            path = "".join(rng.choice("ab/.*\n") for _ in range(rng.randint(0, 10))).strip("/")
            assert linear.fullmatch(path) == (pattern.regex.fullmatch(path) is not None), (glob, path)
            checked += 1
    assert checked > 5000
