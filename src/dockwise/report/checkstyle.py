"""``--format checkstyle``: Checkstyle's XML report, which Jenkins (Warnings NG), reviewdog,
Danger, SonarQube's Checkstyle import and most CI dashboards read::

    <checkstyle version="4.3">
      <file name="Dockerfile">
        <error line="3" column="5" severity="warning" message="..." source="dockwise.DL3008"/>
      </file>
    </checkstyle>

Every checked file has its ``<file>`` element, with no ``<error>`` when it is clean (a
dashboard then knows it was checked). Checkstyle's severities are error, warning and info.
"""

from __future__ import annotations

from dockwise.findings import Severity
from dockwise.report.data import XML_DECLARATION, ReportData, error_parts, xml_text

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
           Severity.INFO: "info", Severity.STYLE: "info"}


def render_checkstyle(data: ReportData) -> str:
    import xml.etree.ElementTree as ET

    root = ET.Element("checkstyle", version="4.3")
    elements = {}
    for path in data.reported_files():
        elements[path] = ET.SubElement(root, "file", name=xml_text(path))
    for finding in data.findings:
        loc = finding.location
        attributes = {}
        if loc.line is not None:
            attributes["line"] = str(loc.line)
            if loc.column:
                attributes["column"] = str(loc.column)
        attributes.update(severity=_LEVELS[finding.severity], message=xml_text(finding.message),
                          source=f"dockwise.{finding.code}")
        ET.SubElement(elements[loc.file], "error", attributes)
    for line in data.errors:  # a file that could not be checked: an error of the run
        path, number, column, message = error_parts(line)
        attributes = {"line": str(number), "column": str(column)} if number else {}
        attributes.update(severity="error", message=xml_text(message), source="dockwise")
        ET.SubElement(ET.SubElement(root, "file", name=xml_text(path or "dockwise")), "error",
                      attributes)
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
