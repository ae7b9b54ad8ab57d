"""The Python API: the findings the command line prints, as objects (docs/api.md).

Each function runs what its command runs -- the same options, defaults, configuration files
and rules -- and returns a :class:`Report` instead of printing it::

    import dockwise

    report = dockwise.check_text("FROM python\\n")
    [f.code for f in report.findings]        # ['DL3006', ...]
    report.to_dict()                         # the `--format json` document

Nothing is printed or written. A bad option value raises :class:`ValueError`; what the command
line reports as one error with exit code 2 for the whole run (an unknown rule code, no such
context directory, an unreadable image, a broken config file) raises
:class:`~dockwise.errors.DockwiseError`; a problem with one file among several is an error line
in :attr:`Report.errors` (``exit_code`` 2), as on the command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dockwise.findings import Finding

__all__ = ["Report", "analyze_image", "check_paths", "check_text", "scan_context"]

Codes = str | Iterable[str] | None


class Report:
    """What one run found: the findings (sorted by place, as printed), the files looked at,
    error lines, the exit code the command would return, and the command's extra sections
    (``context``, ``image``) of the JSON document."""

    __slots__ = ("findings", "files", "errors", "notes", "exit_code", "sections", "sources")

    def __init__(self, findings: Sequence[Finding], files: Sequence[str], errors: Sequence[str] = (),
                 exit_code: int = 0, *, notes: Sequence[str] = (),
                 sections: Mapping[str, Any] | None = None,
                 sources: Mapping[str, str] | None = None) -> None:
        self.findings: list[Finding] = sorted(findings, key=lambda f: f.sort_key)
        self.files: list[str] = list(files)
        self.errors: list[str] = list(errors)
        self.notes: list[str] = list(notes)
        self.exit_code: int = exit_code
        self.sections: dict[str, Any] = dict(sections or {})
        self.sources: dict[str, str] = dict(sources or {})

    def render(self, fmt: str = "text") -> str:
        """The report as the command prints it with ``--format fmt`` (text without colour and
        without the context/image summary tables)."""
        from dockwise.report import render

        return render(fmt, self.findings, files=self.files, sources=self.sources,
                      errors=self.errors, sections=self.sections or None)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` document (docs/report.schema.json)."""
        import json

        return json.loads(self.render("json"))

    def __repr__(self) -> str:
        return (f"Report({len(self.findings)} findings in {len(self.files)} files, "
                f"{len(self.errors)} errors, exit_code={self.exit_code})")


def check_text(text: str, path: str = "Dockerfile", *, select: Codes = None, ignore: Codes = None,
               fail_level: str | None = None, build_args: Mapping[str, str] | None = None,
               target: str | None = None, trusted_registries: Iterable[str] = (),
               required_labels: Mapping[str, str] | None = None, strict_labels: bool = False,
               config: str | None = None, isolated: bool = False) -> Report:
    """Check Dockerfile ``text``, as ``dockwise check -`` checks it from stdin: findings carry
    ``path`` as their file; the config files are looked for from the working directory (no
    build context is read)."""
    import os

    from dockwise.commands import check as command
    from dockwise.engine.dockerfile import Engine

    args = _check_args([], select=select, ignore=ignore, fail_level=fail_level, build_args=build_args,
                       target=target, trusted_registries=trusted_registries,
                       required_labels=required_labels, strict_labels=strict_labels,
                       config=config, isolated=isolated)
    options = command._load(args)
    engine = Engine(options=options)
    lint_config = engine.config_for(None, os.getcwd())  # raises a broken config's error
    report = engine.check_text(text, path, config=lint_config)
    errors = command.settle([report])
    return Report(report.findings, [path], errors, command.exit_code([report], [], fail_level),
                  notes=report.notes, sources={path: text})


def check_paths(paths: str | Iterable[str] = (".",), *, select: Codes = None, ignore: Codes = None,
                fail_level: str | None = None, context: bool = True,
                build_args: Mapping[str, str] | None = None, target: str | None = None,
                trusted_registries: Iterable[str] = (), required_labels: Mapping[str, str] | None = None,
                strict_labels: bool = False, config: str | None = None, isolated: bool = False,
                jobs: int | None = 1) -> Report:
    """Check Dockerfiles and directories, as ``dockwise check PATH...`` does: directories are
    searched, each file gets its build-context checks (``context=False``: ``--no-context``)
    and its own config files."""
    from dockwise.commands import check as command

    args = _check_args([paths] if isinstance(paths, str) else list(paths), select=select,
                       ignore=ignore, fail_level=fail_level, build_args=build_args, target=target,
                       trusted_registries=trusted_registries, required_labels=required_labels,
                       strict_labels=strict_labels, config=config, isolated=isolated)
    args.no_context = not context
    args.jobs = jobs
    _, found, reports = command.collect(args)
    errors = list(found.errors) + command.settle(reports)
    return Report([f for r in reports for f in r.findings], [r.path for r in reports], errors,
                  command.exit_code(reports, found.errors, fail_level),
                  notes=[n for r in reports for n in r.notes],
                  sources={r.path: r.source for r in reports if r.source is not None})


