"""`dockwise rules`: list every rule (code, name, severity, fixable, summary)."""

from __future__ import annotations

import argparse

from dockwise.commands._output import emit


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", "--output-format", dest="format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--select", action="append", metavar="CODES",
                        help="only these rules: codes, prefixes, names or aliases (comma-separated)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the list to FILE (atomically)")


def run(args: argparse.Namespace) -> int:
    import json

    from dockwise.catalog import rule_infos
    from dockwise.engine.selection import RuleIndex, split_tokens

    infos = list(rule_infos())
    tokens = split_tokens(args.select)
    if tokens:
        wanted = RuleIndex(infos).resolve_all(tokens, option="--select")
        infos = [i for i in infos if i.code in wanted]
    if args.format == "json":
        rows = [{"code": i.code, "name": i.name, "severity": str(i.severity),
                 "severities": [str(s) for s in i.severities], "fixable": i.fixable,
                 "summary": i.summary, "aliases": list(i.aliases), "help_uri": i.help_uri,
                 "default_enabled": i.default_enabled} for i in infos]
        emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", args.output)
        return 0
    emit(_table(infos), args.output)
    return 0


def _table(infos) -> str:
    if not infos:
        return "No rules.\n"
    name_width = max(len(i.name) for i in infos)
    level_width = max(len(i.severity_label) for i in infos)
    lines = []
    for info in infos:
        fix = "fix" if info.fixable else "   "
        lines.append(f"{info.code:<7} {info.name:<{name_width}}  {info.severity_label:<{level_width}}  {fix}  "
                     f"{info.summary}{_off_note(info)}")
    lines.append(f"\n{len(infos)} rules; `dockwise explain CODE` tells why each one matters.")
    return "\n".join(lines) + "\n"


def _off_note(info) -> str:
    """Rules ``dockwise check`` runs only when selected say so (unless their summary does)."""
    if info.default_enabled or "off by default" in info.summary:
        return ""
    return f" (off by default: `--select {info.code}`)"
