"""``--format html``: one self-contained page (docs/html-report.md).

The page carries the ``--format json`` document itself, embedded once, and draws everything
from it in the browser, so the page and the JSON report cannot disagree. Style, script and
drawings are inline: the page makes no network request and works offline, from a CI artefact
or an e-mail attachment. The sources of the reported files (the Dockerfile) ride along for the
cost gutter and the source frames of the findings.
"""

from __future__ import annotations

import html
import json
import os

from dockwise.report.data import ReportData

_ASSETS = os.path.join(os.path.dirname(__file__), "assets")
#: A source larger than this is left out of the page (its findings still are listed).
MAX_SOURCE_CHARS = 1 << 20


def _asset(name: str) -> str:
    with open(os.path.join(_ASSETS, name), encoding="utf-8") as handle:
        return handle.read()


def _script_safe(text: str) -> str:
    """JSON inside ``<script>``: ``<`` (only ever inside a JSON string) as ``\\u003c``, so no
    ``</script>`` or ``<!--`` in a file name or message can end or bend the element."""
    return text.replace("<", "\\u003c")


def render_html(data: ReportData) -> str:
    from dockwise.report.json import render_json

    document = render_json(data)
    # the image's Dockerfile draws its cost gutter; otherwise a source is only needed for the
    # frames of its findings (a check of thousands of files carries only those with findings)
    wanted = set(data.sources) if data.sections.get("image") else {f.location.file for f in data.findings}
    sources = {name: text for name, text in data.sources.items()
               if name in wanted and text and len(text) <= MAX_SOURCE_CHARS}
    title = _title(json.loads(document))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_asset('report.css')}</style>\n</head>\n"
        "<body><div id=\"app\"><noscript>This report is drawn by its inline script.</noscript></div>\n"
        f"<script type=\"application/json\" id=\"report-data\">{_script_safe(document)}</script>\n"
        f"<script type=\"application/json\" id=\"report-sources\">{_script_safe(json.dumps(sources))}</script>\n"
        f"<script>{_asset('report.js')}</script>\n</body></html>\n"
    )


def _title(document: dict) -> str:
    files = document.get("files") or []
    if document.get("image") is not None and files:
        return f"dockwise image: {files[0]}"
    if document.get("context") is not None:
        return f"dockwise context: {document['context'].get('directory', '')}"
    return "dockwise check: " + (", ".join(files[:3]) + (" ..." if len(files) > 3 else "") if files else "report")
