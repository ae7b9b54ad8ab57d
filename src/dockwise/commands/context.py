"""`dockwise context [DIR] [-f Dockerfile]`: what `docker build` sends, and what it should not."""

from __future__ import annotations

import argparse

from dockwise.units import size_option

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


def run(args: argparse.Namespace) -> int:
    from dockwise.context.command import run_context

    return run_context(args)
