"""``--format gnu``: one line per finding in the GNU coding standards' error format,
``file:line:column: severity: message [CODE]``, as compilers print them; editors (Emacs'
compilation mode, Vim's quickfix) and CI log parsers jump to the line."""

from __future__ import annotations

from dockwise.findings import Finding, Severity
from dockwise.report.data import ReportData, printable

# GNU tools know "error", "warning" and "note"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
           Severity.INFO: "note", Severity.STYLE: "note"}


def gnu_line(finding: Finding) -> str:
    loc = finding.location
    where = printable(loc.file)
    if loc.line is not None:
        where += f":{loc.line}:{loc.column or 1}"
    return f"{where}: {_LEVELS[finding.severity]}: {printable(finding.message)} [{finding.code}]"


def render_gnu(data: ReportData) -> str:
    # error lines are already "path[:line:col]: error: message", the GNU shape
    lines = [printable(line) for line in data.errors] + [gnu_line(f) for f in data.findings]
    return "".join(line + "\n" for line in lines)
