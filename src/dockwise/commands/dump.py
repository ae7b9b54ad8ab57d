"""`dockwise dump FILE`: print a Dockerfile's parse in BuildKit's parser-test format."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="Dockerfile to parse ('-' reads standard input)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the dump to FILE (atomically)")


def run(args: argparse.Namespace) -> int:
    from dockwise.inputs import decode_text, read_text
    from dockwise.syntax.dump import dump
    from dockwise.syntax.parser import parse

    if args.file == "-":
        name = "<stdin>"
        text = decode_text(sys.stdin.buffer.read(), name=name, what="Dockerfile")
    else:
        name = args.file
        text = read_text(name, what="Dockerfile")
    output = dump(parse(text, path=name))
    if args.output:
        from dockwise.commands._output import emit, refuse_output_over

        refuse_output_over(args.output, [("the Dockerfile", args.file)])
        # bytes that were not UTF-8 in the Dockerfile become U+FFFD: the file is UTF-8 text
        emit(output.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), args.output)
        return 0
    sys.stdout.flush()
    sys.stdout.buffer.write(output.encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()
    return 0
