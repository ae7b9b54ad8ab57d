"""``--format codeclimate``: the issues of the Code Climate engine specification
(github.com/codeclimate/platform, ``spec/analyzers/SPEC.md``) as one JSON array, the way the
``codeclimate`` CLI's JSON report and GitLab read them::

    [{"type": "issue", "check_name": "DL3008", "description": "...", "categories": ["Bug Risk"],
      "location": {"path": "Dockerfile", "positions": {"begin": {"line": 3, "column": 5},
                                                      "end": {"line": 3, "column": 28}}},
      "severity": "minor", "fingerprint": "...", "content": {"body": "why it matters"}}]

Positions are 1-based; the end column is the last character of the span (inclusive).
Fingerprints are stable when other lines move (:mod:`dockwise.report.fingerprint`).
"""

from __future__ import annotations

from typing import Any

from dockwise.findings import Finding, Severity
from dockwise.report.categories import category
from dockwise.report.data import ReportData, json_text, report_path
from dockwise.report.fingerprint import fingerprints

# Code Climate's scale is info, minor, major, critical, blocker; "blocker" is left for what
# stops a build, which dockwise reports as an error line, not a finding.
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor",
              Severity.INFO: "info", Severity.STYLE: "info"}
_CATEGORIES = {"security": "Security", "performance": "Performance", "style": "Style",
               "clarity": "Clarity", "bug-risk": "Bug Risk"}


def description(finding: Finding) -> str:
    """The rule's code leads: GitLab's merge-request widget shows the description alone."""
    return f"{finding.code}: {finding.message}"


def _location(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    path = report_path(loc.file)
    if loc.line is None:  # a finding about the whole file (an image): its first line
        return {"path": path, "lines": {"begin": 1, "end": 1}}
    begin = {"line": loc.line, "column": loc.column or 1}
    end_line = loc.end_line or loc.line
    end_column = max((loc.end_column or 2) - 1, 1)  # exclusive in dockwise, inclusive here
    if end_line == loc.line:
        end_column = max(end_column, begin["column"])
    return {"path": path, "positions": {"begin": begin, "end": {"line": end_line, "column": end_column}}}


def _rationales(data: ReportData) -> dict[str, str]:
    if data.rules is not None:
        infos = data.rules
    else:
        from dockwise.catalog import rule_infos

        infos = rule_infos()
    return {info.code: info.rationale for info in infos if info.rationale}


def issue(finding: Finding, fingerprint: str, rationale: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": "issue",
        "check_name": finding.code,
        "description": description(finding),
        "categories": [_CATEGORIES[category(finding)]],
        "location": _location(finding),
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint,
    }
    if rationale:
        found["content"] = {"body": rationale}
    return found


def render_codeclimate(data: ReportData) -> str:
    rationales = _rationales(data)
    issues = [issue(f, fp, rationales.get(f.code))
              for f, fp in zip(data.findings, fingerprints(data))]
    return json_text(issues)
