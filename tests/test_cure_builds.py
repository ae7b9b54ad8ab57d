"""The cure, proven by building it: each project of tests/cure_builds (Python, Node, Go, ...)
is built as written, cured by ``dockwise check --fix --unsafe-fixes`` with no human edit, and
built again (tests/support/cure_builds.py). The cure must build, weigh no more than the original
(the sum of the uncompressed layer tars), still pass the project's smoke check (which the
original passes too, so the fixture itself is sound), and run as the non-root numeric user its
diff says it adds. A few projects go through ``--verify`` (dockwise's own rebuild in the same
buildah store) before the fix is written.

``DOCKWISE_CURE_BUILDS_TABLE=FILE`` writes the table of sizes of the run to FILE
(benchmarks/cure_builds.py prints it)."""

from __future__ import annotations

import os
import re

import pytest

from tests.support.cure_builds import BASES, Outcome, cure_and_build, fixtures, markdown_table

pytestmark = pytest.mark.buildah

FIXTURES = fixtures()
# proved with --verify before the fix is written (a few keep the run short)
VERIFIED = frozenset({"node-nvmrc", "go-server"})
_outcomes: dict[str, Outcome] = {}


def _write_table() -> None:
    """The table of the fixtures measured so far (rewritten after each: a run cut short keeps it)."""
    target = os.environ.get("DOCKWISE_CURE_BUILDS_TABLE")
    if target and _outcomes:
        ordered = [_outcomes[f.name] for f in FIXTURES if f.name in _outcomes]
        with open(target, "w") as fh:
            fh.write(markdown_table(ordered))


@pytest.fixture
def cured(request, buildah, debian_bases, tmp_path) -> Outcome:
    fixture = request.param
    debian_bases(*BASES[fixture.shape])
    outcome = cure_and_build(buildah, fixture, tmp_path, verify=fixture.name in VERIFIED)
    _outcomes[fixture.name] = outcome
    _write_table()
    return outcome


@pytest.mark.parametrize("cured", FIXTURES, ids=[f.name for f in FIXTURES], indirect=True)
def test_the_cure_builds_is_no_larger_and_still_runs(cured):
    before, after = cured.before, cured.after
    where = f"\n--- the cured Dockerfile:\n{cured.dockerfile}\n--- dockwise said:\n{cured.cure_output}"
    assert before.image, f"the fixture itself does not build:\n{before.failure}"
    assert before.smoke_ok, f"the fixture's own smoke check fails: {before.smoke_detail}"
    assert after.image, f"the cured Dockerfile does not build:\n{after.failure}{where}"
    assert cured.dockerfile != (cured.fixture.path / "Dockerfile").read_text(), f"the cure changed nothing{where}"
    assert after.size <= before.size, f"the cure grew the image: {before.size:,} -> {after.size:,} bytes{where}"
    assert after.smoke_ok, f"the cured image fails its smoke check: {after.smoke_detail}{where}"
    if cured.cure_user is not None:
        assert after.user == cured.cure_user and re.fullmatch(r"[1-9]\d*(:\d+)?", after.user), \
            f"the cure's diff adds USER {cured.cure_user}, the image runs as {after.user!r}{where}"