def scan_context(directory: str = ".", dockerfile: str | None = None, *, select: Codes = None,
                 ignore: Codes = None, fail_level: str | None = None, large: int | str | None = None,
                 builder: str = "buildkit", config: str | None = None,
                 isolated: bool = False) -> Report:
    """What ``docker build DIRECTORY`` sends, as ``dockwise context`` reports it: the DC
    findings, and ``sections["context"]`` (files and bytes sent, heavy directories, secrets,
    large files)."""
    from dockwise.commands import context as command
    from dockwise.report.context import context_section

    args = _args("context", [directory], select=select, ignore=ignore, fail_level=fail_level,
                 config=config, isolated=isolated)
    args.file = dockerfile
    args.large = _size(large, "large")
    args.builder = _choice(builder, ("buildkit", "classic"), "builder")
    command.check_inputs(args)
    target, findings, errors, code = command.collect(args)
    files = [target.ignore_path] + ([target.dockerfile_path] if target.dockerfile_path else [])
    return Report(findings, files, errors, code, sections={"context": context_section(target)})


def analyze_image(image: str, dockerfile: str | None = None, *, select: Codes = None,
                  ignore: Codes = None, fail_level: str | None = None, platform: str | None = None,
                  target: str | None = None, max_size: int | str | None = None,
                  hidden_threshold: int | str | None = None, top: int = 10,
                  config: str | None = None, isolated: bool = False) -> Report:
    """Read a built image (``docker save`` archive, OCI layout or archive), as ``dockwise
    image`` does: the DI findings, and ``sections["image"]`` (sizes, layers, gates)."""
    from dockwise.commands import image as command
    from dockwise.report.image import image_section

    args = _args("image", [image], select=select, ignore=ignore, fail_level=fail_level,
                 config=config, isolated=isolated)
    args.dockerfile, args.platform, args.target, args.top = dockerfile, platform, target, top
    args.max_size = _size(max_size, "max_size")
    args.hidden_threshold = _size(hidden_threshold, "hidden_threshold")
    args.no_progress = True
    command._check_options(args)
    analysis, findings, results, errors, code = command.collect(args)
    files = [analysis.source.name] + ([dockerfile] if dockerfile else [])
    return Report(findings, files, errors, code,
                  sections={"image": image_section(analysis, results, top)})


# -- options, exactly as the command line sets them --------------------------------------------------

def _args(command: str, positional: list[str], *, select: Codes, ignore: Codes,
          fail_level: str | None, config: str | None, isolated: bool) -> argparse.Namespace:
    """The command's options with their defaults (its own parser's), then the given ones."""
    from dockwise.cli import build_parser

    for word in positional:
        if not isinstance(word, str):
            raise ValueError(f"{command}: expected a path, not {word!r}")
    args = build_parser([command]).parse_args([command, "--", *positional])
    args.select = _codes(select, "select")
    args.ignore = _codes(ignore, "ignore")
    args.fail_level = None if fail_level is None else _choice(
        fail_level, ("error", "warning", "info", "style", "none"), "fail_level")
    args.config_file, args.isolated = config, bool(isolated)
    return args


def _check_args(paths: list[str], *, build_args: Mapping[str, str] | None, target: str | None,
                trusted_registries: Iterable[str], required_labels: Mapping[str, str] | None,
                strict_labels: bool, **common: Any) -> argparse.Namespace:
    if isinstance(trusted_registries, str):
        trusted_registries = [trusted_registries]
    args = _args("check", paths, **common)
    args.build_args = [f"{k}={v}" for k, v in (build_args or {}).items()]
    args.target = target
    args.trusted_registries = list(trusted_registries)
    args.required_labels = [f"{name}:{kind}" for name, kind in (required_labels or {}).items()]
    args.strict_labels = bool(strict_labels)
    args.count_cure = False  # the report is the JSON document's, which does not count the restructuring
    return args


def _codes(value: Codes, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    values = list(value)
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"{name}: expected rule codes as strings, not {values!r}")
    return values


def _choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise ValueError(f"{name}: expected one of {', '.join(choices)}, not {value!r}")
    return value


def _size(value: int | str | None, name: str) -> int | None:
    from dockwise.units import parse_size

    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
