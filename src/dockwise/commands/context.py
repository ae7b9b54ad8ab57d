"""`dockwise context [DIR] [-f Dockerfile]`: what `docker build` sends, and what it should not."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from dockwise.commands._output import (UsageError, add_config_options, add_everyday_options,
                                       add_format_option, add_selection_options, check_everyday_options,
                                       config_choice, configured_fail_level, emit, exit_status,
                                       print_errors, refuse_output_over, render_findings, selection)
from dockwise.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, InputError
from dockwise.units import size_option

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextTarget
    from dockwise.config import LintConfig
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
    add_format_option(parser)
    parser.add_argument("--write-dockerignore", action="store_true",
                        help="create or extend .dockerignore from what the context holds")
    parser.add_argument("--top", type=_count, default=5, metavar="N",
                        help="how many of the largest directories and files to show (default: 5)")
    parser.add_argument("--large", type=size_option, default=None, metavar="SIZE",
                        help="size from which logs, archives and data files are reported, e.g. 10MB "
                             "or 10MiB (default: large-file-size from the dockwise config, else 10MiB)")
    parser.add_argument("--fail-level", choices=FAIL_LEVELS, default=None,
                        help="lowest severity that makes the exit code 1 (default: fail-level from "
                             "the config files, else warning)")
    add_selection_options(parser, "DC")
    add_config_options(parser)
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")
    add_everyday_options(parser)


def check_inputs(args: argparse.Namespace) -> None:
    """The context directory and the Dockerfile exist (else one error, exit code 2)."""
    context_dir = args.directory
    if not os.path.isdir(context_dir):
        if os.path.exists(context_dir):
            raise InputError("not a directory (expected a build context)", path=context_dir)
        raise InputError("no such directory", path=context_dir)
    if args.file is not None and not os.path.isfile(args.file):
        raise InputError("no such Dockerfile" if not os.path.exists(args.file) else "not a file",
                         path=args.file)


def run(args: argparse.Namespace) -> int:
    context_dir = args.directory
    check_inputs(args)
    if args.list and (args.write_dockerignore or args.format != "text" or args.output):
        raise UsageError("--list prints paths only; it does not combine with --format, -o or "
                         "--write-dockerignore")
    if args.write_dockerignore and args.output:
        raise UsageError("--write-dockerignore writes .dockerignore and prints what it added; "
                         "-o is for the report (run them separately)")
    check_everyday_options(args)
    if args.list:
        return _list(context_dir, args.file, classic=args.builder == "classic")
    chosen, config, target = _prepare(args)
    refuse_output_over(args.output, [("the Dockerfile", target.dockerfile_path),
                                     ("the .dockerignore file", target.ignore_path)])
    if args.write_dockerignore:
        return _write(target, chosen, config)
    findings, errors = _check(target, chosen, config)
    errors = errors + _unreadable_directories(args.directory, target)
    print_errors(errors)
    emit(_render(args, target, findings, errors), args.output)
    return exit_status(args, _exit_code(findings, errors, args.fail_level, config))


def collect(args: argparse.Namespace) -> "tuple[ContextTarget, list[Finding], list[str], int]":
    """(the context read, its findings, error lines, exit code): what ``run`` reports, and
    what the Python API (:mod:`dockwise.api`) returns."""
    chosen, config, target = _prepare(args)
    findings, errors = _check(target, chosen, config)
    errors = errors + _unreadable_directories(args.directory, target)
    return target, findings, errors, _exit_code(findings, errors, args.fail_level, config)


def _prepare(args: argparse.Namespace):
    """(the rules chosen, the configuration, the context to check)."""
    from dockwise.engine.context import context_index

    chosen = selection(context_index(), args.select, args.ignore)
    config = _config(args)
    return chosen, config, _target(args, config)


def _exit_code(findings, errors, fail_level: str | None, config: "LintConfig") -> int:
    if errors:
        return EXIT_ERROR
    threshold = _threshold(fail_level, config)
    if threshold is not None and any(f.severity >= threshold for f in findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


DEFAULT_LARGE = 10 * 1024**2


def _config(args: argparse.Namespace) -> "LintConfig":
    """The configuration next to the Dockerfile (``-f``, else DIR/Dockerfile), else in DIR:
    the per-file ignores naming the Dockerfile apply."""
    from dockwise.project_config import for_file, settings_for_dir

    hadolint, project, config_file = config_choice(args)
    dockerfile = args.file or os.path.join(args.directory, "Dockerfile")
    has_dockerfile = os.path.isfile(dockerfile)
    where = os.path.dirname(os.path.abspath(dockerfile)) if has_dockerfile else os.path.abspath(args.directory)
    config = settings_for_dir(where, hadolint=hadolint, project=project, config_file=config_file)
    return for_file(config, dockerfile) if has_dockerfile else config


def _unreadable_directories(context_dir: str, target: "ContextTarget") -> list[str]:
    """A directory of the context that could not be listed is an error, as in `check` (whose
    search for Dockerfiles meets it first): the context measured is not the one the builder gets."""
    from dockwise.context.scan import UNREADABLE_DIRECTORY

    return [f"{os.path.join(context_dir, p.path)}: error: {p.message.split(';', 1)[0]}"
            for p in target.scan.problems if p.message.startswith(UNREADABLE_DIRECTORY)]


def _target(args: argparse.Namespace, config: "LintConfig") -> "ContextTarget":
    from dockwise.context.check import ContextReader, ContextTarget

    dockerfile_path, dockerfile = _dockerfile(args.directory, args.file)
    large = args.large
    if large is None:
        configured = config.project.large_file_size if config.project is not None else None
        large = DEFAULT_LARGE if configured is None else configured
    reader = ContextReader(large_threshold=large, classic=args.builder == "classic")
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


def _check(target: "ContextTarget", chosen, config: "LintConfig") -> "tuple[list[Finding], list[str]]":
    """The DC findings, with the suppression comments of the Dockerfile and the hadolint config
    next to it (as ``dockwise check`` applies them to the same findings); error lines of rules
    that crashed."""
    from dockwise.engine.context import check_context

    errors: list[str] = []
    findings = check_context(target, selection=chosen, errors=errors, config=config)
    return findings, errors


def _threshold(fail_level: str | None, config: "LintConfig"):
    """The lowest failing severity: --fail-level, else the dockwise config's, else warning
    (``.hadolint.yaml``'s failure-threshold is about Dockerfile checks: not used here)."""
    from dockwise.findings import Severity

    fail_level = fail_level or configured_fail_level(config) or "warning"
    return Severity.parse(fail_level) if fail_level != "none" else None


def _render(args: argparse.Namespace, target: "ContextTarget", findings, errors) -> str:
    from dockwise.report import use_color
    from dockwise.report.context import context_section

    files = [target.ignore_path] + ([target.dockerfile_path] if target.dockerfile_path else [])
    color = args.format == "text" and not args.output and use_color(sys.stdout)
    with_section = args.format in ("json", "sarif", "html") and not args.statistics
    sections = {"context": context_section(target)} if with_section else None
    sources = _sources(files) if args.format == "html" else None
    text = render_findings(args, findings, files=files, errors=errors, color=color, sections=sections,
                           sources=sources, fix_hint="--write-dockerignore", command="context")
    if args.format != "text" or args.quiet:
        return text
    from dockwise.report.context import render_summary

    return render_summary(target, top=args.top) + text


def _sources(files) -> dict[str, str]:
    """The text of the .dockerignore and the Dockerfile, for the HTML page's source frames."""
    from dockwise.errors import DockwiseError
    from dockwise.inputs import read_text

    sources = {}
    for path in files:
        if path and os.path.isfile(path):
            try:
                sources[path] = read_text(path, what="file")
            except DockwiseError:
                continue  # already reported by the checks; the page lists the finding without a frame
    return sources


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


def _write(target: "ContextTarget", chosen, config: "LintConfig") -> int:
    """Apply the fixes of the DC findings `dockwise context` reports (the rules chosen, the
    Dockerfile's suppressions): the lines ``dockwise check --fix`` writes too."""
    from dockwise.context.fixer import dockerignore_plan, with_lines
    from dockwise.inputs import atomic_write
    from dockwise.textsafe import printable
    from dockwise.units import human_bytes

    findings, errors = _check(target, chosen, config)
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
