"""``--format sonarqube``: SonarQube's generic issue import format (SonarQube 10.3 and later,
SonarQube Cloud), read with ``sonar.externalIssuesReportPaths``::

    {"rules": [{"id": "DL3008", "name": "...", "description": "...", "engineId": "dockwise",
                "cleanCodeAttribute": "CONVENTIONAL",
                "impacts": [{"softwareQuality": "MAINTAINABILITY", "severity": "MEDIUM"}]}],
     "issues": [{"ruleId": "DL3008", "primaryLocation": {"message": "...", "filePath": "Dockerfile",
                 "textRange": {"startLine": 3, "startColumn": 4, "endLine": 3, "endColumn": 27}}}]}

Only the rules that have findings are described. Lines are 1-based and columns 0-based, as
the format says; a finding about a whole file points at its first line.
"""

from __future__ import annotations

from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.report.categories import category
from dockwise.report.data import ReportData, json_text, report_path

ENGINE = "dockwise"
_IMPACT = {Severity.ERROR: "HIGH", Severity.WARNING: "MEDIUM", Severity.INFO: "LOW",
           Severity.STYLE: "INFO"}
_QUALITY = {"security": "SECURITY", "bug-risk": "RELIABILITY"}  # else MAINTAINABILITY
_ATTRIBUTE = {"security": "TRUSTWORTHY", "performance": "EFFICIENT", "style": "CONVENTIONAL",
              "clarity": "CLEAR", "bug-risk": "LOGICAL"}


def _text_range(finding: Finding) -> dict[str, int]:
    loc = finding.location
    if loc.line is None:
        return {"startLine": 1}
    text_range = {"startLine": loc.line}
    if loc.column:
        text_range["startColumn"] = loc.column - 1
        end_line = loc.end_line or loc.line
        if loc.end_column and (end_line, loc.end_column) > (loc.line, loc.column):
            text_range["endLine"] = end_line
            text_range["endColumn"] = loc.end_column - 1
    return text_range


def _rule(finding: Finding, info: RuleInfo | None, severity: Severity) -> dict[str, Any]:
    kind = category(finding)
    rule = {
        "id": finding.code,
        "name": finding.name,
        "engineId": ENGINE,
        "cleanCodeAttribute": _ATTRIBUTE[kind],
        "impacts": [{"softwareQuality": _QUALITY.get(kind, "MAINTAINABILITY"),
                     "severity": _IMPACT[severity]}],
    }
    if info is not None:
        rule["description"] = f"{info.summary}\n\n{info.rationale}".strip()
    return rule


def _infos(data: ReportData) -> dict[str, RuleInfo]:
    if data.rules is not None:
        return {info.code: info for info in data.rules}
    from dockwise.catalog import rule_infos

    return {info.code: info for info in rule_infos()}


def render_sonarqube(data: ReportData) -> str:
    infos = _infos(data) if data.findings else {}
    # a rule is described once; a severity raised for some files (.hadolint.yaml's override)
    # makes its impact the highest one found
    worst: dict[str, Finding] = {}
    for finding in data.findings:
        if finding.code not in worst or finding.severity > worst[finding.code].severity:
            worst[finding.code] = finding
    rules = [_rule(f, infos.get(code), f.severity) for code, f in worst.items()]
    issues = [{"ruleId": f.code,
               "primaryLocation": {"message": f.message, "filePath": report_path(f.location.file),
                                   "textRange": _text_range(f)}}
              for f in data.findings]
    return json_text({"rules": rules, "issues": issues})
