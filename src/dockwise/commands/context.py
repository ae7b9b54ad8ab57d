"""`dockwise context [DIR] [-f Dockerfile]`: what `docker build` sends, and what it should not."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from dockwise.commands._output import (UsageError, add_selection_options, emit, print_errors,
                                       refuse_output_over, selection)
from dockwise.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, InputError
from dockwise.units import size_option

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextTarget
    from dockwise.findings import Finding
    from dockwise.syntax.tree import Dockerfile

FAIL_LEVELS = ("error", "warning", "info", "style", "none")


def _count(text: str) -> int:
    """A positive whole number (``--top``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="the build context (default: .)")
    parser.add_argument("-f", "--file", metavar="DOCKERFILE",
                        help="the Dockerfile (default: DIR/Dockerfile); DOCKERFILE.dockerignore next "
                             "to it overrides DIR/.dockerignore, as in BuildKit")
    parser.add_argument("--list", action="store_true",
                        help="print every path that would be sent, one per line, sorted (nothing else)")
    parser.add_argument("--builder", choices=("buildkit", "classic"), default="buildkit",
                        help="whose rules to follow: BuildKit (default) or the classic docker CLI, "
                             "which always sends .dockerignore and the Dockerfile and ignores "
                             "DOCKERFILE.dockerignore")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                        help="output format for the findings (default: text)")
    parser.add_argument("--write-dockerignore", action="store_true",
                        help="create or extend .dockerignore from what the context holds")
    parser.add_argument("--top", type=_count, default=5, metavar="N",
                        help="how many of the largest directories and files to show (default: 5)")
    parser.add_argument("--large", type=size_option, default=10 * 1024**2, metavar="SIZE",
                        help="size from which logs, archives and data files are reported, e.g. 10MB "
                             "or 10MiB (default: 10MiB)")
    parser.add_argument("--fail-level", choices=FAIL_LEVELS, default="warning",
                        help="lowest severity that makes the exit code 1 (default: warning)")
    add_selection_options(parser, "DC")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")


