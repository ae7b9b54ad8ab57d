"""Rendering findings: ``text`` (ruff/rustc style), ``json``, ``sarif`` (2.1.0) and ``github``
(workflow-command annotations). Every part of dockwise reports through :func:`render`.

    from dockwise.report import render
    print(render("json", findings, files=["Dockerfile"]), end="")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dockwise.findings import Finding, RuleInfo
from dockwise.report.data import FORMATS, ReportData, json_text, jsonable, printable, use_color

__all__ = ["FORMATS", "ReportData", "json_text", "jsonable", "printable", "render", "use_color"]


def render(fmt: str, findings: Sequence[Finding], *, files: Sequence[str] = (),
           sources: Mapping[str, str] | None = None, errors: Sequence[str] = (),
           rules: Sequence[RuleInfo] | None = None, color: bool = False, fixed: int = 0,
           summary: bool = True, sections: Mapping[str, Any] | None = None,
           fix_hint: str = "--fix") -> str:
    """``findings`` rendered in format ``fmt`` (one of :data:`FORMATS`), ending in a newline
    (the empty string when there is nothing to say). ``sections`` go into the JSON document
    and SARIF's run properties; text and github output leave them to the command's summary."""
    data = ReportData(findings=findings, files=files, sources=sources or {}, errors=errors,
                      rules=rules, fixed=fixed, fix_hint=fix_hint, sections=sections)
    if fmt == "text":
        from dockwise.report.text import render_text

        return render_text(data, color=color, summary=summary)
    if fmt == "json":
        from dockwise.report.json import render_json

        return render_json(data)
    if fmt == "sarif":
        from dockwise.report.sarif import render_sarif

        return render_sarif(data)
    if fmt == "html":
        from dockwise.report.html import render_html

        return render_html(data)
    if fmt == "github":
        from dockwise.report.github import render_github

        return render_github(data)
    raise ValueError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
