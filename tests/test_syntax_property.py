"""Property-based: random and mutated Dockerfiles either parse into a tree that round-trips
with consistent spans, or raise DockerfileSyntaxError -- never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockwise.errors import DockerfileSyntaxError
from dockwise.syntax.parser import parse
from tests.conftest import corpus_dir
from tests.test_syntax_corpus import span_problems

SEEDS = [
    "FROM alpine:3.19 AS build\nRUN apk add --no-cache curl \\\n    # comment\n\n    && echo done\n",
    "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo `\n  hi\nCMD [\"a\", \"b\"]\n",
    "FROM a\nCOPY --from=build --chown=1:1 <<EOF <<-'TWO' /dst/\nline\nEOF\n\tx\n\tTWO\n",
    "\ufeffFROM a\r\nENV A=1 B=\"two words\" \\\r\n  C=3\r\nLABEL old form value\r\nONBUILD RUN <<X\r\nbody\r\nX\r\n",
    "FROM a\nHEALTHCHECK --interval=5s CMD [\"curl\", \"-f\", \"http://x\"]\nARG V=\"1 2\" W\nRUN [not json\nEXPOSE 80 443/udp",
    "FROM a\nRUN --mount=type=cache,target=/root/.cache \\\n  pip install -r requirements.txt \\",
    "FROM scratch\nUNKNOWN thing\nUSER <<EOF\nEOF\nRUN 3<<A cat\nA\n",
]
PIECES = ["\\", "`", "[", "]", '"', "'", "<<", "<<-", "\n", "\r\n", " ", "\t", "#", "=", "--",
          "EOF", "RUN ", "FROM a", "ENV ", "ONBUILD ", "é", "\u00a0", "\u3000", "${", "}", "$", "\ufeff"]


def _check(text: str) -> None:
    try:
        tree = parse(text)
    except DockerfileSyntaxError as exc:
        assert exc.line >= 1 and exc.message
        return
    assert span_problems(text, tree) == []


@st.composite
def mutated(draw, real: bool = False) -> str:
    """A seed Dockerfile (the hand-written SEEDS, or with ``real`` also a few of the corpus)
    with a few pieces inserted, deleted or duplicated."""
    seeds = SEEDS + _corpus_seeds() if real else SEEDS
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            piece = draw(st.one_of(st.sampled_from(PIECES),
                                   st.text(st.characters(blacklist_characters="\x00"), max_size=3)))
            text = text[:pos] + piece + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)):]
        else:
            text = text[:pos] + text[pos:pos + draw(st.integers(1, 20))] + text[pos:]
    return text


_SEED_CACHE: list[str] = []


def _corpus_seeds() -> list[str]:
    """A few small real Dockerfiles of the corpus."""
    if not _SEED_CACHE:
        for path in sorted(corpus_dir("real").rglob("*Dockerfile*"))[::500][:20]:
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if len(text) < 4000:
                _SEED_CACHE.append(text)
        _SEED_CACHE.append(SEEDS[0])
    return _SEED_CACHE


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_dockerfiles_round_trip_or_raise_syntax_error(text: str) -> None:
    _check(text)


@pytest.mark.corpus
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(real=True))
def test_mutated_real_dockerfiles_round_trip_or_raise_syntax_error(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES + ["a", "b", "x=y", "0"]), max_size=40).map("".join))
def test_random_piece_soup(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(blacklist_characters="\x00"), max_size=200))
def test_random_text(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_dockerfiles_agree_with_buildkit(text: str) -> None:
    """Differential: the same acceptance and the same parse as BuildKit's own parser, except
    where the oracle's older BuildKit differs (see test_syntax_corpus.test_oracle_version_differences)."""
    _agrees_with_buildkit(text)


@pytest.mark.corpus
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(real=True))
def test_mutated_real_dockerfiles_agree_with_buildkit(text: str) -> None:
    _agrees_with_buildkit(text)


def _agrees_with_buildkit(text: str) -> None:
    import re

    import dockerfile  # BuildKit's own parser, a test dependency

    from tests.test_syntax_corpus import _align_start_lines, _ours, _theirs

    if not text.isascii() or re.search(r"<<-?[ \t]|#\s*check\s*=", text, re.I):
        return  # the binding mangles non-ASCII flag bytes; newer-BuildKit features
    try:
        tree = parse(text)
    except DockerfileSyntaxError:
        tree = None
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        assert tree is None, "BuildKit rejects what dockwise accepts"
        return
    assert tree is not None, "dockwise rejects what BuildKit accepts"
    ours = _ours(tree)
    assert ours == _align_start_lines(_theirs(commands, _ours(tree)), ours, text)