def run(args: argparse.Namespace) -> int:
    context_dir = args.directory
    if not os.path.isdir(context_dir):
        if os.path.exists(context_dir):
            raise InputError("not a directory (expected a build context)", path=context_dir)
        raise InputError("no such directory", path=context_dir)
    if args.list and (args.write_dockerignore or args.format != "text" or args.output):
        raise UsageError("--list prints paths only; it does not combine with --format, -o or "
                         "--write-dockerignore")
    if args.file is not None and not os.path.isfile(args.file):
        raise InputError("no such Dockerfile" if not os.path.exists(args.file) else "not a file",
                         path=args.file)
    if args.write_dockerignore and args.output:
        raise UsageError("--write-dockerignore writes .dockerignore and prints what it added; "
                         "-o is for the report (run them separately)")
    if args.list:
        return _list(context_dir, args.file, classic=args.builder == "classic")
    from dockwise.engine.context import context_index

    chosen = selection(context_index(), args.select, args.ignore)
    target = _target(args)
    refuse_output_over(args.output, [("the Dockerfile", target.dockerfile_path),
                                     ("the .dockerignore file", target.ignore_path)])
    if args.write_dockerignore:
        return _write(target, chosen)
    findings, errors = _check(target, chosen)
    errors = errors + _unreadable_directories(args.directory, target)
    print_errors(errors)
    emit(_render(args, target, findings, errors), args.output)
    if errors:
        return EXIT_ERROR
    threshold = _threshold(args.fail_level)
    if threshold is not None and any(f.severity >= threshold for f in findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _unreadable_directories(context_dir: str, target: "ContextTarget") -> list[str]:
    """A directory of the context that could not be listed is an error, as in `check` (whose
    search for Dockerfiles meets it first): the context measured is not the one the builder gets."""
    from dockwise.context.scan import UNREADABLE_DIRECTORY

    return [f"{os.path.join(context_dir, p.path)}: error: {p.message.split(';', 1)[0]}"
            for p in target.scan.problems if p.message.startswith(UNREADABLE_DIRECTORY)]


def _target(args: argparse.Namespace) -> "ContextTarget":
    from dockwise.context.check import ContextReader, ContextTarget

    dockerfile_path, dockerfile = _dockerfile(args.directory, args.file)
    reader = ContextReader(large_threshold=args.large, classic=args.builder == "classic")
    return ContextTarget(reader.context(args.directory, dockerfile_path), dockerfile, dockerfile_path)


def _dockerfile(context_dir: str, option: str | None) -> "tuple[str | None, Dockerfile | None]":
    """(path, parsed tree) of the Dockerfile: -f, else <context>/Dockerfile if present."""
    from dockwise.inputs import read_text
    from dockwise.syntax import parse_dockerfile

    path = option
    if path is None:
        default = os.path.join(context_dir, "Dockerfile")
        if not os.path.isfile(default):
            return None, None
        path = default
    return path, parse_dockerfile(read_text(path, what="Dockerfile"), path=path)


def _check(target: "ContextTarget", chosen) -> "tuple[list[Finding], list[str]]":
    """The DC findings, with the suppression comments of the Dockerfile and the hadolint config
    next to it (as ``dockwise check`` applies them to the same findings); error lines of rules
    that crashed."""
    from dockwise.config import config_for_dir
    from dockwise.engine.context import check_context

    where = target.dockerfile_path or target.context_dir
    errors: list[str] = []
    config = config_for_dir(os.path.dirname(os.path.abspath(where)) if target.dockerfile_path
                            else os.path.abspath(where))
    findings = check_context(target, selection=chosen, errors=errors, config=config)
    return findings, errors


def _threshold(fail_level: str):
    from dockwise.findings import Severity

    return Severity.parse(fail_level) if fail_level != "none" else None


def _render(args: argparse.Namespace, target: "ContextTarget", findings, errors) -> str:
    from dockwise.report import render, use_color
    from dockwise.report.context import context_section

    files = [target.ignore_path] + ([target.dockerfile_path] if target.dockerfile_path else [])
    color = args.format == "text" and not args.output and use_color(sys.stdout)
    sections = {"context": context_section(target)} if args.format in ("json", "sarif") else None
    text = render(args.format, findings, files=files, errors=errors, color=color, sections=sections,
                  fix_hint="--write-dockerignore")
    if args.format != "text":
        return text
    from dockwise.report.context import render_summary

    return render_summary(target, top=args.top) + text


def _list(context_dir: str, dockerfile: str | None, *, classic: bool = False) -> int:
    from dockwise.context.scan import scan_context

    scan, _ = scan_context(context_dir, dockerfile, with_sizes=False, classic=classic)
    out = sys.stdout.buffer
    from dockwise.context.check import quote_path

    data = "\n".join(quote_path(name) for name in scan.listing())
    if data:
        out.write(data.encode("utf-8", "surrogateescape") + b"\n")
    out.flush()
    for problem in scan.problems:
        print(f"dockwise: warning: {problem.path}: {problem.message}", file=sys.stderr)
    return EXIT_CLEAN


def _write(target: "ContextTarget", chosen) -> int:
    """Apply the fixes of the DC findings `dockwise context` reports (the rules chosen, the
    Dockerfile's suppressions): the lines ``dockwise check --fix`` writes too."""
    from dockwise.context.fixer import dockerignore_plan, with_lines
    from dockwise.inputs import atomic_write
    from dockwise.textsafe import printable
    from dockwise.units import human_bytes

    findings, errors = _check(target, chosen)
    print_errors(errors)
    plan = dockerignore_plan(target)
    lines = plan.lines_of(f.fix for f in findings if f.fix is not None)
    if lines:
        atomic_write(plan.path, with_lines(plan.old_text, lines))
    name = printable(plan.path)
    if not lines:
        print(f"{name}: nothing to add; the context sends {_files(plan.files_before)} "
              f"({human_bytes(plan.bytes_before)})")
    else:
        verb = "extended" if plan.old_text else "created"
        print(f"{name}: {verb} with {len(lines)} line(s):")
        for line in lines:
            print(f"  + {printable(line)}")
        if lines == plan.added:  # the plan's figures are for all of its lines
            print(f"context: {_files(plan.files_before)} ({human_bytes(plan.bytes_before)}) -> "
                  f"{_files(plan.files_after)} ({human_bytes(plan.bytes_after)}), "
                  f"saving {human_bytes(plan.saved_bytes)} per build")
    for pattern, why in plan.skipped:
        if why != "excludes nothing new":
            print(f"  not added: {printable(pattern)} ({why})")
    return EXIT_ERROR if errors else EXIT_CLEAN


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"
