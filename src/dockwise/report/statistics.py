"""``--statistics``: how many findings each rule has, most first, instead of the findings::

       12  DL3008  [warning]  apt-get-pin-versions  (12 fixable)
        1  DW501   [error]    final-stage-without-user

    13 findings (1 error, 12 warnings) in 2 files; 12 fixable with --fix.

With ``--format json`` a list of ``{"code", "name", "severity", "count", "fixable"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dockwise.findings import Finding
from dockwise.report.data import ReportData, json_text


def rule_counts(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """One row per rule that has findings: most findings first, then by code. A rule whose
    findings have several severities (a config's override for some files) shows the highest."""
    rows: dict[str, dict[str, Any]] = {}
    for finding in findings:
        row = rows.setdefault(finding.code, {"code": finding.code, "name": finding.name,
                                             "severity": finding.severity, "count": 0, "fixable": 0})
        row["count"] += 1
        row["fixable"] += finding.fix is not None
        row["severity"] = max(row["severity"], finding.severity)
    ordered = sorted(rows.values(), key=lambda row: (-row["count"], row["code"]))
    return [{**row, "severity": str(row["severity"])} for row in ordered]


def render_statistics(fmt: str, findings: Sequence[Finding], *, files: Sequence[str] = (),
                      errors: Sequence[str] = (), summary: bool = True) -> str:
    rows = rule_counts(findings)
    if fmt == "json":
        return json_text(rows)
    from dockwise.report.text import summary_line

    width = max((len(str(row["count"])) for row in rows), default=1)
    code_width = max((len(row["code"]) for row in rows), default=0)
    severity_width = max((len(row["severity"]) + 2 for row in rows), default=0)
    lines = []
    for row in rows:
        fixable = f"  ({row['fixable']} fixable)" if row["fixable"] else ""
        lines.append(f"{row['count']:>{width + 4}}  {row['code']:<{code_width}}  "
                     f"{'[' + row['severity'] + ']':<{severity_width}}  {row['name']}{fixable}")
    if summary:
        lines += ([""] if lines else []) + [summary_line(ReportData(findings, files=files, errors=errors))]
    return "".join(line + "\n" for line in lines)
