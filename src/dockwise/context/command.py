"""What ``dockwise context`` does with its parsed options (the CLI module stays import-light)."""

from __future__ import annotations

import argparse
import os
import sys

from dockwise.errors import EXIT_CLEAN, EXIT_FINDINGS, DockwiseError, InputError
from dockwise.findings import Severity


class UsageError(DockwiseError):
    """Options that do not go together."""


def _dockerfile(context_dir: str, option: str | None) -> tuple[str | None, object | None]:
    """(path, parsed tree) of the Dockerfile: -f, else <context>/Dockerfile if present."""
    path = option
    if path is None:
        default = os.path.join(context_dir, "Dockerfile")
        if not os.path.isfile(default):
            return None, None
        path = default
    from dockwise.inputs import read_text

    text = read_text(path, what="Dockerfile")
    try:
        from dockwise.syntax import parse_dockerfile

        return path, parse_dockerfile(text, path=path)
    except ImportError:  # parser not available: context rules that need COPY lines skip
        return path, None


def run_context(args: argparse.Namespace) -> int:
    context_dir = args.directory
    if not os.path.isdir(context_dir):
        if os.path.exists(context_dir):
            raise InputError("not a directory (expected a build context)", path=context_dir)
        raise InputError("no such directory", path=context_dir)
    if args.list and (args.write_dockerignore or args.format != "text"):
        raise UsageError("--list prints paths only; it does not combine with --format or --write-dockerignore")
    if args.file is not None and not os.path.isfile(args.file):
        raise InputError("no such Dockerfile" if not os.path.exists(args.file) else "not a file",
                         path=args.file)
    if args.list:
        return _list(context_dir, args.file, classic=args.builder == "classic")
    from dockwise.context.check import context_target, run_rules

    dockerfile_path, dockerfile = _dockerfile(context_dir, args.file)
    target = context_target(context_dir, dockerfile_path, dockerfile,  # type: ignore[arg-type]
                            classic=args.builder == "classic")
    target.large_threshold = args.large
    if args.write_dockerignore:
        return _write(target, args)
    findings = run_rules(target)
    if args.format == "text":
        from dockwise.report.context import render_summary

        sys.stdout.write(render_summary(target, top=args.top))
    _render_findings(findings, target, args.format)
    threshold = Severity.parse(args.fail_level) if args.fail_level != "none" else None
    if threshold is not None and any(f.severity >= threshold for f in findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


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


def _render_findings(findings, target, fmt: str) -> None:
    from dockwise.report import render, use_color
    from dockwise.report.context import context_section

    files = [target.ignore_path] + ([target.dockerfile_path] if target.dockerfile_path else [])
    sections = {"context": context_section(target)} if fmt in ("json", "sarif") else None
    text = render(fmt, findings, files=files, color=use_color(sys.stdout), sections=sections,
                  fix_hint="--write-dockerignore")
    sys.stdout.write(text)


def _write(target, args: argparse.Namespace) -> int:
    """Apply the fixes the DC findings carry: the same edits ``dockwise check`` proposes."""
    from dockwise.context.check import run_rules
    from dockwise.context.fixer import dockerignore_plan
    from dockwise.fix import apply_edits
    from dockwise.inputs import atomic_write
    from dockwise.textsafe import printable
    from dockwise.units import human_bytes

    plan = dockerignore_plan(target)
    fixes = plan.in_order([f.fix for f in run_rules(target) if f.fix is not None and f.location.file == plan.path])
    if fixes:
        atomic_write(plan.path, apply_edits(plan.old_text, [edit for fix in fixes for edit in fix.edits]))
    name = printable(plan.path)
    if not plan.added:
        print(f"{name}: nothing to add; the context sends {_files(plan.files_before)} "
              f"({human_bytes(plan.bytes_before)})")
    else:
        verb = "extended" if plan.old_text else "created"
        print(f"{name}: {verb} with {len(plan.added)} line(s):")
        for line in plan.added:
            print(f"  + {printable(line)}")
        print(f"context: {_files(plan.files_before)} ({human_bytes(plan.bytes_before)}) -> "
              f"{_files(plan.files_after)} ({human_bytes(plan.bytes_after)}), "
              f"saving {human_bytes(plan.saved_bytes)} per build")
    for pattern, why in plan.skipped:
        if why != "excludes nothing new":
            print(f"  not added: {printable(pattern)} ({why})")
    return EXIT_CLEAN


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"
