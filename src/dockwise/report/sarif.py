"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure).

Every rule of the catalogue is described in ``tool.driver.rules`` (so dashboards can show
rules that did not fire); results point at them by ``ruleId`` and ``ruleIndex``.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.report.data import ReportData, json_text, jsonable, report_path
from dockwise.report.fingerprint import fingerprints

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
           Severity.INFO: "note", Severity.STYLE: "note"}


def _help_text(info: RuleInfo) -> str:
    parts = [info.summary, "", info.rationale]
    if info.bad_example:
        parts += ["", "Bad:", info.bad_example]
    if info.good_example:
        parts += ["", "Good:", info.good_example]
    return "\n".join(parts).strip()


def _fence_open(example: str) -> str:
    """A DC/DI example is a file listing, not a Dockerfile: it says its own language."""
    return "```" + getattr(example, "language", "dockerfile")


def _help_markdown(info: RuleInfo) -> str:
    parts = [f"**{info.summary}**", "", info.rationale]
    if info.bad_example:
        parts += ["", "Bad:", _fence_open(info.bad_example), info.bad_example.rstrip("\n"), "```"]
    if info.good_example:
        parts += ["", "Good:", _fence_open(info.good_example), info.good_example.rstrip("\n"), "```"]
    return "\n".join(parts).strip()


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.rationale or info.summary},
        "help": {"text": _help_text(info), "markdown": _help_markdown(info)},
        "helpUri": info.help_uri,
        "defaultConfiguration": {"level": _LEVELS[info.severity]},
        "properties": {"tags": list(info.aliases), "fixable": info.fixable},
    }


def _uri(path: str) -> str:
    """A relative URI reference (relative to the current directory when the path is under it:
    code scanning resolves it against the repository root, where CI runs): the path's bytes
    percent-encoded (a name that is not UTF-8 keeps its bytes, ``%FF``, rather than failing
    to encode)."""
    return quote(os.fsencode(report_path(path)), safe="/:@-._~")


def _region(finding: Finding) -> dict[str, int] | None:
    loc = finding.location
    if loc.line is None or loc.line < 1:
        return None
    region = {"startLine": loc.line}
    if loc.column:
        region["startColumn"] = loc.column
    if loc.end_line:
        region["endLine"] = loc.end_line
    if loc.end_column:
        region["endColumn"] = loc.end_column
    return region


# The key of the fingerprint in ``partialFingerprints``; a new algorithm gets a new version.
FINGERPRINT_KEY = "dockwiseFingerprint/v1"


def _result(finding: Finding, index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.location.file)}}
    region = _region(finding)
    if region:
        physical["region"] = region
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        # code scanning matches alerts between runs by this: it survives edits of other lines
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    properties: dict[str, Any] = {}
    if finding.aliases:
        properties["tags"] = list(finding.aliases)
    if finding.extra:
        properties["extra"] = jsonable(finding.extra)
    if properties:
        result["properties"] = properties
    return result


def _infos(data: ReportData) -> list[RuleInfo]:
    if data.rules is not None:
        infos = list(data.rules)
    else:
        from dockwise.catalog import rule_infos

        infos = list(rule_infos())
    known = {info.code for info in infos}
    for finding in data.findings:  # a finding from a rule outside the list still needs an entry
        if finding.code not in known:
            known.add(finding.code)
            infos.append(RuleInfo(code=finding.code, name=finding.name, severity=finding.severity,
                                  summary=finding.name.replace("-", " "), rationale="",
                                  aliases=finding.aliases))
    return infos


def sarif_document(data: ReportData) -> dict[str, Any]:
    from dockwise import __version__

    infos = _infos(data)
    index = {info.code: i for i, info in enumerate(infos)}
    invocation: dict[str, Any] = {"executionSuccessful": not data.errors}
    if data.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": line}} for line in data.errors]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dockwise",
                "version": __version__,
                "informationUri": "https://dockwise.dev",
                "rules": [rule_descriptor(info) for info in infos],
            }},
            "invocations": [invocation],
            # columns count code points (an emoji is one column); SARIF's default is UTF-16
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index, fp) for f, fp in zip(data.findings, fingerprints(data))],
            **({"properties": dict(data.sections)} if data.sections else {}),
        }],
    }


def render_sarif(data: ReportData) -> str:
    return json_text(sarif_document(data))

