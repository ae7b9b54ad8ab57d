"""Fingerprints that follow a finding when the file around it changes.

A dashboard (GitHub code scanning, GitLab Code Quality, Code Climate) matches the findings of
two runs by fingerprint: a finding whose fingerprint is new shows up as new, one whose
fingerprint is gone as fixed. So a fingerprint must not hold the line number, or inserting
a line above a finding would close it and open it again. It is built from what stays:

- the rule's code and the file's path;
- the flagged text (the finding's span, whitespace collapsed, so re-indenting keeps it), or
  for a finding with no source text (an image, a missing ``.dockerignore``) its message with
  the numbers (and byte units) taken out: sizes and counts change from build to build, the
  finding stays;
- which occurrence of that same (code, path, text) it is, counted in file order, so that two
  identical lines flagged by one rule keep two distinct fingerprints.
"""

from __future__ import annotations

from collections import Counter

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding
from dockwise.report.data import ReportData, report_path, source_lines

# a number, and the byte unit after it ("48 B" and "97.7 KiB" are the same size to a fingerprint)
_NUMBERS = lazy_compile(r"\d+(?:[.,]\d+)*(?:\s?(?:[KMGTPE]i?)?B\b)?")


def fingerprints(data: ReportData) -> list[str]:
    """One fingerprint (32 hex digits) per finding of ``data``, in order."""
    import hashlib

    cache: dict[str, list[str] | None] = {}
    occurrences: Counter[str] = Counter()
    found = []
    for finding in data.findings:
        anchor = flagged_text(finding, source_lines(data, finding.location.file, cache))
        key = "\0".join((finding.code, report_path(finding.location.file), anchor))
        occurrences[key] += 1
        raw = f"{key}\0{occurrences[key]}".encode("utf-8", "surrogatepass")
        found.append(hashlib.sha256(raw).hexdigest()[:32])
    return found


def flagged_text(finding: Finding, lines: list[str] | None) -> str:
    """The text of the finding's span with whitespace collapsed; the whole first line for an
    empty span; the message without its numbers when the source is unknown or the position
    outside it."""
    loc = finding.location
    if lines is None or loc.line is None or not 1 <= loc.line <= len(lines):
        return _NUMBERS.sub("#", finding.message)
    end_line = loc.end_line if loc.end_line and loc.line <= loc.end_line <= len(lines) else loc.line
    part = lines[loc.line - 1:end_line]
    start = max((loc.column or 1) - 1, 0)
    if end_line == loc.line:
        stop = (loc.end_column - 1) if loc.end_column else len(part[0])
        text = part[0][start:stop]
    else:
        stop = (loc.end_column - 1) if loc.end_column else len(part[-1])
        text = "\n".join([part[0][start:], *part[1:-1], part[-1][:stop]])
    text = " ".join(text.split())
    return text or " ".join(part[0].split()) or _NUMBERS.sub("#", finding.message)
