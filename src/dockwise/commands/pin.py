"""`dockwise pin`: pin every FROM to the digest its tag points to (``name:tag@sha256:…``)."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Dockerfiles, or directories to search for them (default: .)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true",
                      help="also refresh digests already pinned whose tag has moved")
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 when a pinned digest is no longer what its tag points to")
    parser.add_argument("--diff", action="store_true", help="print the changes as a unified diff; write nothing")
    parser.add_argument("--build-arg", action="append", dest="build_args", metavar="KEY[=VALUE]",
                        help="a build argument, as `docker build` takes it, to expand FROM lines (repeatable)")
    parser.add_argument("--insecure-registry", action="append", default=[], metavar="HOST[:PORT]",
                        help="reach this registry over plain HTTP, or HTTPS without verifying its certificate")


def run(args: argparse.Namespace) -> int:
    from dockwise.commands.check import build_args
    from dockwise.discovery import discover
    from dockwise.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
    from dockwise.image.registry.pin import CHECK, PIN, UPDATE

    mode = CHECK if args.check else UPDATE if args.update else PIN
    found = discover(args.paths)
    errors = list(found.errors)
    resolve = _resolver(tuple(args.insecure_registry))
    notes = sys.stderr if args.diff else sys.stdout
    moved = unverified = False
    for path in found.files:
        if path == "-":
            errors.append("-: error: dockwise pin rewrites Dockerfiles in place: name a file, not stdin")
            continue
        steps, before, after, error = _pin_file(path, dict(build_args(args.build_args)), resolve, mode)
        if error:
            errors.append(error)
            continue
        for step in steps:
            print(f"{path}:{step.line}: {step.status}: {step.message}", file=notes)
        moved = moved or any(step.problem for step in steps)
        unverified = unverified or (mode == CHECK and any(s.status == "unresolved" for s in steps))
        if after != before:
            error = _write(path, before, after, args.diff or mode == CHECK)
            if error:
                errors.append(error)
    from dockwise.commands._output import print_errors

    print_errors(errors)
    if errors or unverified:
        return EXIT_ERROR
    return EXIT_FINDINGS if moved else EXIT_CLEAN


def _resolver(insecure: tuple[str, ...]):
    """Resolve each reference once per run (a tag named by many Dockerfiles is asked once)."""
    cache: dict[str, object] = {}

    def resolve(text: str):
        from dockwise.image.registry import RegistryOptions, resolve_digest

        if text not in cache:
            try:
                cache[text] = resolve_digest(text, options=RegistryOptions(insecure=insecure))
            except Exception as exc:  # noqa: BLE001 - kept and raised again for every FROM that asks
                cache[text] = exc
        value = cache[text]
        if isinstance(value, Exception):
            raise value
        return value
    return resolve


def _pin_file(path: str, build_args: dict[str, str], resolve, mode: str):
    """(steps, text before, text after, error line) of one Dockerfile."""
    from dockwise.errors import DockwiseError
    from dockwise.fix.edits import apply_edits
    from dockwise.image.registry.pin import plan_pins
    from dockwise.inputs import read_text
    from dockwise.model import build_model
    from dockwise.syntax import parse_dockerfile

    try:
        text = read_text(path, what="Dockerfile")
        model = build_model(parse_dockerfile(text, path=path), build_args=build_args)
    except DockwiseError as exc:
        return [], "", "", f"{exc.path or path}: error: {exc.message}"
    steps = plan_pins(model, resolve, mode)
    # two FROMs of one `ARG BASE` both rewrite its default: one edit
    edits = list({(e.start, e.end): e for e in (step.edit for step in steps) if e is not None}.values())
    return steps, text, apply_edits(text, edits) if edits else text, None


def _write(path: str, before: str, after: str, show_only: bool) -> str | None:
    from dockwise.fix.output import unified_diff, write_fixed

    if show_only:
        sys.stdout.write(unified_diff(before, after, path))
        return None
    return write_fixed(path, after)
