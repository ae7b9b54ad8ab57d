"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the runner's rules: in the message ``%``, CR and LF are percent-encoded;
in property values ``:`` and ``,`` are too.
"""

from __future__ import annotations

import re

from dockwise.findings import Finding, Severity
from dockwise.report.data import ReportData, printable

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
           Severity.INFO: "notice", Severity.STYLE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    loc = finding.location
    # Control characters from the Dockerfile or a file name are written C-style first (an
    # ESC or a newline must not reach the log raw); then the runner's own escapes apply.
    props = [("file", printable(loc.file))]
    for key, value in (("line", loc.line), ("col", loc.column),
                       ("endLine", loc.end_line), ("endColumn", loc.end_column)):
        if value is not None:
            props.append((key, str(value)))
    props.append(("title", finding.code))
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{_LEVELS[finding.severity]} {joined}::{escape_data(printable(finding.message))}"


_ERROR_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error: (?P<message>.*)$")


def error_annotation(line: str) -> str:
    """An exit-2 error line ("path:3:1: error: ...") as an annotation, so CI shows it too."""
    line = printable(line)
    match = _ERROR_LINE.match(line)
    if match is None:
        return f"::error title=dockwise::{escape_data(line)}"
    props = [("file", match["file"])]
    if match["line"]:
        props += [("line", match["line"]), ("col", match["col"])]
    props.append(("title", "dockwise"))
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::error {joined}::{escape_data(match['message'])}"


def render_github(data: ReportData) -> str:
    lines = [error_annotation(e) for e in data.errors] + [annotation(f) for f in data.findings]
    return "".join(line + "\n" for line in lines)
