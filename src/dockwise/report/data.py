"""What every renderer shares: the report's data and the escaping and colour rules of outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.findings import Finding, RuleInfo

FORMATS = ("text", "json", "sarif", "github")
_SURROGATE = lazy_compile("[\ud800-\udfff]")


class ReportData(DataRecord):
    """Everything a renderer may show."""

    __slots__ = ("findings", "files", "sources", "errors", "rules", "fixed", "fix_hint")

    findings: Sequence[Finding]
    files: Sequence[str]  # every file checked, with or without findings
    sources: Mapping[str, str]  # file -> text, for source excerpts
    errors: Sequence[str]  # "path: error: ..." lines (also printed on stderr by the CLI)
    rules: Sequence[RuleInfo] | None  # rules to describe (SARIF); None = the catalogue
    fixed: int  # fixes applied by --fix
    fix_hint: str  # how to apply the fixable findings

    def __init__(self, findings: Sequence[Finding], files: Sequence[str] = (),
                 sources: Mapping[str, str] | None = None, errors: Sequence[str] = (),
                 rules: Sequence[RuleInfo] | None = None, fixed: int = 0,
                 fix_hint: str = "--fix") -> None:
        self.findings = findings
        self.files = files
        self.sources = {} if sources is None else sources
        self.errors = errors
        self.rules = rules
        self.fixed = fixed
        self.fix_hint = fix_hint


def printable(text: str) -> str:
    """Human-readable outputs escape control characters; see :mod:`dockwise.textsafe`."""
    from dockwise.textsafe import printable as escape

    return escape(text)


def use_color(stream) -> bool:
    """Colour only on a terminal; ``NO_COLOR`` turns it off, ``FORCE_COLOR`` on (no-color.org)."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def json_text(document: object) -> str:
    """``document`` as indented JSON that is valid UTF-8: a file name that is not UTF-8 (its
    bytes are lone surrogates in Python) is written as ``\\udcXX`` escapes, which every JSON
    parser reads back, instead of raw bytes that make the whole document unreadable."""
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if text.isascii():
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
