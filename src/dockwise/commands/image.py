"""`dockwise image IMAGE`: size, waste and findings of a built image, tied to Dockerfile lines."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from dockwise.commands._output import (add_config_options, add_selection_options, config_choice,
                                       configured_fail_level, emit, print_errors, selection)
from dockwise.units import size_option

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.errors import DockwiseError

FAIL_LEVELS = ("error", "warning", "info", "style", "none")


def _checked(name: str):
    """An argparse type that calls ``dockwise.image.gates.<name>`` (imported only when used)."""
    def convert(text: str):
        from dockwise.image import gates

        parse = getattr(gates, name) if name != "Limit.parse" else gates.Limit.parse
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = name.split(".")[-1]
    return convert


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", metavar="IMAGE",
                        help="docker-archive tar (docker save), OCI archive tar, OCI layout directory, "
                             "or - for a tar on stdin")
    parser.add_argument("--dockerfile", metavar="PATH",
                        help="the Dockerfile that built the image: layers and findings get its line numbers "
                             "(and a .dive-ci next to it is honoured)")
    parser.add_argument("--target", metavar="STAGE", help="with --dockerfile: the stage that was built "
                        "(default: the last)")
    parser.add_argument("--platform", metavar="OS/ARCH[/VARIANT]",
                        help="image to read from a multi-platform index (default: this machine's, "
                             "else the only one)")
    parser.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")
    parser.add_argument("--fail-level", choices=FAIL_LEVELS, default=None,
                        help="lowest finding severity that makes the exit code 1 (default: "
                             "fail-level from the dockwise config, else error)")
    add_selection_options(parser, "DI")
    add_config_options(parser)
    gates = parser.add_argument_group("CI gates (exit code 1 when broken)")
    gates.add_argument("--max-size", type=size_option, metavar="SIZE",
                       help="budget for total_bytes, e.g. 500MB or 1.5GiB (also reported as DI010; "
                            "default: max-image-size from the dockwise config)")
    gates.add_argument("--min-efficiency", type=_checked("parse_fraction"), metavar="RATIO",
                       help="lowest final_bytes/total_bytes, e.g. 0.95 or 95%%")
    gates.add_argument("--max-reclaimable", type=_checked("Limit.parse"), metavar="SIZE|PCT",
                       help="most reclaimable bytes, as a size (20MB) or a share of total_bytes (5%%)")
    gates.add_argument("--ci-config", metavar="FILE",
                       help="a dive .dive-ci file (default: .dive-ci next to --dockerfile, if any)")
    parser.add_argument("--hidden-threshold", type=size_option, default=None, metavar="SIZE",
                        help="DI006 reports a layer once later layers hide this much of it (default: "
                             "hidden-threshold from the dockwise config, else 1MiB)")
    parser.add_argument("--top", type=_count, default=10, metavar="N",
                        help="largest files/directories to show (default: 10)")
    parser.add_argument("--jobs", "-j", type=_count, default=None, metavar="N",
                        help="processes reading layers (default: one per CPU for large images)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on a terminal")


def run(args: argparse.Namespace) -> int:
    from dockwise.errors import DockwiseError

    from dockwise.engine.image import image_index

    _check_options(args)
    chosen = selection(image_index(), args.select, args.ignore)  # a usage error, not the image's
    try:
        analysis, findings, results, errors, code = collect(args, chosen, warn=True)
    except DockwiseError as exc:
        _fail(args, exc)
    print_errors(errors)
    emit(_render(args, analysis, findings, results, errors), args.output)
    return code


def collect(args: argparse.Namespace, chosen=None, *, warn: bool = False):
    """(the analysis, its findings, the gate results, error lines, exit code): what ``run``
    reports, and what the Python API (:mod:`dockwise.api`) returns. Raises
    :class:`~dockwise.errors.DockwiseError` when the image or a config cannot be read."""
    from dockwise.engine.image import image_index
    from dockwise.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
    from dockwise.findings import Severity
    from dockwise.image.gates import evaluate

    if chosen is None:
        chosen = selection(image_index(), args.select, args.ignore)
    config = _config(args)
    settings = _gate_settings(args, config)
    analysis = _analyze(args)
    if warn:
        _warn_unmatched(analysis, args.dockerfile)
    errors: list[str] = []
    findings = _check(args, analysis, settings, chosen, errors, config)
    results = evaluate(analysis, settings)
    fail_level = args.fail_level or configured_fail_level(config) or "error"
    failing = fail_level != "none" and any(f.severity >= Severity.parse(fail_level) for f in findings)
    if errors:
        code = EXIT_ERROR
    else:
        code = EXIT_FINDINGS if failing or any(not r.passed for r in results) else EXIT_CLEAN
    return analysis, findings, results, errors, code


def _config(args: argparse.Namespace):
    """The configuration for this image: the dockwise config nearest to ``--dockerfile`` (else
    to the image), and with ``--dockerfile`` the hadolint config next to it and the per-file
    ignores that name it."""
    import os

    from dockwise.project_config import for_file, settings_for_dir

    hadolint, project, config_file = config_choice(args)
    if args.dockerfile:
        where = os.path.dirname(os.path.abspath(args.dockerfile))
        config = settings_for_dir(where, hadolint=hadolint, project=project, config_file=config_file)
        return for_file(config, args.dockerfile)
    where = os.getcwd() if args.image == "-" else os.path.dirname(os.path.abspath(args.image))
    return settings_for_dir(where, hadolint=False, project=project, config_file=config_file)


def _check(args: argparse.Namespace, analysis, settings, chosen, errors: list[str], config):
    """The DI findings; suppression comments of ``--dockerfile`` and the config apply to them,
    as ``dockwise check`` applies them to the Dockerfile's findings."""
    from dockwise.engine.image import check_image, image_index
    from dockwise.image.rules.base import ImageOptions

    options = ImageOptions(max_size=settings.max_size)
    configured = config.project.hidden_threshold if config.project is not None else None
    if args.hidden_threshold is not None:
        options.hidden_threshold = args.hidden_threshold
    elif configured is not None:
        options.hidden_threshold = configured
    suppressions = None
    if analysis.dockerfile is not None and analysis.dockerfile_path:
        from dockwise.engine.suppressions import find_suppressions

        suppressions = find_suppressions(analysis.dockerfile, analysis.dockerfile_path, image_index(),
                                         pragmas=not config.disable_ignore_pragma)
    return check_image(analysis, options, selection=chosen, errors=errors, config=config,
                       suppressions=suppressions)


