"""Where a command's report goes, the same for every command: ``-o FILE`` (written atomically,
never over one of the command's inputs) or stdout; and how its error lines reach stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence

from dockwise.errors import DockwiseError


class UsageError(DockwiseError):
    """Options that do not go together."""


def refuse_output_over(output: str | None, inputs: Iterable[tuple[str, str | None]]) -> None:
    """``-o`` naming a directory, or one of the files the command reads (``(what, path)``
    pairs): writing the report there would replace what it reports on, so refuse before any
    work is done."""
    if not output:
        return
    if os.path.isdir(output):
        raise UsageError("-o/--output names a directory; give a file for the report", path=output)
    if not os.path.exists(output):
        return
    for what, path in inputs:
        if not path or path == "-":
            continue
        try:
            same = os.path.samefile(output, path)
        except OSError:
            same = os.path.realpath(output) == os.path.realpath(path)
        if same:
            raise UsageError(f"-o/--output names {what} ({path}); writing the report there "
                             "would replace it", path=output)


def emit(text: str, output: str | None) -> None:
    """The report to ``output`` (atomically, see :func:`dockwise.inputs.write_report`) or stdout."""
    if output:
        from dockwise.inputs import write_report

        try:
            write_report(output, text)
        except OSError as exc:
            raise DockwiseError(f"cannot write the report: {exc.strerror or exc}", path=output) from None
    elif text:
        sys.stdout.write(text)
        sys.stdout.flush()


def print_errors(lines: Sequence[str]) -> None:
    """Error and note lines on stderr, escaped (a file name may hold an ESC or a newline)."""
    from dockwise.textsafe import printable

    for line in lines:
        print(printable(line), file=sys.stderr)


def selection(index, select: Sequence[str] | None, ignore: Sequence[str] | None):
    """``--select``/``--ignore`` over the rules of ``index`` (an unknown rule is a usage error)."""
    from dockwise.engine.selection import Selection

    return Selection.from_options(index, select, ignore)


def add_selection_options(parser, what: str) -> None:
    """``--select``/``--ignore``, spelled the same in every command."""
    parser.add_argument("--select", action="append", metavar="CODES",
                        help=f"only these {what} rules: codes, prefixes, names or aliases; "
                             "comma-separated, repeatable")
    parser.add_argument("--ignore", action="append", metavar="CODES",
                        help="skip these rules (same forms as --select)")


def add_format_option(parser, *, default: str = "text") -> None:
    """``--format`` (alias ``--output-format``), with every report format."""
    from dockwise.report.data import FORMATS

    parser.add_argument("--format", "--output-format", dest="format", choices=FORMATS,
                        default=default, metavar="FORMAT",
                        help=f"output format: {', '.join(FORMATS)} (default: {default})")


def add_everyday_options(parser) -> None:
    """How much of the report to print, and whether findings fail the run: the same for every
    command that reports findings."""
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when findings (or a broken gate) would make it 1; "
                             "errors still exit 2")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print the findings only: no summary and no notes")
    parser.add_argument("--concise", action="store_true",
                        help="one line per finding (path:line:col: CODE [severity] message), "
                             "no source excerpt")
    parser.add_argument("--statistics", action="store_true",
                        help="instead of the findings, how many each rule has (text or json)")


def check_everyday_options(args) -> None:
    """Options that only some formats can honour: refused before any work is done."""
    if args.statistics and args.format not in ("text", "json"):
        raise UsageError(f"--statistics prints a table (text) or a list (json), not "
                         f"--format {args.format}")


def exit_status(args, code: int) -> int:
    """``--exit-zero`` turns "findings" (1) into success; errors (2) stay errors."""
    from dockwise.errors import EXIT_CLEAN, EXIT_FINDINGS

    return EXIT_CLEAN if code == EXIT_FINDINGS and getattr(args, "exit_zero", False) else code


def render_findings(args, findings, **kwargs) -> str:
    """The findings as ``args`` ask: ``--statistics``, ``--concise``, ``--quiet``,
    ``--show-fixes`` and the format; ``kwargs`` go to :func:`dockwise.report.render`."""
    if getattr(args, "statistics", False):
        from dockwise.report.statistics import render_statistics

        return render_statistics(args.format, findings, files=kwargs.get("files", ()),
                                 errors=kwargs.get("errors", ()), summary=not args.quiet)
    from dockwise.report import render

    return render(args.format, findings, concise=getattr(args, "concise", False),
                  show_fixes=getattr(args, "show_fixes", False),
                  summary=not getattr(args, "quiet", False), **kwargs)


def add_config_options(parser) -> None:
    """``--config FILE`` and ``--isolated``, spelled the same in every command."""
    parser.add_argument("--config", metavar="FILE", dest="config_file",
                        help="the dockwise config for every file (a .dockwise.toml, or a "
                             "pyproject.toml's [tool.dockwise]) instead of the nearest one")
    parser.add_argument("--isolated", action="store_true",
                        help="ignore every configuration file (dockwise's and .hadolint.yaml)")


def config_choice(args) -> tuple[bool, bool, str | None]:
    """(read .hadolint.yaml, read dockwise config files, the --config file) for ``args``."""
    if args.isolated and args.config_file:
        raise UsageError("--isolated ignores every config file: it cannot be combined with --config")
    hadolint = not (args.isolated or getattr(args, "no_config", False))
    return hadolint, not args.isolated, args.config_file


def configured_fail_level(config) -> str | None:
    """The ``fail-level`` of the dockwise config merged into ``config``, if it sets one."""
    project = config.project
    return project.fail_level if project is not None else None
