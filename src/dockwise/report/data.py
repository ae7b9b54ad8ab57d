"""What every renderer shares: the report's data and the escaping and colour rules of outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.findings import Finding, RuleInfo

FORMATS = ("text", "json", "sarif", "github", "checkstyle", "junit", "gitlab", "codeclimate",
           "sonarqube", "gnu", "json-lines", "hadolint-json", "html")
# Formats that quote or fingerprint the flagged source text: a command keeps each file's text
# for them rather than reading it again (stdin cannot be read twice).
SOURCE_FORMATS = ("text", "sarif", "gitlab", "codeclimate", "html")
# What JSON may carry raw but a reader must not be fooled by: C1 controls and DEL (U+009B is a
# terminal's CSI), line/paragraph separators, bidi overrides and isolates ("Trojan Source"),
# and lone surrogates (the bytes of a file name that is not UTF-8). json.dumps already escapes
# C0 controls.
_JSON_UNSAFE = lazy_compile("[\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                            "\ud800-\udfff]")


class ReportData(DataRecord):
    """Everything a renderer may show."""

    __slots__ = ("findings", "files", "sources", "errors", "rules", "fixed", "fix_hint", "sections",
                 "command")

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
    command: str  # "check", "context" or "image"

    def __init__(self, findings: Sequence[Finding], files: Sequence[str] = (),
                 sources: Mapping[str, str] | None = None, errors: Sequence[str] = (),
                 rules: Sequence[RuleInfo] | None = None, fixed: int = 0,
                 fix_hint: str = "--fix", sections: Mapping[str, Any] | None = None,
                 command: str = "check") -> None:
        self.findings = findings
        self.files = files
        self.sources = {} if sources is None else sources
        self.errors = errors
        self.rules = rules
        self.fixed = fixed
        self.fix_hint = fix_hint
        self.sections = {} if sections is None else sections
        self.command = command

    def reported_files(self) -> list[str]:
        """Every file checked, then every other file a finding points at (a build context's
        ``.dockerignore``), each once, in order."""
        return list(dict.fromkeys([*self.files, *(f.location.file for f in self.findings)]))


def source_lines(data: ReportData, path: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """The lines of ``path`` (from the report's sources, else read from disk), split once per
    report; None when the text is not to be had (an image, a file gone since)."""
    if path not in cache:
        text = data.sources.get(path)
        if text is None and path not in data.sources and path != "-":
            try:
                from dockwise.inputs import read_text

                text = read_text(path)
            except Exception:  # noqa: BLE001 - an excerpt is a nicety, never an error
                text = None
        # only "\n" ends a line (as in the parser): str.splitlines also splits at \f, \x85...
        cache[path] = text.split("\n") if text is not None else None
    return cache[path]


def report_path(path: str) -> str:
    """A path as CI dashboards match it against the repository (the current directory, where
    CI runs): relative when under it, forward slashes, no ``./``."""
    import os

    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            path = relative
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def printable(text: str) -> str:
    """Human-readable outputs escape control characters; see :mod:`dockwise.textsafe`."""
    from dockwise.textsafe import printable as escape

    return escape(text)


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_ERROR_LINE = lazy_compile(r"^(?P<file>.+?)(?::(?P<line>\d+):(?P<col>\d+))?: error: (?P<message>.*)$")


def error_parts(line: str) -> tuple[str, int | None, int | None, str]:
    """An error line of the run (``path[:line:col]: error: message``) as (path, line, column,
    message); a line of another shape is (``""``, None, None, the line)."""
    match = _ERROR_LINE.match(line)
    if match is None:
        return "", None, None, line
    number = int(match["line"]) if match["line"] else None
    column = int(match["col"]) if match["col"] else None
    return match["file"], number, column, match["message"]


def xml_text(text: str) -> str:
    """Text an XML 1.0 document can hold: control characters (which XML forbids, even as
    character references), bidi overrides and lone surrogates written as C escapes, as the
    human outputs show them; U+FFFE and U+FFFF, also forbidden, likewise."""
    return printable(text).replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


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
    return safe_json(text)


def safe_json(text: str) -> str:
    """JSON text with the characters that can fool a reader written as ``\\uXXXX`` escapes
    (they only occur inside strings, where the escape decodes back to the same text)."""
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