def _analyze(args: argparse.Namespace):
    from dockwise.image.analyze import analyze

    with _Progress(enabled=not args.no_progress and sys.stderr.isatty()) as progress:
        return analyze(args.image, dockerfile=args.dockerfile, platform=args.platform,
                       target=args.target, jobs=args.jobs, progress=progress.update)


def _check_options(args: argparse.Namespace) -> None:
    """Options that cannot work together, refused before anything is read or written."""
    import os

    from dockwise.errors import DockwiseError

    if args.target and not args.dockerfile:
        raise DockwiseError("--target names a stage of the Dockerfile: pass --dockerfile with it")
    if args.output:
        _refuse_overwriting_inputs(args)
        if os.path.isdir(args.output):
            raise DockwiseError("is a directory; -o takes the name of the report file", path=args.output)


def _refuse_overwriting_inputs(args: argparse.Namespace) -> None:
    """``-o`` must not replace the image (or write into an OCI layout), the Dockerfile or the
    .dive-ci file it reads: the report would destroy what it reports on."""
    import os

    from dockwise.errors import DockwiseError
    from dockwise.image.gates import find_dive_ci

    output = args.output
    inputs = [("the image", args.image)] if args.image != "-" else []
    inputs += [("the Dockerfile", args.dockerfile),
               ("the dive CI file", args.ci_config or find_dive_ci(args.dockerfile))]
    real_output = os.path.realpath(output)
    for what, path in inputs:
        if not path:
            continue
        if _same_file(output, path):
            raise DockwiseError(f"-o {output} is {what} itself; writing the report there would destroy it "
                                "(choose another output path)")
        real = os.path.realpath(path)
        if os.path.isdir(real) and real_output.startswith(real.rstrip(os.sep) + os.sep):
            raise DockwiseError(f"-o {output} is inside the OCI layout {path}; writing the report there "
                                "would change the image (choose a path outside it)")


def _same_file(a: str, b: str) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet), or cannot be reached
        return os.path.realpath(a) == os.path.realpath(b)


