"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``), the
subset of the Code Climate issue GitLab reads: ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location`` (``path``, ``lines.begin``). GitLab matches
findings between the base and the merge request by fingerprint, so a fingerprint survives
edits to other lines (:mod:`dockwise.report.fingerprint`)."""

from __future__ import annotations

from typing import Any

from dockwise.findings import Finding
from dockwise.report.codeclimate import SEVERITIES, description
from dockwise.report.data import ReportData, json_text, report_path
from dockwise.report.fingerprint import fingerprints


def code_quality(finding: Finding, fingerprint: str) -> dict[str, Any]:
    loc = finding.location
    return {
        "description": description(finding),
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": report_path(loc.file), "lines": {"begin": loc.line or 1}},
    }


def render_gitlab(data: ReportData) -> str:
    return json_text([code_quality(f, fp) for f, fp in zip(data.findings, fingerprints(data))])
