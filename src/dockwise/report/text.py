"""Human output, in the style of ruff and rustc::

    Dockerfile:3:5: DL3008 [warning] apt-get install without version pins ...
      |
    3 | RUN apt-get install -y curl
      |     ^^^^^^^^^^^^^^^^^^^^^^^
"""

from __future__ import annotations

from collections import Counter

from dockwise.findings import Finding, Severity
from dockwise.report.data import ReportData, printable, source_lines

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_COLORS = {
    Severity.ERROR: "\033[1;31m",
    Severity.WARNING: "\033[1;33m",
    Severity.INFO: "\033[1;34m",
    Severity.STYLE: "\033[1;36m",
}


class Paint:
    """Colours for a terminal, or none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if self.enabled and text else text


def header(finding: Finding, paint: Paint) -> str:
    loc = finding.location
    where = printable(loc.file)
    if loc.line is not None:
        where += f":{loc.line}:{loc.column or 1}"
    colour = _COLORS[finding.severity]
    return (f"{paint(where, _BOLD)}: {paint(finding.code, colour)} "
            f"[{paint(str(finding.severity), colour)}] {printable(finding.message)}")


def excerpt(finding: Finding, source: "str | list[str] | None", paint: Paint) -> list[str]:
    """The source line of the finding with its span underlined (nothing if unknown).
    ``source`` is the file's text, or its lines split as below (render_text splits each file
    once: splitting per finding was quadratic with thousands of findings in a file)."""
    loc = finding.location
    if source is None or loc.line is None:
        return []
    lines = split_lines(source) if isinstance(source, str) else source
    if not 1 <= loc.line <= len(lines):
        return []
    text = lines[loc.line - 1].removesuffix("\r").replace("\t", " ")
    start = max((loc.column or 1) - 1, 0)
    if loc.end_line == loc.line and loc.end_column is not None:
        end = loc.end_column - 1
    else:
        end = len(text)  # a span over several lines: underline the rest of the first
    if loc.line == 1 and text.startswith("\ufeff"):  # columns never count a byte order mark
        text = text[1:]
    # control characters are shown escaped (wider): the underline follows the escaped text
    start, end = len(printable(text[:start])), len(printable(text[:end]))
    text = printable(text)
    width = max(end - start, 1)
    number = str(loc.line)
    gutter = " " * len(number)
    colour = _COLORS[finding.severity]
    return [
        f"{gutter} {paint('|', _DIM)}",
        f"{paint(number, _DIM)} {paint('|', _DIM)} {text}",
        f"{gutter} {paint('|', _DIM)} {' ' * start}{paint('^' * width, colour)}",
    ]


def split_lines(source: str) -> list[str]:
    # only "\n" ends a line (as in the parser): str.splitlines also splits at \f, \x1c, \x85...
    return source.split("\n")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def summary_line(data: ReportData) -> str:
    files = len(data.files) or len({f.location.file for f in data.findings})
    counts = Counter(f.severity for f in data.findings)
    in_files = f"in {_plural(files, 'file')}"
    if not data.findings:
        text = f"No findings {in_files}."
    else:
        parts = [_plural(counts[Severity.ERROR], "error"), _plural(counts[Severity.WARNING], "warning"),
                 f"{counts[Severity.INFO]} info", f"{counts[Severity.STYLE]} style"]
        kept = [p for p, s in zip(parts, (Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.STYLE))
                if counts[s]]
        text = f"{_plural(len(data.findings), 'finding')} ({', '.join(kept)}) {in_files}"
        safe = sum(1 for f in data.findings if f.fix is not None and f.fix.safe)
        unsafe = sum(1 for f in data.findings if f.fix is not None and not f.fix.safe)
        if safe:
            text += f"; {safe} fixable with {data.fix_hint}"
        if unsafe:
            text += f"; {unsafe} more with {data.fix_hint} --unsafe-fixes"
        text += "."
    if data.errors:
        count = len(data.errors)
        text = text[:-1] + f"; {_plural(count, 'error')} reported above (exit code 2)."
    if data.fixed:
        text = f"Fixed {_plural(data.fixed, 'finding')}. " + text
    return text


def render_text(data: ReportData, *, color: bool = False, summary: bool = True,
                concise: bool = False, show_fixes: bool = False) -> str:
    """The findings, each a header line and (unless ``concise``) its source line underlined;
    ``show_fixes`` adds what the fix of a fixable finding would change; then the summary."""
    paint = Paint(color)
    cache: dict[str, list[str] | None] = {}
    blocks = []
    shown: set[int] = set()  # fixes already shown: one restructuring resolves several findings
    for finding in data.findings:
        lines = [header(finding, paint)]
        if not concise:
            lines.extend(excerpt(finding, source_lines(data, finding.location.file, cache), paint))
        if show_fixes and finding.fix is not None:
            fix_text = fix_lines(finding, source_lines(data, finding.location.file, cache), paint)
            lines.extend(fix_text if id(finding.fix) not in shown else [fix_text[0] + " (shown above)"])
            shown.add(id(finding.fix))
        blocks.append("\n".join(lines))
    out = ("\n" if concise and not show_fixes else "\n\n").join(blocks)
    if summary:
        out = f"{out}\n\n{summary_line(data)}" if out else summary_line(data)
    return out + "\n" if out else ""


def fix_lines(finding: Finding, source: list[str] | None, paint: Paint) -> list[str]:
    """``= fix (safe): description`` and, when the file's text is known, each edit as the
    line it changes before (``-``) and after (``+``)."""
    fix = finding.fix
    kind = "safe" if fix.safe else "unsafe: needs --unsafe-fixes"
    lines = [f"  {paint('= fix', _BOLD)} ({kind}): {printable(fix.description)}"]
    if source is None:
        return lines
    text = "\n".join(source)
    for edit in fix.edits:
        if not 0 <= edit.start <= edit.end <= len(text):
            continue
        first = text.rfind("\n", 0, edit.start) + 1
        last = text.find("\n", edit.end)
        last = len(text) if last < 0 else last
        before = text[first:last]
        after = text[first:edit.start] + edit.replacement + text[edit.end:last]
        lines += [f"    {paint('-', _COLORS[Severity.ERROR])} {printable(part)}"
                  for part in before.split("\n") if before]
        lines += [f"    {paint('+', _COLORS[Severity.INFO])} {printable(part)}"
                  for part in after.split("\n") if after]
    return lines
