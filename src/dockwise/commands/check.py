"""`dockwise check [PATH...]`: check Dockerfiles (and their build context)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dockwise.commands._output import (UsageError, add_config_options, add_everyday_options,
                                       add_format_option, check_everyday_options, config_choice, emit,
                                       exit_status, print_errors, refuse_output_over, render_findings)
from dockwise.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.discovery import Discovery
    from dockwise.engine.dockerfile import CheckOptions, FileReport

FAIL_LEVELS = ("error", "warning", "info", "style", "none")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most a day")
    return value


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Dockerfile, or directory searched for Dockerfiles (default: .); - reads stdin")
    parser.add_argument("--select", action="append", metavar="CODES",
                        help="only these rules: codes, prefixes (DW1, DL30), names or aliases; "
                             "comma-separated, repeatable")
    parser.add_argument("--ignore", action="append", metavar="CODES",
                        help="skip these rules (same forms as --select)")
    parser.add_argument("--fail-level", choices=FAIL_LEVELS, default=None,
                        help="lowest severity that makes the exit code 1 (default: fail-level from "
                             "the dockwise config, else failure-threshold from .hadolint.yaml, "
                             "else warning)")
    add_format_option(parser)
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (atomically)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="leave out the paths this glob matches, found in a directory or named: "
                             "a glob without / matches any part of the path (vendor, "
                             "*.dev.Dockerfile), one with / the whole path (svc/legacy/*); repeatable")
    add_everyday_options(parser)
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                        help="processes to use (default: 1 for fewer than 8 files, else one per CPU)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar on a terminal while several files are checked")
    parser.add_argument("--no-context", action="store_true",
                        help="do not check the build context next to each Dockerfile")
    parser.add_argument("--context", metavar="DIR", dest="context_dir",
                        help="the build context of every Dockerfile checked, as in `docker build -f "
                             "docker/Dockerfile DIR` (default: each Dockerfile's own directory)")
    parser.add_argument("--no-config", action="store_true", help="ignore .hadolint.yaml files (the command line's "
                        "--trusted-registry and --require-label still apply)")
    add_config_options(parser)
    build = parser.add_argument_group("the build to check (as `docker build` takes them)")
    build.add_argument("--build-arg", action="append", dest="build_args", metavar="KEY[=VALUE]",
                       help="set a build argument declared by ARG; KEY alone takes the value from "
                            "the environment (skipped when unset); repeatable")
    build.add_argument("--target", metavar="STAGE",
                       help="check the build of this stage (its name, any case): the rules about "
                            "the final image (USER, HEALTHCHECK, build tools...) judge it "
                            "(default: the last stage)")
    hadolint = parser.add_argument_group(
        "hadolint's rule settings (added to .hadolint.yaml's trustedRegistries and label-schema)")
    hadolint.add_argument("--trusted-registry", action="append", dest="trusted_registries",
                          metavar="REGISTRY",
                          help="a registry images may come from (docker.io, ghcr.io, "
                               "registry.local:5000, *.corp.example, *); turns DL3026 on; repeatable")
    hadolint.add_argument("--require-label", action="append", dest="required_labels",
                          metavar="NAME:TYPE",
                          help="a label the image must carry and the type of its value (text, "
                               "url, email, hash, rfc3339, semver, spdx), as label-schema does: "
                               "DL3049, DL3051-DL3056, DL3058 check it; repeatable")
    hadolint.add_argument("--strict-labels", action="store_true",
                          help="a label outside the label schema is a finding (DL3050), as "
                               "strict-labels: true does")
    remote = parser.add_argument_group("checks that ask base images' registries (off unless --registry)")
    remote.add_argument("--registry", action="store_true",
                        help="ask each base image's registry: a platform the base lacks (DW105), a tag moved "
                             "since its pinned digest (DW106), the compressed size a pull costs (DW107)")
    remote.add_argument("--insecure-registry", action="append", dest="insecure_registries", default=[],
                        metavar="HOST[:PORT]",
                        help="with --registry or an --image in a registry: reach this registry over plain HTTP or "
                             "unverified HTTPS")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff: apply fixes that may change the build's meaning too")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff instead of writing them")
    parser.add_argument("--image", metavar="IMAGE",
                        help="with --fix or --diff: the image of the current build (docker-archive "
                             "or OCI tar, OCI layout directory, or a registry reference, as `dockwise "
                             "image` takes it): the plan says how many bytes each fix is predicted "
                             "to remove, from the layers of the lines it changes")
    parser.add_argument("--show-fixes", action="store_true",
                        help="text output: under each fixable finding, the fix --fix (or "
                             "--unsafe-fixes) would apply, as the lines before and after; with "
                             "--fix, also what was fixed, file by file, on stderr")
    for language, example in RUNTIME_VERSION_FLAGS.items():
        parser.add_argument(f"--{language}-version", dest=f"{language}_version", metavar="X.Y",
                            help=f"with --unsafe-fixes: the {language.capitalize()} version the image runs "
                                 f"(e.g. {example}), when neither the base tag nor the project says it; "
                                 "picks the slim runtime base")
    parser.add_argument("--health-url", metavar="URL",
                        help="with --unsafe-fixes: the URL the service answers when healthy "
                             "(http://127.0.0.1:8000/health); the restructuring adds a HEALTHCHECK "
                             "that fetches it with a program the runtime image has")
    parser.add_argument("--health-cmd", metavar="CMD",
                        help="with --unsafe-fixes: the command that exits 0 when the service is "
                             "healthy; the restructuring adds it as the HEALTHCHECK (exec form)")
    verify = parser.add_argument_group(
        "proof by rebuild (--fix --verify: write the fixes only if the fixed file builds and runs)")
    verify.add_argument("--verify", action="store_true",
                        help="with --fix or --diff: build the Dockerfile before and after its fixes, "
                             "compare the images, run the smoke check in both; --fix writes only "
                             "when the fixed build succeeds and its smoke check passes")
    verify.add_argument("--smoke-cmd", metavar="CMD",
                        help="the smoke check: a command run in a container of each image (split "
                             "like a shell line, run without one; exit 0 passes)")
    verify.add_argument("--smoke-url", metavar="URL",
                        help="the smoke check: start each image's entrypoint and fetch URL (host "
                             "network) until it answers below 400")
    verify.add_argument("--smoke-timeout", type=_seconds, default=60.0, metavar="SECONDS",
                        help="how long a smoke check may take (default: 60)")
    verify.add_argument("--builder", choices=("auto", "docker", "buildah", "podman"), default="auto",
                        help="the builder (default: a reachable Docker daemon, else buildah, else podman)")
    verify.add_argument("--build-store", metavar="DIR",
                        help="buildah: keep images in this store (default: a temporary one, removed after)")
    verify.add_argument("--build-volume", action="append", default=[], metavar="SRC:DST[:OPTS]",
                        help="buildah/podman: bind-mount into every RUN of both builds (a CA bundle); repeatable")
    verify.add_argument("--pull", choices=("missing", "always", "never"), default="missing",
                        help="when the builder pulls base images (default: missing)")


DEFAULT_FAIL_LEVEL = "warning"
# --<language>-version flags: the version a restructuring fix builds and runs on (the cure's
# shapes read it from CheckOptions.runtime_versions), with an example for the help.
RUNTIME_VERSION_FLAGS = {"python": "3.12"}


def _options(args: argparse.Namespace) -> "CheckOptions":
    from dockwise.engine.dockerfile import CheckOptions, catalogue_index
    from dockwise.engine.selection import Selection
    from dockwise.report.data import SOURCE_FORMATS

    if args.unsafe_fixes and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes needs --fix or --diff")
    if getattr(args, "image", None) is not None and not (args.fix or args.diff):
        raise UsageError("--image predicts what the fixes remove: give it with --fix or --diff")
    if getattr(args, "image", None) is not None and getattr(args, "verify", False):
        raise UsageError("--verify measures the fixed build itself; --image predicts it from the current "
                         "image: give one of them")
    _check_verify_options(args)
    _check_output_modes(args)
    check_everyday_options(args)
    selection = Selection.from_options(catalogue_index(), args.select, args.ignore)
    hadolint, project, config_file = config_choice(args)
    return CheckOptions(selection=selection, context=not args.no_context, use_config=hadolint,
                        project_config=project, config_file=config_file,
                        fix=args.fix, unsafe_fixes=args.unsafe_fixes, diff=args.diff,
                        keep_source=args.format in SOURCE_FORMATS or bool(args.show_fixes),
                        build_args=build_args(getattr(args, "build_args", None)),
                        target=getattr(args, "target", None),
                        trusted_registries=trusted_registries(getattr(args, "trusted_registries", None)),
                        required_labels=required_labels(getattr(args, "required_labels", None)),
                        registry=bool(getattr(args, "registry", False)),
                        insecure_registries=tuple(getattr(args, "insecure_registries", None) or ()),
                        strict_labels=bool(getattr(args, "strict_labels", False)),
                        context_dir=_context_dir(args),
                        runtime_versions=runtime_versions(args),
                        count_cure=_summary_counts_cure(args), health=health_probe(args))


def _summary_counts_cure(args: argparse.Namespace) -> bool:
    """A plain check in text plans the restructuring too (about 4% more CPU per file), so
    the summary's "N more with --fix --unsafe-fixes" counts what it would fix; no other
    output says that count, and the fixing runs plan it anyway."""
    return (args.format == "text" and not args.quiet and not args.fix and not args.diff
            and getattr(args, "count_cure", True))


def _context_dir(args: argparse.Namespace) -> str | None:
    """``--context DIR``, checked to be a directory (a usage error otherwise)."""
    import os

    directory = getattr(args, "context_dir", None)
    if directory is None:
        return None
    if args.no_context:
        raise UsageError("--context and --no-context contradict each other")
    if not os.path.isdir(directory):
        raise UsageError(f"--context: {directory!r} is not a directory")
    return directory


def runtime_versions(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """(language, version) for each --<language>-version given; a version is digits and dots."""
    import re

    found = []
    for language in RUNTIME_VERSION_FLAGS:
        value = getattr(args, f"{language}_version", None)
        if value is None:
            continue
        if not re.fullmatch(r"\d+(?:\.\d+){1,2}", value):
            raise UsageError(f"--{language}-version: `{value}` is not a version like "
                             f"{RUNTIME_VERSION_FLAGS[language]}")
        found.append((language, value))
    return tuple(found)


def health_probe(args: argparse.Namespace) -> tuple[str, str] | None:
    """``("url", URL)`` or ``("cmd", CMD)`` from --health-url / --health-cmd (None: neither):
    what the service answers when healthy, so the restructuring can add a HEALTHCHECK instead
    of inventing one."""
    url, cmd = getattr(args, "health_url", None), getattr(args, "health_cmd", None)
    if url is None and cmd is None:
        return None
    import shlex
    import urllib.parse

    flag = "--health-url" if url is not None else "--health-cmd"
    if url is not None and cmd is not None:
        raise UsageError("--health-url and --health-cmd are two ways to say one thing: give one")
    if not args.unsafe_fixes:
        raise UsageError(f"{flag} needs --unsafe-fixes: the HEALTHCHECK is added by the restructuring")
    if url is not None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--health-url: `{url}` is not an http:// or https:// URL")
        return ("url", url)
    try:
        words = shlex.split(cmd)
    except ValueError as exc:
        raise UsageError(f"--health-cmd: `{cmd}` cannot be split like a shell line ({exc})") from None
    if not words:
        raise UsageError("--health-cmd: the command is empty")
    return ("cmd", cmd)


def build_args(values: Sequence[str] | None, environ: Mapping[str, str] | None = None
               ) -> tuple[tuple[str, str], ...]:
    """``--build-arg`` values as ``docker build`` reads them: ``KEY=VALUE`` (the value may be
    empty or hold ``=``), or ``KEY`` alone for the environment's value, skipped when the
    environment has none. A later value for a name replaces an earlier one."""
    import os

    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for item in values or ():
        name, eq, value = item.partition("=")
        if not name.strip():
            raise UsageError(f"--build-arg {item!r}: give KEY=VALUE or KEY (the name is empty)")
        if not eq:
            if name not in env:
                continue
            value = env[name]
        found[name] = value
    return tuple(found.items())


def trusted_registries(values: Sequence[str] | None) -> tuple[str, ...]:
    """``--trusted-registry`` values: registry hosts, as ``trustedRegistries`` lists them."""
    found: list[str] = []
    for item in values or ():
        registry = item.strip()
        if not registry:
            raise UsageError("--trusted-registry needs a registry name (such as docker.io, "
                             "ghcr.io, *.example.com)")
        if "/" in registry or any(c.isspace() for c in registry):
            raise UsageError(f"--trusted-registry {item!r}: give a registry host (ghcr.io, "
                             "registry.local:5000, *.example.com), not an image or repository")
        if registry not in found:
            found.append(registry)
    return tuple(found)


def required_labels(values: Sequence[str] | None) -> tuple[tuple[str, str], ...]:
    """``--require-label NAME:TYPE`` values (split at the last ``:``, as types hold none);
    a later type for the same label replaces an earlier one."""
    from dockwise.config import LABEL_TYPES

    found: dict[str, str] = {}
    for item in values or ():
        name, colon, given = item.rpartition(":")
        kind = given.strip().lower()
        if not colon or not name.strip():
            raise UsageError(f"--require-label {item!r}: give NAME:TYPE, such as "
                             "org.opencontainers.image.version:semver")
        if kind not in LABEL_TYPES:
            raise UsageError(f"--require-label {item!r}: unknown type {given!r}; the types are "
                             f"{', '.join(LABEL_TYPES)}")
        found[name.strip()] = kind
    return tuple(found.items())


def _check_verify_options(args: argparse.Namespace) -> None:
    if not hasattr(args, "verify"):  # a caller that builds its own options (the library)
        return
    verify_only = [flag for flag, value in (
        ("--smoke-cmd", args.smoke_cmd), ("--smoke-url", args.smoke_url), ("--build-store", args.build_store),
        ("--build-volume", args.build_volume), ("--builder", args.builder != "auto"),
        ("--pull", args.pull != "missing")) if value]
    if verify_only and not args.verify:
        raise UsageError(f"{verify_only[0]} is an option of --verify")
    if not args.verify:
        return
    if not (args.fix or args.diff):
        raise UsageError("--verify proves fixes by rebuilding: give it with --fix or --diff")
    if args.smoke_cmd and args.smoke_url:
        raise UsageError("give one smoke check: --smoke-cmd or --smoke-url")
    if args.smoke_url and not args.smoke_url.startswith(("http://", "https://")):
        raise UsageError(f"--smoke-url {args.smoke_url!r}: give an http:// or https:// URL")
    if args.format != "text":
        raise UsageError("--verify prints a before/after table: use it with the text format")


def _check_output_modes(args: argparse.Namespace) -> None:
    """One thing on stdout per run. ``--diff`` prints a unified diff (to ``-o`` if given), so
    a report format asks for something it would not print; ``--fix`` on stdin prints the fixed
    Dockerfile, so a machine-readable report needs ``-o`` to go somewhere of its own."""
    if args.diff and args.format != "text":
        raise UsageError(f"--diff prints a unified diff, not a report: it cannot be combined "
                         f"with --format {args.format} (run --format {args.format} on its own)")
    if args.fix and "-" in (args.paths or []) and args.format != "text" and not args.output:
        raise UsageError(f"--fix on stdin prints the fixed Dockerfile on stdout: give "
                         f"-o FILE for the --format {args.format} report")


def _load(args: argparse.Namespace) -> "CheckOptions":
    """Options and the rule catalogue. Importing the catalogue creates many objects and no
    garbage, so the cyclic collector is paused meanwhile and what it built is frozen
    (start-up is most of a one-file check; frozen objects also stay shared in forked workers)."""
    import gc

    gc.disable()
    try:
        return _options(args)
    finally:
        gc.freeze()
        gc.enable()


def fails(report: "FileReport", fail_level: str | None) -> bool:
    """Does this file break the gate? An explicit --fail-level beats the hadolint config."""
    from dockwise.findings import Severity

    if fail_level == "none":
        return False
    if fail_level is not None:
        threshold = Severity.parse(fail_level)
    else:
        if report.no_fail:
            return False
        threshold = report.fail_level or Severity.parse(DEFAULT_FAIL_LEVEL)
    return any(f.severity >= threshold for f in report.findings)


def exit_code(reports: Sequence["FileReport"], errors: Sequence[str], fail_level: str | None) -> int:
    if errors or any(r.errors for r in reports):
        return EXIT_ERROR
    if any(fails(r, fail_level) for r in reports):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _drop_repeated_context_findings(reports: Sequence["FileReport"]) -> None:
    """Dockerfiles sharing a build context (``Dockerfile`` and ``Dockerfile.dev``) each get
    its findings (about ``.dockerignore``, the context): report each one once per run, on the
    first Dockerfile that found it."""
    import os

    seen: set[tuple] = set()
    for report in reports:
        kept = []
        for finding in report.findings:
            loc = finding.location
            if loc.file == report.path:
                kept.append(finding)
                continue
            key = (finding.code, os.path.normpath(loc.file), loc.line, loc.column, loc.end_line,
                   loc.end_column, finding.message)
            if key not in seen:
                seen.add(key)
                kept.append(finding)
        report.findings = kept


def _check_with_progress(files: Sequence[str], options, args: argparse.Namespace):
    """The files' reports, with a progress bar on a terminal when there are several and the
    run takes a moment."""
    from dockwise.commands._progress import Progress
    from dockwise.engine.parallel import check_paths

    with Progress("checking Dockerfiles", enabled=len(files) > 1 and not getattr(args, "no_progress", False)) as progress:
        return check_paths(files, options, jobs=args.jobs, progress=progress.update)


def _found(args: argparse.Namespace) -> "tuple[CheckOptions, Discovery]":
    """The options and the files to check (less those ``--exclude`` and the config exclude)."""
    from dockwise.discovery import discover

    options = _load(args)
    found = discover(args.paths, exclude=getattr(args, "exclude", None) or [])
    found.files = _not_excluded(found.files, options)
    refuse_output_over(args.output, [("a checked file", path) for path in found.files])
    return options, found


def collect(args: argparse.Namespace) -> "tuple[CheckOptions, Discovery, list[FileReport]]":
    """The options, the files found (less those ``--exclude`` and the config exclude) and
    their reports: what ``run`` prints, and what the Python API (:mod:`dockwise.api`) returns."""
    options, found = _found(args)
    reports = _check_with_progress(found.files, options, args) if found.files else []
    return options, found, reports


def settle(reports: Sequence["FileReport"]) -> list[str]:
    """The reports as printed: fixes ``--fix`` would not apply unmarked, a finding about a
    shared build context kept once; returns every error line (each once)."""
    for ignore in _shared_ignores(reports):
        ignore.fixable()  # a fix --fix would not apply is no fix: not counted as fixable
    _drop_repeated_context_findings(reports)
    # a broken config shared by several files is one error, not one per file
    return list(dict.fromkeys(line for r in reports for line in r.errors))


def run(args: argparse.Namespace) -> int:
    if getattr(args, "verify", False):
        return _run_verified(args, *_found(args))
    options, found = _found(args)
    image = _read_image(args, found, options)  # before any fix is written
    reports = _check_with_progress(found.files, options, args) if found.files else []
    ignore_diff, ignore_fixed, prediction = ("", 0, None)
    if args.fix or args.diff:
        if image is not None and reports and (reports[0].fixed or planned_ignores(_shared_ignores(reports))):
            prediction = _predict(args, image, reports[0], _shared_ignores(reports))
        ignore_diff, ignore_fixed = _fix_dockerignores(_shared_ignores(reports), options, diff=args.diff)
    errors = list(found.errors) + settle(reports)
    print_errors(errors + ([] if args.quiet else [note for r in reports for note in r.notes]))
    if args.show_fixes and args.fix and not args.quiet:
        print_errors(_fixes_applied(reports))
    predicted = prediction.text(reports[0]) if prediction is not None else ""
    if args.diff:
        if predicted:
            reports[0].diff = reports[0].diff[len(reports[0].plan):]  # the plan is in the prediction
        return _finish_diff(reports, errors, args.output, ignore_diff, ignore_fixed, predicted)
    if predicted and not args.quiet:
        sys.stderr.write(predicted)
    stdin_fixed = [r for r in reports if r.fixed_text is not None]
    if stdin_fixed:
        sys.stdout.write(stdin_fixed[0].fixed_text or "")
    emit(_render(args, reports, errors, to_stderr=bool(stdin_fixed)), args.output)
    return exit_status(args, exit_code(reports, found.errors, args.fail_level))


def _read_image(args: argparse.Namespace, found: "Discovery", options: "CheckOptions"):
    """``--image``: the image of the current build, read and tied to the one Dockerfile checked,
    and the file's findings before any fix (None without the option). A usage error for
    several files or stdin; an error (exit 2) for an image that cannot be read or that this
    Dockerfile did not build."""
    image = getattr(args, "image", None)
    if image is None:
        return None
    if len(found.files) != 1:
        raise UsageError(f"--image is the image of one Dockerfile's build: give that Dockerfile alone "
                         f"({len(found.files)} found)")
    if found.files[0] == "-":
        raise UsageError("--image needs the Dockerfile as a file, not on stdin")
    from dockwise._record import replace
    from dockwise.commands.predict import read_image
    from dockwise.engine.dockerfile import Engine

    analysis = read_image(image, found.files[0], options)
    before = Engine(options=replace(options, fix=False, diff=False, unsafe_fixes=False)).check_path(found.files[0])
    return analysis, before.findings


def _predict(args: argparse.Namespace, image, report: "FileReport", shared: list["_SharedIgnore"]):
    """The bytes the fixes of ``report`` are predicted to remove, with the .dockerignore lines
    this run would add."""
    from dockwise.commands.predict import predict

    planned = planned_ignores(shared)
    lines, old_text = (planned[0][0].lines(planned[0][2]), planned[0][0].old_text) if planned else ([], "")
    analysis, found_before = image
    return predict(analysis, args.image, report, found_before, lines, old_text)


def _fixes_applied(reports: Sequence["FileReport"]) -> list[str]:
    """``--fix --show-fixes``: what was fixed, file by file: ``  Dockerfile: 2 × DL3042
    (pip-install-without-no-cache-dir)``. A .dockerignore fix counts on the Dockerfile whose
    context it belongs to."""
    from dockwise.catalog import find_rule

    lines = []
    for report in reports:
        if report.fixed_codes:
            counts = []
            for code, count in sorted(report.fixed_codes.items()):
                info = find_rule(code)
                counts.append(f"{count} × {code}" + (f" ({info.name})" if info else ""))
            lines.append(f"  {report.path}: {', '.join(counts)}")
    total = sum(sum(r.fixed_codes.values()) for r in reports)
    if not lines:
        return ["No fixes applied."]
    return [f"Fixed {total} finding{'s' if total != 1 else ''}:"] + lines


def _not_excluded(files: Sequence[str], options: "CheckOptions") -> list[str]:
    """The files the ``exclude`` of their dockwise config does not name."""
    from dockwise.project_config import excluded

    return [path for path in files
            if not excluded(path, project=options.project_config, config_file=options.config_file)]


def _run_verified(args: argparse.Namespace, options: "CheckOptions", found) -> int:
    """``--verify``: the fixes are planned without writing, proven by rebuilding (see
    :mod:`dockwise.commands.verify`), then written (``--fix``) or shown (``--diff``) only if the
    proof holds; otherwise exit 2 and nothing is written."""
    from dockwise._record import replace
    from dockwise.commands.verify import prove, single_dockerfile
    from dockwise.engine.parallel import check_paths
    from dockwise.fix.output import write_fixed

    path = single_dockerfile(found)
    reports = check_paths([path], replace(options, fix=False, diff=True), jobs=1)
    report = reports[0]
    ignores = planned_ignores(_shared_ignores(reports))
    print_errors(report.errors + report.notes)
    if report.errors or report.fixed_text is None:
        return EXIT_ERROR
    if not report.diff and not ignores:
        print("No fixes available: nothing to verify.", file=sys.stderr)
        return _report_checked(args, options, path, fixed=0)
    ignore_text = ignores[0][1] if ignores else None  # one Dockerfile: one build context
    if not prove(args, path, report.fixed_text, ignore_text, options.build_args, options.context_dir,
                 scripts=report.script_edits):
        return EXIT_ERROR
    fixed = report.fixed + len({_finding_key(f) for _, _, found_ in ignores for f in found_})
    if args.diff:
        emit(report.diff + "".join(_ignore_diff(ignore, text) for ignore, text, _ in ignores), args.output)
        return EXIT_FINDINGS
    problems = [write_fixed(path, report.fixed_text) if report.diff else None]
    problems += [write_fixed(ignore.path, text, create=not ignore.old_text) for ignore, text, _ in ignores]
    problems += [write_fixed(host, text) for host, text in report.script_edits]
    problems = [p for p in problems if p]
    if problems:
        print_errors(problems)
        return EXIT_ERROR
    return _report_checked(args, options, path, fixed=fixed)


def _ignore_diff(ignore: "_SharedIgnore", text: str) -> str:
    from dockwise.fix.output import unified_diff

    name = ignore.path[2:] if ignore.path.startswith("./") else ignore.path
    return unified_diff(ignore.old_text, text, name)


def _report_checked(args: argparse.Namespace, options: "CheckOptions", path: str, *, fixed: int) -> int:
    """What ``path`` (fixed or not) still has, reported as ``dockwise check`` reports it."""
    from dockwise._record import replace
    from dockwise.context.scan import forget_walks
    from dockwise.engine.parallel import check_paths

    forget_walks()  # the .dockerignore may have just been written
    reports = check_paths([path], replace(options, fix=False, diff=False), jobs=1)
    reports[0].fixed = fixed
    _drop_repeated_context_findings(reports)
    errors = [line for r in reports for line in r.errors]
    print_errors(errors)
    emit(_render(args, reports, errors, to_stderr=False), args.output)
    return exit_status(args, exit_code(reports, [], args.fail_level))


def _render(args: argparse.Namespace, reports: Sequence["FileReport"], errors: Sequence[str],
            *, to_stderr: bool) -> str:
    from dockwise.report import use_color

    findings = sorted((f for r in reports for f in r.findings), key=lambda f: f.sort_key)
    sources = {r.path: r.source for r in reports if r.source is not None}
    color = args.format == "text" and not args.output and use_color(sys.stderr if to_stderr else sys.stdout)
    text = render_findings(args, findings, files=[r.path for r in reports], sources=sources,
                           errors=errors, color=color, fixed=sum(r.fixed for r in reports))
    if to_stderr and not args.output:
        sys.stderr.write(text)
        return ""
    return text


def _finish_diff(reports: Sequence["FileReport"], errors: Sequence[str], output: str | None,
                 ignore_diff: str = "", ignore_fixed: int = 0, predicted: str = "") -> int:
    diffs = [r for r in reports if r.diff]
    # -o: the diff goes to that file (even empty); the prediction's comment lines before it
    emit(predicted + "".join(r.diff for r in diffs) + ignore_diff, output)
    count = sum(r.fixed for r in diffs) + ignore_fixed
    files = len(diffs) + ignore_diff.count("\n+++ ")
    if files:
        print(f"Would fix {count} finding{'s' if count != 1 else ''} in "
              f"{files} file{'s' if files != 1 else ''}.", file=sys.stderr)
    else:
        print("No fixes available.", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if files else EXIT_CLEAN


class _SharedIgnore:
    """One .dockerignore and the reports of the Dockerfiles of the run that share it."""

    def __init__(self, reports: list["FileReport"]) -> None:
        self.reports = reports
        proposals = [r.dockerignore for r in reports]
        self.path, self.old_text = proposals[0].path, proposals[0].old_text
        # each Dockerfile's plan refuses a line that would exclude one of its COPY/ADD sources
        self.agreed = [line for line in proposals[0].lines if all(line in p.lines for p in proposals[1:])]

    def fixable(self) -> list:
        """The findings whose fixes this run applies: all their lines are agreed on. (Their
        fixes are taken off the other findings, which `--fix` does not apply.)"""
        from dockwise.context.fixer import fix_lines

        agreed, kept = set(self.agreed), []
        for report in self.reports:
            for finding in report.findings:
                if finding.location.file == report.path or finding.fix is None:
                    continue
                if agreed.issuperset(fix_lines(finding.fix)):
                    kept.append(finding)
                else:
                    finding.fix = None
        return kept

    def lines(self, fixable: list) -> list[str]:
        from dockwise.context.fixer import fix_lines

        wanted = {line for finding in fixable for line in fix_lines(finding.fix)}
        return [line for line in self.agreed if line in wanted]


def _shared_ignores(reports: Sequence["FileReport"]) -> list[_SharedIgnore]:
    import os

    sharing: dict[str, list["FileReport"]] = {}
    for report in reports:
        if report.dockerignore is not None:
            sharing.setdefault(os.path.abspath(report.dockerignore.path), []).append(report)
    return [_SharedIgnore(group) for group in sharing.values()]


def _fix_dockerignores(shared: Sequence[_SharedIgnore], options: "CheckOptions", *,
                       diff: bool) -> tuple[str, int]:
    """Apply the fixes the DC findings carry: the lines they add to a build context's
    .dockerignore, written once for every Dockerfile of the run that shares it, atomically;
    then those Dockerfiles' findings are checked again, and the context findings gone count as
    fixed. With ``diff``, nothing is written: returns the unified diff and how many findings
    its lines fix."""
    from dockwise.fix.output import unified_diff, write_fixed

    diffs, would_fix, written = [], 0, []
    for ignore, new_text, fixable in planned_ignores(shared):
        if diff:
            name = ignore.path[2:] if ignore.path.startswith("./") else ignore.path
            diffs.append(unified_diff(ignore.old_text, new_text, name))
            would_fix += len({_finding_key(f) for f in fixable})
            continue
        problem = write_fixed(ignore.path, new_text, create=not ignore.old_text)
        if problem is not None:
            ignore.reports[0].errors.append(problem)
        else:
            written.append(ignore.reports)
    if written:
        _recheck_contexts(written, options)
    return "".join(diffs), would_fix


def planned_ignores(shared: Sequence[_SharedIgnore]) -> list[tuple[_SharedIgnore, str, list]]:
    """(the .dockerignore, its text after the fixes, the findings they fix) for each one the
    fixes change."""
    from dockwise.context.fixer import with_lines

    planned = []
    for ignore in shared:
        fixable = ignore.fixable()
        lines = ignore.lines(fixable)
        if lines:
            planned.append((ignore, with_lines(ignore.old_text, lines), fixable))
    return planned


def _recheck_contexts(groups: Sequence[Sequence["FileReport"]], options: "CheckOptions") -> None:
    """The findings of Dockerfiles whose .dockerignore was just written, checked again (their
    contexts walked afresh); the context findings that went away are counted as fixed."""
    from dockwise._record import replace
    from dockwise.context.scan import forget_walks
    from dockwise.engine.dockerfile import Engine

    forget_walks()
    engine = Engine(options=replace(options, fix=False, diff=False, unsafe_fixes=False))
    for group in groups:
        before = {_finding_key(f) for r in group for f in r.findings if f.location.file != r.path}
        after = set()
        for report in group:
            fresh = engine.check_path(report.path)
            report.findings, report.dockerignore = fresh.findings, fresh.dockerignore
            after.update(_finding_key(f) for f in fresh.findings if f.location.file != report.path)
        group[0].fixed += len(before - after)
        for key in before - after:
            group[0].fixed_codes[key[0]] = group[0].fixed_codes.get(key[0], 0) + 1


def _finding_key(finding) -> tuple:
    import os

    loc = finding.location
    return (finding.code, os.path.normpath(loc.file), loc.line, loc.column, finding.message)
