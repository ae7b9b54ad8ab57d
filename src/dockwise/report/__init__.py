"""Rendering findings: ``text`` (ruff/rustc style), ``json``, ``sarif`` (2.1.0), ``github``
(workflow-command annotations) and the formats other tools read (:data:`FORMATS`: Checkstyle
and JUnit XML, GitLab Code Quality, Code Climate, SonarQube's generic issues, GNU, JSON Lines,
hadolint's JSON). Every part of dockwise reports through :func:`render`.

    from dockwise.report import render
    print(render("json", findings, files=["Dockerfile"]), end="")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dockwise.findings import Finding, RuleInfo
from dockwise.report.data import FORMATS, ReportData, json_text, jsonable, printable, use_color

__all__ = ["FORMATS", "ReportData", "json_text", "jsonable", "printable", "render", "use_color"]


# format -> (module, function): each renderer lives in its own module, imported on use (the
# XML formats bring xml.etree, which the check path must not pay for).
_RENDERERS = {
    "json": ("json", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "checkstyle": ("checkstyle", "render_checkstyle"),
    "junit": ("junit", "render_junit"),
    "gitlab": ("gitlab", "render_gitlab"),
    "codeclimate": ("codeclimate", "render_codeclimate"),
    "sonarqube": ("sonarqube", "render_sonarqube"),
    "gnu": ("gnu", "render_gnu"),
    "json-lines": ("jsonlines", "render_json_lines"),
    "hadolint-json": ("hadolint", "render_hadolint_json"),
    "html": ("html", "render_html"),
}


def render(fmt: str, findings: Sequence[Finding], *, files: Sequence[str] = (),
           sources: Mapping[str, str] | None = None, errors: Sequence[str] = (),
           rules: Sequence[RuleInfo] | None = None, color: bool = False, fixed: int = 0,
           summary: bool = True, sections: Mapping[str, Any] | None = None,
           fix_hint: str = "--fix", concise: bool = False, show_fixes: bool = False,
           command: str = "check") -> str:
    """``findings`` rendered in format ``fmt`` (one of :data:`FORMATS`), ending in a newline
    (the empty string when there is nothing to say). ``sections`` go into the JSON document
    and SARIF's run properties; text and github output leave them to the command's summary.
    ``concise`` and ``show_fixes`` shape the text format; ``command`` names the run where a
    format has a place for it (JUnit's test suite)."""
    data = ReportData(findings=findings, files=files, sources=sources or {}, errors=errors,
                      rules=rules, fixed=fixed, fix_hint=fix_hint, sections=sections,
                      command=command)
    if fmt == "text":
        from dockwise.report.text import render_text

        return render_text(data, color=color, summary=summary, concise=concise,
                           show_fixes=show_fixes)
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown report format {fmt!r} (expected one of: {', '.join(FORMATS)})")
    import importlib

    module, function = _RENDERERS[fmt]
    return getattr(importlib.import_module(f"dockwise.report.{module}"), function)(data)
