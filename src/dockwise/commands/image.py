"""`dockwise image IMAGE`: size, waste and findings of a built image, tied to Dockerfile lines."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from dockwise.commands._output import (add_config_options, add_everyday_options, add_format_option,
                                       add_selection_options, check_everyday_options, config_choice,
                                       configured_fail_level, emit, exit_status, print_errors,
                                       render_findings, selection)
from dockwise.units import rate_option, size_option

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.errors import DockwiseError

FAIL_LEVELS = ("error", "warning", "info", "style", "none")
DEFAULT_BANDWIDTH = "1Gbit"


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
                        help="docker-archive tar (docker save), OCI archive tar, OCI layout directory "
                             "(or oci://DIR), - for a tar on stdin, or an image in a registry: "
                             "host[:port]/repo:tag, docker://REF (credentials from the Docker config file)")
    parser.add_argument("--dockerfile", metavar="PATH",
                        help="the Dockerfile that built the image: layers and findings get its line numbers "
                             "(and a .dive-ci next to it is honoured)")
    parser.add_argument("--target", metavar="STAGE", help="with --dockerfile: the stage that was built "
                        "(default: the last)")
    parser.add_argument("--platform", metavar="OS/ARCH[/VARIANT]",
                        help="image to read from a multi-platform index (default: this machine's, "
                             "else the only one)")
    add_format_option(parser)
    parser.add_argument("--compare", metavar="OTHER",
                        help="another image (same forms as IMAGE) to compare with, per layer and per directory")
    parser.add_argument("--context", metavar="DIR",
                        help="the build context: what it sent and what .dockerignore keeps out, in the report")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")
    add_everyday_options(parser)
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
    parser.add_argument("--layer", type=_count, default=None, metavar="N",
                        help="list what layer N (1 is the bottom) added, changed and removed, entry by entry")
    parser.add_argument("--top", type=_count, default=10, metavar="N",
                        help="largest files/directories to show (default: 10)")
    parser.add_argument("--jobs", "-j", type=_count, default=None, metavar="N",
                        help="processes reading layers (default: one per CPU for large images)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on a terminal")
    remote = parser.add_argument_group("registry and pull cost")
    remote.add_argument("--insecure-registry", action="append", default=[], metavar="HOST[:PORT]",
                        help="reach this registry over plain HTTP, or HTTPS without verifying its certificate "
                             "(repeatable; a loopback registry may use plain HTTP without it)")
    remote.add_argument("--replicas", type=_count, default=None, metavar="N",
                        help="print what N nodes pulling the image from zero download, and how long it takes")
    remote.add_argument("--bandwidth", type=rate_option, default=None, metavar="RATE",
                        help="one node's link for --replicas, e.g. 1Gbit, 100Mbit, 125MB/s (default: 1Gbit)")
    remote.add_argument("--cached", metavar="IMAGE",
                        help="for --replicas: the image the nodes already have (the base; an archive, layout "
                             "or reference): its layers are not pulled again (default: the base layers "
                             "--dockerfile tells)")


def run(args: argparse.Namespace) -> int:
    from dockwise.errors import DockwiseError

    from dockwise.engine.image import image_index

    _check_options(args)
    check_everyday_options(args)
    chosen = selection(image_index(), args.select, args.ignore)  # a usage error, not the image's
    try:
        analysis, findings, results, errors, code = collect(args, chosen, warn=True)
        pull = _pull_cost(args, analysis)
    except DockwiseError as exc:
        _fail(args, exc)
    print_errors(errors)
    emit(_render(args, analysis, findings, results, errors, pull), args.output)
    return exit_status(args, code)


def collect(args: argparse.Namespace, chosen=None, *, warn: bool = False):
    """(the analysis, its findings, the gate results, error lines, exit code): what ``run``
    reports, and what the Python API (:mod:`dockwise.api`) returns. Raises
    :class:`~dockwise.errors.DockwiseError` when the image or a config cannot be read."""
    from dockwise.engine.image import image_index
    from dockwise.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, DockwiseError
    from dockwise.findings import Severity
    from dockwise.image.gates import evaluate

    if chosen is None:
        chosen = selection(image_index(), args.select, args.ignore)
    config = _config(args)
    settings = _gate_settings(args, config)
    analysis = _analyze(args)
    if warn:
        _warn_unmatched(analysis, args.dockerfile)
    layer = getattr(args, "layer", None)
    if layer is not None and layer > len(analysis.layers):
        raise DockwiseError(f"--layer {layer}: the image has {len(analysis.layers)} layer(s)")
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

    from dockwise.commands._progress import Progress

    with Progress("reading layers", enabled=not args.no_progress, unit="bytes", show_after=0) as progress:
        analysis = analyze(args.image, dockerfile=args.dockerfile, platform=args.platform,
                           target=args.target, jobs=args.jobs, progress=lambda _, done, total: progress.update(done, total),
                           registry=_registry_options(args, args.image))
    if args.compare:
        with Progress("reading the compared image", enabled=not args.no_progress, unit="bytes",
                      show_after=0) as progress:
            args.compared = analyze(args.compare, platform=args.platform, jobs=args.jobs,
                                    progress=lambda _, done, total: progress.update(done, total),
                                    registry=_registry_options(args, args.compare))
    if args.context:
        args.context_target = _context_target(args.context, analysis)
    return analysis


def _context_target(directory: str, analysis):
    """The build context read as ``dockwise context DIR`` reads it, for the report's context section."""
    import os

    from dockwise.context.check import ContextReader, ContextTarget
    from dockwise.errors import InputError

    if not os.path.isdir(directory):
        raise InputError("not a directory (expected a build context)", path=directory)
    reader = ContextReader()
    return ContextTarget(reader.context(directory, analysis.dockerfile_path), analysis.dockerfile,
                         analysis.dockerfile_path)


