"""What every renderer shares: the report's data and the escaping and colour rules of outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.findings import Finding, RuleInfo

FORMATS = ("text", "json", "sarif", "github", "html")
# What JSON may carry raw but a reader must not be fooled by: C1 controls and DEL (U+009B is a
# terminal's CSI), line/paragraph separators, bidi overrides and isolates ("Trojan Source"),
# and lone surrogates (the bytes of a file name that is not UTF-8). json.dumps already escapes
# C0 controls.
_JSON_UNSAFE = lazy_compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                            "\ud800-\udfff]")


class ReportData(DataRecord):
    """Everything a renderer may show."""

    __slots__ = ("findings", "files", "sources", "errors", "rules", "fixed", "fix_hint", "sections")

    findings: Sequence[Finding]
    files: Sequence[str]  # every file checked, with or without findings
    sources: Mapping[str, str]  # file -> text, for source excerpts
    errors: Sequence[str]  # "path: error: ..." lines (also printed on stderr by the CLI)
    rules: Sequence[RuleInfo] | None  # rules to describe (SARIF); None = the catalogue
    fixed: int  # fixes applied by --fix
    fix_hint: str  # how to apply the fixable findings
    # What a command knows besides its findings, as plain JSON values: {"image": {...}} from
    # `dockwise image`, {"context": {...}} from `dockwise context` (docs/report.schema.json).
    sections: Mapping[str, Any]

    def __init__(self, findings: Sequence[Finding], files: Sequence[str] = (),
                 sources: Mapping[str, str] | None = None, errors: Sequence[str] = (),
                 rules: Sequence[RuleInfo] | None = None, fixed: int = 0,
                 fix_hint: str = "--fix", sections: Mapping[str, Any] | None = None) -> None:
        self.findings = findings
        self.files = files
        self.sources = {} if sources is None else sources
        self.errors = errors
        self.rules = rules
        self.fixed = fixed
        self.fix_hint = fix_hint
        self.sections = {} if sections is None else sections


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


def json_text(document: object, *, record_per_line: bool = False) -> str:
    """``document`` as indented JSON, valid UTF-8 and safe to look at: characters that can
    fool a reader (C1 controls, bidi overrides, line separators) and lone surrogates (a file
    name that is not UTF-8) are written as ``\\uXXXX`` escapes, which every JSON parser
    decodes back to the exact text. Other non-ASCII text stays readable.

    ``record_per_line``: a top-level list of objects (the findings) is written one object per
    line. Python's C encoder writes those, where ``indent`` falls back to the pure-Python one,
    which made rendering a large report cost as much as checking the files."""
    import json

    if record_per_line and isinstance(document, dict):
        text = _records_per_line(document)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if text.isascii():
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _records_per_line(document: dict) -> str:
    import json

    members = []
    for key, value in document.items():
        name = json.dumps(str(key), ensure_ascii=False)
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            records = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            members.append(f"  {name}: [\n{records}\n  ]")
        else:
            members.append(f"  {name}: " + json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  "))
    return "{\n" + ",\n".join(members) + "\n}\n" if members else "{}\n"


def jsonable(value: Any) -> Any:
    """A finding's ``extra`` value as plain JSON: tuples and sets become lists, mappings keep
    string keys, anything else that JSON cannot hold becomes its ``str``."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    return str(value)
