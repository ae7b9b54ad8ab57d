"""What `dockwise check --fix --unsafe-fixes` promises for any Dockerfile, checked on one text.

The promises: the fixed file still parses, with dockwise and with BuildKit's own parser (the
``dockerfile`` package, a test dependency) when that parser took the original; fixing the
fixed file again changes nothing; no fix brings a warning or an error the file did not have
(counted per rule code); the fixes settle within :data:`MAX_ROUNDS` rounds; and no fix leaves
a build-breaking shape behind (:func:`dockwise.fix.build_safety.broken_shapes`). The corpus test
and ``benchmarks/fix_corpus.py`` both use :func:`fix_problems`.
"""

from __future__ import annotations

from collections import Counter

MAX_ROUNDS = 3
PATH = "Dockerfile"  # no build context: the corpus copies are read-only and have none


def fix_engine(ignore: tuple[str, ...] = ()):
    """An engine fixing with every fix, safe and unsafe (the rules of ``ignore`` left out: a
    test of one small fix ignores the findings the restructuring answers, so that it sees
    that fix alone)."""
    from dockwise.engine.dockerfile import CheckOptions, Engine
    from dockwise.engine.selection import Selection

    return Engine(options=CheckOptions(Selection(ignored=frozenset(ignore)), context=False,
                                       use_config=False, fix=True, unsafe_fixes=True, keep_source=False))


def _fix(engine, text: str):
    from dockwise.fix.loop import fix_until_stable

    return fix_until_stable(text, PATH, lambda t: engine.check_text(t, PATH), unsafe=True)


def _serious(report) -> Counter:
    from dockwise.findings import Severity

    return Counter(f.code for f in report.findings if f.severity >= Severity.WARNING)


def _buildkit_accepts(text: str) -> bool:
    import dockerfile  # BuildKit's parser, a test dependency

    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return False
    return True


def fix_problems(engine, text: str) -> tuple[bool, list[str]]:
    """Whether ``--fix --unsafe-fixes`` changes ``text``, and which of its promises it breaks
    there (empty: none)."""
    from dockwise.fix.build_safety import broken_shapes

    before = engine.check_text(text, PATH)
    if not before.parsed:
        return False, []
    outcome = _fix(engine, text)
    fixed = outcome.text
    if fixed == text:
        return False, []
    problems = []
    if not outcome.report.parsed:
        problems.append("the fixed file does not parse with dockwise")
    if _buildkit_accepts(text) and not _buildkit_accepts(fixed):
        problems.append("the fixed file does not parse with BuildKit's parser")
    again = _fix(engine, fixed)
    if again.text != fixed:
        problems.append("a second --fix changes the fixed file again")
    new = _serious(outcome.report) - _serious(before)
    if new:
        problems.append(f"the fixes bring new warnings or errors: {dict(sorted(new.items()))}")
    if outcome.rounds > MAX_ROUNDS:
        problems.append(f"the fixes took {outcome.rounds} rounds (at most {MAX_ROUNDS})")
    problems.extend(f"the fixes leave {shape}" for shape in broken_shapes(text, fixed))
    return True, problems