def _registry_options(args: argparse.Namespace, image: str):
    """The registry settings, built only when ``image`` names an image in a registry."""
    from dockwise.image.source import is_registry_reference

    if not is_registry_reference(image):
        return None
    from dockwise.image.registry import RegistryOptions

    return RegistryOptions(insecure=tuple(args.insecure_registry))


def _pull_cost(args: argparse.Namespace, analysis):
    if args.replicas is None:
        return None
    from dockwise.image.pullcost import pull_cost
    from dockwise.units import parse_rate

    return pull_cost(analysis, args.replicas, args.bandwidth or parse_rate(DEFAULT_BANDWIDTH),
                     _cached_layers(args))


def _cached_layers(args: argparse.Namespace) -> "frozenset[str] | None":
    """The diff_ids of ``--cached IMAGE``: only its config is read, not its layers."""
    if not args.cached:
        return None
    from dockwise.errors import DockwiseError
    from dockwise.image.analyze import open_source

    try:
        source = open_source(args.cached, platform=args.platform, registry=_registry_options(args, args.cached))
    except DockwiseError as exc:
        raise DockwiseError(f"--cached {args.cached}: {exc}") from None
    try:
        return frozenset(layer.diff_id for layer in source.layers if layer.diff_id)
    finally:
        source.close()


def _check_options(args: argparse.Namespace) -> None:
    """Options that cannot work together, refused before anything is read or written."""
    import os

    from dockwise.errors import DockwiseError

    if args.target and not args.dockerfile:
        raise DockwiseError("--target names a stage of the Dockerfile: pass --dockerfile with it")
    if args.bandwidth is not None and args.replicas is None:
        raise DockwiseError("--bandwidth is the link speed of --replicas: pass --replicas N with it")
    if args.cached is not None and args.replicas is None:
        raise DockwiseError("--cached names what the nodes of --replicas already have: pass --replicas N with it")
    if args.layer is not None and args.format != "text":
        raise DockwiseError(f"--layer lists a layer's entries in the text report; it does not combine "
                            f"with --format {args.format}")
    if args.compare == "-" and args.image == "-":
        raise DockwiseError("IMAGE and --compare cannot both be read from stdin (-)")
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
    inputs += [("the compared image", args.compare)] if args.compare and args.compare != "-" else []
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
    if args.format not in ("text", "github", "gnu") and not args.statistics:
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

    return render(fmt, [], errors=[line], sections={"image": None}, command="image")


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


def _render(args, analysis, findings, results, errors=(), pull=None) -> str:
    from dockwise.report import use_color
    from dockwise.report.image import render_comparison, render_summary

    files = [analysis.source.name] + ([args.dockerfile] if args.dockerfile else [])
    sources = {analysis.source.name: ""}
    if analysis.dockerfile is not None and args.dockerfile:
        sources[args.dockerfile] = analysis.dockerfile.source
    if args.format in ("text", "github"):  # JSON and SARIF escape control characters themselves
        findings, files, sources = _printable_findings(findings, files, sources)
    color = args.format == "text" and not args.output and use_color(sys.stdout)
    layer = args.layer - 1 if args.layer is not None else None
    with_section = args.format in ("json", "sarif", "html") and not args.statistics
    sections = _sections(args, analysis, results, pull) if with_section else None
    if getattr(args, "compared", None) is not None:
        files.append(args.compared.source.name)
    rendered = render_findings(args, findings, files=files, sources=sources, errors=errors, color=color,
                               sections=sections, command="image")
    if args.format == "text" and not args.quiet:
        summary = render_summary(analysis, results, args.top, layer, pull)
        if getattr(args, "compared", None) is not None:
            summary += "\n" + render_comparison(analysis, args.compared)
        return summary + ("\n" + rendered if rendered else "")
    return rendered


def _sections(args: argparse.Namespace, analysis, results, pull=None) -> dict:
    from dockwise.report.image import image_section

    image = image_section(analysis, results, args.top, pull)
    if getattr(args, "compared", None) is not None:
        image["compare"] = image_section(args.compared, [], args.top)
    sections = {"image": image}
    if getattr(args, "context_target", None) is not None:
        from dockwise.report.context import context_section

        sections["context"] = context_section(args.context_target)
    return sections


def _printable_findings(findings, files, sources):
    """Findings whose messages (image paths, ``created_by`` strings) and file names cannot
    drive the terminal: control characters become C escapes."""
    from dockwise._record import replace

    from dockwise.textsafe import printable

    escaped = [replace(f, message=printable(f.message), location=replace(f.location, file=printable(f.location.file)))
               for f in findings]
    return escaped, [printable(name) for name in files], {printable(k): v for k, v in sources.items()}
