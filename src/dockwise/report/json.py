"""``--format json``: the one report document of every command (docs/report.schema.json).

``{"version", "files", "findings", "errors"}``, plus ``"image"`` from ``dockwise image`` and
``"context"`` from ``dockwise context``. Findings have 1-based positions, an exclusive end
column, and their ``extra`` facts (DL3008's packages, DI004's layer and path, ...).
"""

from __future__ import annotations

from typing import Any

from dockwise.findings import Finding
from dockwise.report.data import ReportData, json_text, jsonable


def finding_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "message": finding.message,
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "aliases": list(finding.aliases),
        "fixable": finding.fix is not None,  # this finding, not the rule: --fix can repair it
        "extra": jsonable(finding.extra),
    }


def render_json(data: ReportData) -> str:
    from dockwise import __version__

    document = {
        "version": __version__,
        "files": list(data.files),
        "findings": [finding_dict(f) for f in data.findings],
        "errors": list(data.errors),
    }
    document.update(data.sections)
    return json_text(document, record_per_line=True)
