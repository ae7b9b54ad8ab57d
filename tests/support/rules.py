"""Run one Dockerfile rule on a text and look at what it found: the helpers every rule test uses."""

from __future__ import annotations

import os

from dockwise.catalog import all_rules
from dockwise.context.check import ContextReader
from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile


def rule_of(code: str) -> type:
    """The rule class whose own code is ``code`` (aliases are not followed)."""
    return next(r for r in all_rules() if r.info.code == code)


def run_rule(rule: type, text: str, path: str = "Dockerfile") -> list:
    """The findings of ``rule`` on ``text``, in report order.

    ``path`` is where the Dockerfile is taken to live: when it is a file on disk, its directory
    is the build context (read as ``dockwise check`` reads it, ``.dockerignore`` included) for
    the rules that look at it (entrypoint scripts, copied files), so tests pass a file in
    ``tmp_path``; otherwise there is no context, as for stdin.
    """
    tree = parse_dockerfile(text, path)
    context = ContextReader().for_dockerfile(path) if os.path.isfile(path) else None
    target = CheckTarget(path, tree, build_model(tree), context=context)
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


def check_body(code: str, body: str, base: str = "FROM debian:12.8\n") -> list:
    """The findings of the rule ``code`` on ``body`` (instructions) after the line ``base``."""
    return check_text(base + body + "\n", code)
