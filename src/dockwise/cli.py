"""Command-line entry point. Thin by design: parse options, call the library, map errors.

Each subcommand lives in ``dockwise.commands.<name>`` and provides
``configure(parser)`` (adds its options; must not import anything heavy) and
``run(args) -> int`` (does the work, returns the exit code).

Exit codes: 0 clean, 1 findings at or above the fail level (or a CI gate broken),
2 usage, I/O or parse error.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

from dockwise import __version__
from dockwise.errors import EXIT_ERROR, DockwiseError

# Writing the report failed for a reason the user can act on (full disk, I/O error, quota).
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG}

COMMANDS: dict[str, str] = {
    "check": "Check Dockerfiles (and their build context) for best-practice problems.",
    "context": "Show what `docker build` sends as build context, and what should not be sent.",
    "image": "Read a built image (docker-archive, OCI layout or archive, or a registry): size, waste, findings.",
    "pin": "Pin every FROM to the digest its tag points to now (name:tag@sha256:...).",
    "dump": "Print a Dockerfile's parse in BuildKit's parser-test format.",
    "rules": "List every rule.",
    "explain": "Explain one rule: why it matters, with a bad and a good example.",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: when it names a command, only that command's options are set
    up (building all six costs several milliseconds of a 150 ms budget); otherwise every
    command is there, for ``--help`` and for the "invalid choice" message."""
    parser = argparse.ArgumentParser(
        prog="dockwise",
        description="Keep container images lean, safe and reproducible.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dockwise {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    named = _named_command(sys.argv[1:] if argv is None else argv)
    for name, help_text in COMMANDS.items():
        if named is not None and name != named:
            continue
        module = importlib.import_module(f"dockwise.commands.{name}")
        command_parser = sub.add_parser(name, help=help_text, description=help_text,
                                        formatter_class=_HelpFormatter)
        module.configure(command_parser)
        command_parser.set_defaults(_run=module.run)
    return parser


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, sized without :mod:`shutil` (argparse imports it for
    ``get_terminal_size`` on every parser, and it brings bz2, lzma and zlib: ~4 ms)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's width, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return columns
    except ValueError:
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _named_command(argv: list[str]) -> str | None:
    """The command ``argv`` names (its first word that is not an option), if it is one."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def _report_error(message: str) -> None:
    from dockwise.textsafe import printable  # a hostile file name must not drive the terminal

    print(f"dockwise: error: {printable(message)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code = int(args._run(args))
        sys.stdout.flush()  # surface a full disk or a dead pipe here, not at interpreter exit
        return code
    except DockwiseError as exc:
        _report_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _report_error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`dockwise context --list | head`); that is not an error.
        _discard_stdout()
        return 0
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            return _internal_error(exc)
        _report_error(f"cannot write output: {exc.strerror}")
        _discard_stdout()
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the user gets one line, never a traceback
        return _internal_error(exc)


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("DOCKWISE_DEBUG"):
        raise exc
    _report_error(f"internal error: {type(exc).__name__}: {exc} (set DOCKWISE_DEBUG=1 for details)")
    return EXIT_ERROR


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def entry() -> None:
    """Console-script entry point: :func:`main`, then exit without interpreter tear-down.

    Tearing down ~100 imported modules costs 15-35 ms of a ~150 ms run; the report is flushed
    first, so nothing is lost. Library and test callers use :func:`main`, which returns.
    """
    # A check allocates many small objects that live until its file is done (tokens, words,
    # states): the cyclic collector's default gen-0 threshold (700) rescans them thousands of
    # times, a third of the time on a 50,000-line file. They are freed by reference counting;
    # collecting less often keeps the same peak memory.
    import gc

    gc.set_threshold(50_000, 20, 20)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = code or EXIT_ERROR
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
