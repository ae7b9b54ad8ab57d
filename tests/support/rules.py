"""Run one Dockerfile rule on a text and look at what it found: the helpers every rule test uses."""

from __future__ import annotations

from dockwise.catalog import all_rules
from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile


def rule_of(code: str) -> type:
    """The rule class whose own code is ``code`` (aliases are not followed)."""
    return next(r for r in all_rules() if r.info.code == code)


def run_rule(rule: type, text: str, path: str = "Dockerfile") -> list:
    """The findings of ``rule`` on ``text``, in report order.

    ``path`` is where the Dockerfile is taken to live: rules that read the build context
    (entrypoint scripts, copied files) look beside it, so tests pass a file in ``tmp_path``.
    """
    tree = parse_dockerfile(text, path)
    target = CheckTarget(path, tree, build_model(tree))
    return sorted(rule().check(target), key=lambda f: f.sort_key)


def check_text(text: str, code: str, path: str = "Dockerfile") -> list:
    """The findings of the rule ``code`` on ``text``, in report order."""
    return run_rule(rule_of(code), text, path)


def where(findings) -> list[tuple[int, int, int]]:
    """(line, column, end column) of each finding: enough for spans on one line."""
    return [(f.location.line, f.location.column, f.location.end_column) for f in findings]


def where_spanning(findings) -> list[tuple[int, int, int, int]]:
    """(line, column, end line, end column) of each finding, for spans that may cross lines."""
    return [(f.location.line, f.location.column, f.location.end_line, f.location.end_column)
            for f in findings]


def apply(text: str, fix) -> str:
    """``text`` with every edit of ``fix`` applied (edits never overlap)."""
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text
