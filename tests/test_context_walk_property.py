"""Property: the pruning walker sends exactly the files that per-path matching (BuildKit's
MatchesOrParentMatches, no pruning) says are not excluded -- for random trees and patterns."""

from __future__ import annotations

import os
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.context.patterns import PatternMatcher
from dockwise.context.scan import walk

DIRS = ["a", "b", "ab", "node_modules", ".git"]
FILES = ["a", "c", "ab.x", "keep.txt", "x.pyc"]
SEGMENTS = ["a", "b", "ab", "c", "*", "?", "**", "[ab]", "a*", "*.pyc", "keep.txt", "node_modules", ".git"]

paths = st.lists(st.tuples(st.lists(st.sampled_from(DIRS), max_size=3), st.sampled_from(FILES)),
                 min_size=1, max_size=25)
patterns = st.lists(
    st.tuples(st.booleans(), st.booleans(), st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3)).map(
        lambda t: ("!" if t[0] else "") + ("/" if t[1] else "") + "/".join(t[2])),
    max_size=6)


def build(root, entries):
    made = []
    for dirs, name in entries:
        rel = "/".join([*dirs, name])
        path = os.path.join(root, *rel.split("/"))
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if os.path.isdir(path):
                continue
            with open(path, "w") as fh:
                fh.write("x")
        except (FileExistsError, NotADirectoryError):
            continue
        made.append(rel)
    return made


@settings(max_examples=80, deadline=None)
@given(entries=paths, pats=patterns)
def test_pruning_walk_equals_per_path_matching(entries, pats):
    matcher = PatternMatcher(pats)
    with tempfile.TemporaryDirectory() as root:
        files = build(root, entries)
        expected = sorted(f for f in set(files) if not matcher.excluded(f))
        assert sorted(walk(root, matcher).files) == expected
