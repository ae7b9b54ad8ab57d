"""`dockwise explain CODE|NAME|ALIAS`: why a rule matters, with a bad and a good example."""

from __future__ import annotations

import argparse

from dockwise.commands._output import emit


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="CODE", help="rule code (DL3008), name or alias (JSONArgsRecommended)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the explanation to FILE (atomically)")


def run(args: argparse.Namespace) -> int:
    import difflib

    from dockwise.catalog import find_rule, rule_infos
    from dockwise.errors import DockwiseError
    from dockwise.report.ruledocs import explain_text

    info = find_rule(args.rule)
    if info is None:
        keys = [k for i in rule_infos() for k in (i.code, i.name)]
        close = difflib.get_close_matches(args.rule, keys, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `dockwise rules` lists them all"
        raise DockwiseError(f"unknown rule {args.rule!r}{hint}")
    emit(explain_text(info), args.output)
    return 0
