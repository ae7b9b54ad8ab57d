"""`dockwise check --fix --verify`: proof by rebuild.

The fixes are computed without writing anything; the Dockerfile is built as it is and as the
fixes leave it (with the fixed ``.dockerignore``), both images are read the way ``dockwise
image`` reads them, the smoke check runs in both, and a before/after table and a verdict are
printed. ``--fix`` then writes the fixes only when the fixed build succeeded and its smoke check
passed; otherwise nothing is written and the run ends with one error line (exit 2) that points
at the Dockerfile line the fixed build stopped at.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dockwise.commands._output import UsageError, print_errors
from dockwise.errors import DockwiseError

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.build import BuildOutcome, Builder, RunOutcome

_LOG_TAIL = 15  # lines of a failed build's log shown under the error


@dataclass
class Side:
    """One of the two builds: the Dockerfile as it is, or as the fixes leave it."""

    label: str
    dockerfile: str  # the file given to the builder
    text: str
    ignorefile: str | None = None
    context: str | None = None  # the build context, when not the one given (fixed scripts)
    build: "BuildOutcome | None" = None
    config: dict = field(default_factory=dict)
    total_bytes: int | None = None
    compressed_bytes: int | None = None
    layers: int | None = None
    smoke: "RunOutcome | None" = None
    smoke_name: str = ""


def prove(args: argparse.Namespace, path: str, fixed_text: str, ignore_text: str | None,
          build_args: Sequence[tuple[str, str]], context: str | None = None,
          scripts: Sequence[tuple[str, str]] = ()) -> bool:
    """Build ``path`` and its fixed text (with ``ignore_text`` as the fixed .dockerignore, None:
    unchanged, and ``scripts``, (path, fixed text) of context files the fixes also edit) in
    ``context`` (default: the Dockerfile's folder), compare them, print the table and the
    verdict; True when the fixes may be written. A failed proof also prints its error line and
    the end of the build log."""
    context = context or os.path.dirname(os.path.abspath(path))
    with tempfile.TemporaryDirectory(prefix="dockwise-verify-") as work:
        before, after = _sides(path, fixed_text, ignore_text, work)
        if scripts:
            after.context = _staged_context(context, path, ignore_text, scripts, os.path.join(work, "context"))
        builder = _builder(args)
        try:
            _prove(builder, args, before, after, work, build_args, context)
        finally:
            _clean(builder, before, after)
    verdict_ok, verdict = _verdict(before, after, args)
    sys.stdout.write(_table(builder.name, before, after, verdict))
    sys.stdout.flush()
    if not verdict_ok:
        _explain_failure(path, after, before)
    return verdict_ok


def single_dockerfile(found) -> str:
    """The one Dockerfile on disk ``--verify`` builds."""
    if found.errors:
        print_errors(found.errors)
        raise DockwiseError("--verify: the Dockerfile could not be read")
    files = list(found.files)
    if "-" in files:
        raise UsageError("--verify builds the Dockerfile in its folder (the build context): "
                         "give a file on disk, not stdin")
    if len(files) != 1:
        raise UsageError(f"--verify builds one Dockerfile at a time; {len(files)} were found "
                         "(name the file)" if files else "--verify: no Dockerfile found")
    return files[0]


# -- what is built ------------------------------------------------------------------------------

def _sides(path: str, fixed_text: str, ignore_text: str | None, work: str) -> tuple[Side, Side]:
    from dockwise.inputs import read_text

    before = Side("before", path, read_text(path, what="Dockerfile"))
    fixed_path = os.path.join(work, "fixed", os.path.basename(path))
    os.makedirs(os.path.dirname(fixed_path))
    with open(fixed_path, "w", encoding="utf-8") as fh:
        fh.write(fixed_text)
    after = Side("after", fixed_path, fixed_text)
    if ignore_text is not None:
        after.ignorefile = os.path.join(work, "fixed", "dockerignore")
        with open(after.ignorefile, "w", encoding="utf-8") as fh:
            fh.write(ignore_text)
    return before, after


def _staged_context(context: str, dockerfile: str, ignore_text: str | None,
                    scripts: Sequence[tuple[str, str]], dest: str) -> str:
    """A copy of what the fixed build sends from ``context`` (the files its .dockerignore keeps,
    hard-linked where the file system allows) with the fixed scripts written over theirs: the
    user's files are never touched before the proof holds."""
    import shutil

    from dockwise.context.ignorefile import load_ignore, parse_ignore
    from dockwise.context.scan import walk

    ignore = parse_ignore(ignore_text) if ignore_text is not None else load_ignore(context, dockerfile)
    scan = walk(context, ignore.matcher if ignore is not None else None, with_sizes=False, progress=False)
    for rel in scan.files:
        source, target = os.path.join(context, rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if rel in scan.symlinks:
            os.symlink(os.readlink(source), target)
            continue
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed
            shutil.copy2(source, target)
    for rel in scan.empty_dirs:
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
    for host, text in scripts:
        target = os.path.join(dest, os.path.relpath(os.path.abspath(host), os.path.abspath(context)))
        if os.path.lexists(target):
            os.unlink(target)  # a hard link: writing through it would edit the user's file
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
        shutil.copymode(host, target)
    return dest


def _builder(args: argparse.Namespace) -> "Builder":
    from dockwise.build import find_builder

    store = os.path.abspath(args.build_store) if args.build_store else None
    return find_builder(args.builder, store=store)


def _prove(builder: "Builder", args, before: Side, after: Side, work: str,
           build_args: Sequence[tuple[str, str]], context: str) -> None:
    for side in (before, after):
        print(f"dockwise: building {side.label} the fixes with {builder.name} ...", file=sys.stderr)
        side.build = builder.build(side.context or context, side.dockerfile, ignorefile=side.ignorefile,
                                   build_args=build_args, target=args.target,
                                   volumes=args.build_volume, pull=args.pull)
        if not side.build.ok or side.build.image is None:
            continue
        side.config = builder.config(side.build.image)
        _measure(builder, side, os.path.join(work, side.label))
        side.smoke_name, side.smoke = _smoke(builder, side, args)


def _measure(builder: "Builder", side: Side, dest: str) -> None:
    """Sizes and layers, read from the image as ``dockwise image`` reads it."""
    from dockwise.image.analyze import analyze

    saved = builder.save_oci(side.build.image, dest)
    analysis = analyze(saved)
    side.total_bytes = analysis.total_bytes
    side.layers = len(analysis.layers)
    if all(layer.compression != "none" for layer in analysis.layers):
        side.compressed_bytes = analysis.compressed_bytes


def _clean(builder: "Builder", *sides: Side) -> None:
    for side in sides:
        if side.build is not None and side.build.image:
            try:
                builder.remove(side.build.image)
            except DockwiseError:
                pass  # a leftover image in the builder's store is not worth failing the run
    builder.close()


# -- the smoke check ----------------------------------------------------------------------------

def _smoke(builder: "Builder", side: Side, args) -> tuple[str, "RunOutcome | None"]:
    image = side.build.image
    if args.smoke_cmd:
        argv = shlex.split(args.smoke_cmd)
        return f"command `{args.smoke_cmd}`", builder.run(image, argv, timeout=args.smoke_timeout)
    if args.smoke_url:
        return f"GET {args.smoke_url}", _serve_and_probe(builder, image, args.smoke_timeout,
                                                         lambda service: _fetch(args.smoke_url))
    test = (side.config.get("Healthcheck") or {}).get("Test") or []
    if not test or test[0] == "NONE":
        return "", None
    argv = list(test[1:]) if test[0] == "CMD" else ["/bin/sh", "-c", " ".join(test[1:])]

    def probe(service):
        outcome = builder.exec(service, argv, timeout=10)
        return outcome.ok, outcome.detail

    return "HEALTHCHECK", _serve_and_probe(builder, image, args.smoke_timeout, probe)


def _serve_and_probe(builder: "Builder", image: str, timeout: float, probe) -> "RunOutcome":
    from dockwise.build import RunOutcome

    started = time.monotonic()
    service = builder.start(image)
    detail = "no answer"
    try:
        while time.monotonic() - started < timeout:
            code = service.exited()
            if code is not None:
                return RunOutcome(False, f"the service exited with code {code} before answering",
                                  time.monotonic() - started)
            ok, detail = probe(service)
            if ok:
                return RunOutcome(True, detail, time.monotonic() - started)
            time.sleep(0.5)
        return RunOutcome(False, f"no healthy answer in {timeout:g} s (last: {detail})", time.monotonic() - started)
    finally:
        builder.stop(service)


def _fetch(url: str) -> tuple[bool, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - the user's own URL
            return response.status < 400, f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return False, str(getattr(exc, "reason", exc))


# -- the verdict --------------------------------------------------------------------------------

def _verdict(before: Side, after: Side, args) -> tuple[bool, str]:
    if not after.build or not after.build.ok:
        return False, "the fixed Dockerfile does not build: fixes not written"
    if after.smoke is None:
        if args.smoke_cmd or args.smoke_url:
            return False, "the smoke check did not run on the fixed image: fixes not written"
        note = "no smoke check (give --smoke-cmd or --smoke-url, or a HEALTHCHECK): proven by the build only"
    elif not after.smoke.ok:
        return False, "the fixed image fails the smoke check: fixes not written"
    else:
        note = "the fixed image passes the smoke check"
    if before.build is not None and not before.build.ok:
        note += "; the original did not build"
    elif before.smoke is not None and not before.smoke.ok:
        note += "; the original failed it"
    action = "would be written (--diff)" if args.diff else "written"
    return True, f"the fixed Dockerfile builds, {note}: fixes {action}"


def _table(builder: str, before: Side, after: Side, verdict: str) -> str:
    rows = [("build", _build_cell(before), _build_cell(after)),
            ("size", _size(before.total_bytes), _size(after.total_bytes, before.total_bytes)),
            ("compressed (gzip)", _size(before.compressed_bytes), _size(after.compressed_bytes, before.compressed_bytes)),
            ("layers", _count(before.layers), _count(after.layers)),
            ("user", _user(before), _user(after)),
            ("entrypoint/cmd", _entry(before), _entry(after)),
            ("exposed ports", _ports(before), _ports(after)),
            ("environment", _env_cell(before), _env_diff(before, after)),
            ("smoke check", _smoke_cell(before), _smoke_cell(after))]
    from dockwise.textsafe import printable

    width0 = max(len(r[0]) for r in rows)
    width1 = max(len("before"), *(len(printable(r[1])) for r in rows))
    lines = [f"Rebuilt with {builder}:", f"  {'':<{width0}}  {'before':<{width1}}  after"]
    lines += [f"  {name:<{width0}}  {printable(b):<{width1}}  {printable(a)}" for name, b, a in rows]
    lines.append(f"Verdict: {verdict}.")
    return "\n".join(lines) + "\n"


def _built(side: Side) -> bool:
    return side.build is not None and side.build.ok


def _build_cell(side: Side) -> str:
    if side.build is None:
        return "not built"
    return f"{'ok' if side.build.ok else 'FAILED'} ({side.build.seconds:.0f} s)"


def _size(value: int | None, reference: int | None = None) -> str:
    from dockwise.units import human_bytes

    if value is None:
        return "-"
    text = human_bytes(value)
    if reference and value and abs(reference - value) * 100 >= reference:  # 1% or more
        ratio = reference / value
        text += f" ({ratio:.2f}x smaller)" if ratio > 1 else f" ({1 / ratio:.2f}x larger)"
    return text


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def _user(side: Side) -> str:
    if not _built(side):
        return "-"
    return side.config.get("User") or "root (none set)"


def _entry(side: Side) -> str:
    if not _built(side):
        return "-"
    from dockwise.build.builders import entry_command

    argv = entry_command(side.config)
    return shlex.join(argv) if argv else "(none)"


def _ports(side: Side) -> str:
    if not _built(side):
        return "-"
    return ", ".join(sorted(side.config.get("ExposedPorts") or {})) or "none"


def _env(side: Side) -> dict[str, str]:
    pairs = (item.partition("=") for item in side.config.get("Env") or [])
    return {name: value for name, _, value in pairs}


def _env_cell(side: Side) -> str:
    count = len(_env(side))
    return "-" if not _built(side) else f"{count} variable{'s' if count != 1 else ''}"


def _env_diff(before: Side, after: Side) -> str:
    if not _built(after):
        return "-"
    if not _built(before):
        return _env_cell(after)
    old, new = _env(before), _env(after)
    changes = [f"+{k}" for k in new if k not in old] + [f"-{k}" for k in old if k not in new]
    changes += [f"~{k}" for k in new if k in old and old[k] != new[k]]
    return "same" if not changes else " ".join(changes)


def _smoke_cell(side: Side) -> str:
    if side.smoke is None:
        return "-" if not _built(side) else "none"
    state = "passed" if side.smoke.ok else "FAILED"
    return f"{side.smoke_name}: {state} ({side.smoke.detail}, {side.smoke.seconds:.1f} s)"


def _explain_failure(path: str, after: Side, before: Side) -> None:
    """One error line (the Dockerfile line the fixed build stopped at, or the smoke check that
    failed), then the end of the build log."""
    from dockwise.build.logs import failed_instruction, failed_step, locate_step

    if after.build is not None and not after.build.ok:
        step = failed_step(after.build.log)
        original = locate_step(step, before.text) if step else None
        where = failed_instruction(after.build.log, after.text)
        if original is not None:
            message = (f"{path}:{original[0]}: error: fixes not written: with the fixes, the build "
                       f"fails at this line: {original[1]}")
        elif where is not None:
            message = (f"{path}: error: fixes not written: the fixed Dockerfile fails to build at "
                       f"its line {where[0]} (`--diff` shows it): {where[1]}")
        else:
            message = f"{path}: error: fixes not written: the fixed Dockerfile fails to build"
        if before.build is not None and not before.build.ok:
            message += " (the original fails too)"
        tail = after.build.log.rstrip().splitlines()[-_LOG_TAIL:]
        print_errors([message, *("  | " + line for line in tail)])
        return
    detail = after.smoke.detail if after.smoke is not None else "did not run"
    print_errors([f"{path}: error: fixes not written: the smoke check fails on the fixed image: {detail}"])
