"""``--format hadolint-json``: the JSON array ``hadolint --format json`` prints, so that what
reads hadolint's output (reviewdog's hadolint parser, editor plugins, CI scripts) reads
dockwise's::

    [{"code": "DL3008", "column": 1, "file": "Dockerfile", "level": "warning", "line": 3,
      "message": "..."}]

Levels are hadolint's (error, warning, info, style). A ShellCheck finding (DW050) carries its
own ``SC`` code, as hadolint reports it. A finding about a whole file (an image) is at line 1,
column 1: hadolint always gives both.
"""

from __future__ import annotations

from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding
from dockwise.report.data import ReportData, json_text

# DW050's message: "SC2086: <ShellCheck's message> (<wiki link>)"
_SHELLCHECK = lazy_compile(r"^(SC\d+): (.*?)(?: \(https?://[^()\s]*\))?$")


def hadolint_entry(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    code, message = finding.code, finding.message
    if code == "DW050":
        match = _SHELLCHECK.match(message)
        if match:
            code, message = match.group(1), match.group(2)
    return {"code": code, "column": loc.column or 1, "file": loc.file, "level": str(finding.severity),
            "line": loc.line or 1, "message": message}


def render_hadolint_json(data: ReportData) -> str:
    return json_text([hadolint_entry(f) for f in data.findings])
