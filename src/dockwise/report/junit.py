"""``--format junit``: a JUnit XML report, one ``<testcase>`` per file, for the test-report
views of GitLab, Jenkins, Azure DevOps and CircleCI. A file with findings has a ``<failure>``
listing them (one ``path:line:col: CODE [severity] message`` line each); a file that could not
be read or parsed has an ``<error>``; a clean file passes."""

from __future__ import annotations

from dockwise.report.data import XML_DECLARATION, ReportData, error_parts, xml_text
from dockwise.report.text import Paint, header


def render_junit(data: ReportData) -> str:
    import xml.etree.ElementTree as ET

    by_file: dict[str, list] = {path: [] for path in data.reported_files()}
    for finding in data.findings:
        by_file[finding.location.file].append(finding)
    errors: dict[str, list[str]] = {}
    for line in data.errors:
        path = error_parts(line)[0] or "dockwise"
        errors.setdefault(path, []).append(line)
        by_file.setdefault(path, [])
    suite_name = f"dockwise {data.command}"
    failures = sum(1 for findings in by_file.values() if findings)
    counts = {"tests": str(len(by_file)), "failures": str(failures), "errors": str(len(errors))}
    root = ET.Element("testsuites", name="dockwise", **counts)
    suite = ET.SubElement(root, "testsuite", name=suite_name, **counts)
    paint = Paint(False)
    for path, findings in by_file.items():
        case = ET.SubElement(suite, "testcase", name=xml_text(path), classname=suite_name,
                             file=xml_text(path))
        if findings:
            codes = ", ".join(dict.fromkeys(f.code for f in findings))
            failure = ET.SubElement(case, "failure", type="findings",
                                    message=f"{_plural(len(findings))} ({codes})")
            failure.text = "\n".join(xml_text(header(f, paint)) for f in findings)
        if path in errors:
            error = ET.SubElement(case, "error", type="error", message=xml_text(errors[path][0]))
            error.text = "\n".join(xml_text(line) for line in errors[path])
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _plural(count: int) -> str:
    return f"{count} finding" if count == 1 else f"{count} findings"
