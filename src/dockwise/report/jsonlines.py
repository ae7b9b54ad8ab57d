"""``--format json-lines``: one JSON object per line, per finding, the objects of ``--format
json``'s ``findings`` (jq, log shippers and ``grep`` read them one at a time)."""

from __future__ import annotations

from dockwise.report.data import ReportData, safe_json
from dockwise.report.json import finding_dict


def render_json_lines(data: ReportData) -> str:
    import json

    # the same escaping as every JSON output: no raw bidi override or C1 control in the file
    return safe_json("".join(json.dumps(finding_dict(f), ensure_ascii=False) + "\n"
                             for f in data.findings))