def _fail(args: argparse.Namespace, exc: "DockwiseError") -> NoReturn:
    """The image could not be read: with ``--format json|sarif`` still write a valid document
    that lists the error (a CI step uploading it must not fail for want of a file), then
    report the error (one line, exit code 2)."""
    from dockwise.errors import DockwiseError
    from dockwise.textsafe import printable

    line = _error_line(exc, args.image)
    if args.format in ("json", "sarif"):
        try:
            emit(_render_error(args.format, line), args.output)
        except DockwiseError as write_error:
            print(f"dockwise: error: {printable(str(write_error))}", file=sys.stderr)
    raise DockwiseError(printable(str(exc))) from None


def _error_line(exc: "DockwiseError", image: str) -> str:
    """``path[:line:col]: error: message``, as ``dockwise check`` lists errors in its reports."""
    from dockwise.errors import DockerfileSyntaxError

    if isinstance(exc, DockerfileSyntaxError):
        return f"{exc.path}:{exc.line}:{exc.column}: error: {exc.message}"
    return f"{exc.path or image}: error: {exc.message}"


def _render_error(fmt: str, line: str) -> str:
    from dockwise.report import render

    return render(fmt, [], errors=[line], sections={"image": None})


def _warn_unmatched(analysis, dockerfile: str | None) -> None:
    unmatched = analysis.unmatched_instructions
    if unmatched:
        lines = ", ".join(str(ins.line) for ins in unmatched[:5]) + (", ..." if len(unmatched) > 5 else "")
        print(f"dockwise: warning: {dockerfile}: {len(unmatched)} RUN/COPY/ADD instruction(s) (line {lines}) "
              "match no layer of the image; is this the Dockerfile that built it (or pass --target)?",
              file=sys.stderr)


def _gate_settings(args: argparse.Namespace, config):
    """The CI gates: the command line's, over the dockwise config's ``max-image-size``, over
    the dive CI file's."""
    from dockwise.image.gates import GateSettings, find_dive_ci, load_dive_ci

    path = args.ci_config or find_dive_ci(args.dockerfile)
    settings = load_dive_ci(path) if path else GateSettings()
    configured = config.project.max_image_size if config.project is not None else None
    if configured is not None:
        settings.max_size = configured
    if args.max_size is not None:
        settings.max_size = args.max_size
    if args.min_efficiency is not None:
        settings.min_efficiency = args.min_efficiency
    if args.max_reclaimable is not None:
        settings.max_reclaimable = args.max_reclaimable
    return settings


def _render(args, analysis, findings, results, errors=()) -> str:
    from dockwise.report import render, use_color
    from dockwise.report.image import image_section, render_summary

    files = [analysis.source.name] + ([args.dockerfile] if args.dockerfile else [])
    sources = {analysis.source.name: ""}
    if analysis.dockerfile is not None and args.dockerfile:
        sources[args.dockerfile] = analysis.dockerfile.source
    if args.format in ("text", "github"):  # JSON and SARIF escape control characters themselves
        findings, files, sources = _printable_findings(findings, files, sources)
    color = args.format == "text" and not args.output and use_color(sys.stdout)
    sections = {"image": image_section(analysis, results, args.top)} if args.format in ("json", "sarif") else None
    rendered = render(args.format, findings, files=files, sources=sources, errors=errors, color=color,
                      sections=sections)
    if args.format == "text":
        return render_summary(analysis, results, args.top) + ("\n" + rendered if rendered else "")
    return rendered


def _printable_findings(findings, files, sources):
    """Findings whose messages (image paths, ``created_by`` strings) and file names cannot
    drive the terminal: control characters become C escapes."""
    from dockwise._record import replace

    from dockwise.textsafe import printable

    escaped = [replace(f, message=printable(f.message), location=replace(f.location, file=printable(f.location.file)))
               for f in findings]
    return escaped, [printable(name) for name in files], {printable(k): v for k, v in sources.items()}


class _Progress:
    """A rich progress bar on stderr while layers are read (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar = None
        self._task = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("reading layers"), BarColumn(), DownloadColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.__enter__()
        return self

    def update(self, scan, done: int, total: int) -> None:
        if self._bar is None:
            return
        if self._task is None:
            self._task = self._bar.add_task("layers", total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
