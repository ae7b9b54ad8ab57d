"""``dockwise check --fix/--diff --image IMAGE``: the bytes each fix is predicted to remove,
measured on the image of the current build.

The image is read and its layers tied to the Dockerfile's lines as ``dockwise image
--dockerfile`` ties them (:mod:`dockwise.image.align`); each restructuring transformation
says which lines leave the shipped stage and what comes back from the builder
(:class:`dockwise.fix.cure.plan.Shipped`), and the .dockerignore lines the fixes add are
matched with the context's own matcher (:mod:`dockwise.context.patterns`) against the files
of the COPY/ADD layers (:mod:`dockwise.image.predict`). What depends on an image that is not
at hand -- a slim base's own size, the packages the cure installs -- is named, never counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from dockwise._record import Record
from dockwise.errors import DockwiseError
from dockwise.units import human_bytes

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.engine.dockerfile import CheckOptions, FileReport
    from dockwise.findings import Finding
    from dockwise.image.analyze import ImageAnalysis

# Rules whose fixes keep a package cache out of a RUN's layer, and the cache (its name in
# knowledge/package_caches.py)
CACHE_FIXES = {"DL3009": "apt package lists", "DL3019": "apk package cache", "DL3042": "pip cache",
               "DL3060": "yarn cache", "DW801": "npm cache", "DW803": "Poetry cache", "DW804": "pipenv cache"}
FILES_LISTED = 5  # excluded files named in the plan; the rest are counted


class Prediction(Record):
    """What ``--image`` adds to the plan: lines under each transformation (in the plan's order),
    the blocks after the plan (the small fixes, the .dockerignore), the image and total lines."""

    __slots__ = ("steps", "after_plan", "header", "total")

    def __init__(self, steps: list[list[str]], after_plan: str, header: str, total: str) -> None:
        self.steps = steps
        self.after_plan = after_plan
        self.header = header
        self.total = total

    def plan(self, report: "FileReport") -> str:
        """The Dockerfile's plan with the predicted bytes under each transformation."""
        from dockwise.fix.cure import describe

        return describe(report.path, report.transformations, self.steps)

    def text(self, report: "FileReport") -> str:
        """Everything ``--image`` prints before the diffs (comment lines, so the output is
        still a patch)."""
        return self.header + self.plan(report) + self.after_plan + self.total


def read_image(image: str, dockerfile: str, options: "CheckOptions") -> "ImageAnalysis":
    """The image of the current build, its layers tied to ``dockerfile``'s lines; raises
    :class:`DockwiseError` (exit 2) when it cannot be read or was not built from it."""
    from dockwise.image.analyze import analyze
    from dockwise.image.source import is_registry_reference

    registry = None
    if is_registry_reference(image):
        from dockwise.image.registry import RegistryOptions

        registry = RegistryOptions(insecure=options.insecure_registries)
    try:
        analysis = analyze(image, dockerfile=dockerfile, target=options.target,
                           build_args=dict(options.build_args), registry=registry)
    except DockwiseError as exc:
        if exc.path == dockerfile:  # the Dockerfile's own error (its syntax), not the image's
            raise
        said = exc.message if exc.path in (None, image) else str(exc)
        raise DockwiseError(f"--image {image}: {said}") from None
    _check_alignment(analysis, image, dockerfile)
    return analysis


def _check_alignment(analysis: "ImageAnalysis", image: str, dockerfile: str) -> None:
    """A prediction from an image another Dockerfile built would be wrong numbers: refuse it."""
    if not any(step.instruction is not None for step in analysis.history):
        raise DockwiseError(f"--image {image}: its history names none of {dockerfile}'s instructions "
                            "(built from another Dockerfile, or squashed): the bytes of each line "
                            "cannot be known; give the image this Dockerfile built")
    from dockwise.image.align import ran_other_command

    unmatched = [(ins, "made no layer of it") for ins in analysis.unmatched_instructions]
    unmatched += [(step.instruction, "is not the command its history ran") for step in analysis.history
                  if ran_other_command(step)]
    if unmatched:
        unmatched.sort(key=lambda pair: pair[0].line)
        lines = ", ".join(f"line {ins.line} ({ins.keyword}) {why}" for ins, why in unmatched[:5])
        more = ", ..." if len(unmatched) > 5 else ""
        raise DockwiseError(f"--image {image}: not built from {dockerfile} as it is now: {lines}{more}; "
                            "rebuild the image from this Dockerfile (with the --target and --build-arg "
                            "the build used)")


def predict(analysis: "ImageAnalysis", image: str, report: "FileReport", found_before: Sequence["Finding"],
            ignore_lines: Sequence[str], old_ignore: str) -> Prediction:
    """The prediction for one Dockerfile's fixes: its transformations, the small fixes that
    keep a cache out of a layer that stays (``found_before``: the file's findings before any
    fix), and the lines the fixes add to the .dockerignore (``old_ignore``: its text now)."""
    totals = _Totals()
    steps = _transformations(analysis, report, totals)
    ignore = _dockerignore(analysis, report, ignore_lines, old_ignore, totals)
    small = _small_fixes(analysis, report, found_before, totals)
    size = analysis.total_bytes
    header = (f"# predicted from {image}, the image of the current build: {human_bytes(size)} "
              f"in {len(analysis.layers)} layers\n")
    return Prediction(steps, small + ignore, header, totals.line(size))


class _Totals:
    """What the prediction counted, and what it could only name."""

    def __init__(self) -> None:
        self.removed = 0
        self.unknown: list[str] = []

    def line(self, size: int) -> str:
        share = f" ({self.removed / size:.0%})" if size else ""
        text = f"# predicted in all: removes {human_bytes(self.removed)} of {human_bytes(size)}{share}"
        if self.unknown:
            text += "; not counted: " + "; ".join(self.unknown)
        return text + "\n"


def _transformations(analysis: "ImageAnalysis", report: "FileReport", totals: _Totals) -> list[list[str]]:
    model = analysis.model
    source = analysis.dockerfile.source if analysis.dockerfile is not None else None
    if model is None or model.final_stage is None:
        return []
    final = model.final_stage
    shipped = frozenset(instr.line for instr in final.instructions) | {final.from_instruction.line}
    packages: tuple[str, ...] = ()
    base: str | None = None
    out = []
    for step in report.transformations:
        if step.shipped is None or step.planned_on != source:
            out.append(["predicted: not known (planned on the file as an earlier round of fixes left it)"])
            continue
        lines = _moved(analysis, sorted(shipped - step.shipped.lines), step.shipped, totals)
        if step.shipped.base != base:
            lines += _base_swap(analysis, step.shipped.base, step.shipped.artefacts, totals)
        added = [name for name in step.shipped.packages if name not in packages]
        lines += _added(step.name, added, totals)
        out.append(lines or ["predicted: ~0 B (no line leaves the shipped stage)"])
        shipped, packages, base = step.shipped.lines, step.shipped.packages, step.shipped.base
    return out


def _moved(analysis: "ImageAnalysis", moved: list[int], shipped, totals: _Totals) -> list[str]:
    """What the lines that leave the shipped stage take with them."""
    from dockwise.image.predict import leaving

    comes_back = _comes_back(shipped)
    parts, removed = [], 0
    for line in moved:
        for layer in leaving(analysis, line, comes_back):
            removed += layer.removed
            parts.append(_leaving_text(analysis, layer, shipped.artefacts))
    if not parts:
        return []
    totals.removed += removed
    return [f"predicted: removes {human_bytes(removed)}, the layers of the lines that move to the builder:"] + \
        [f"  {part}" for part in parts]


def _comes_back(shipped) -> "Callable[[str], bool]":
    """Whether a file (an image path) a line moved to the builder wrote reaches the runtime:
    under a path it copies from the builder, or where the shape says its artefact carries it."""
    from dockwise.image.predict import under

    copied = under(shipped.artefacts)

    def test(path: str) -> bool:
        return copied(path) or any(fnmatchcase(path, pattern) for pattern in shipped.carried)
    return test


def _leaving_text(analysis: "ImageAnalysis", layer, artefacts: Sequence[str]) -> str:
    instr = analysis.layers[layer.layer - 1].instruction
    text = f"{instr.keyword} {instr.body}" if instr is not None else ""
    what = f"line {layer.line} (`{_short(text)}`), layer {layer.layer}"
    caches = _caches(layer.caches)
    if caches and sum(layer.caches.values()) == layer.removed:
        removed = f"{human_bytes(layer.removed)} ({caches})"
    else:
        removed = human_bytes(layer.removed) + (f", {caches} among them" if caches else "")
    if not layer.carried:
        return f"{what}: {removed}"
    back = ", ".join(artefacts) if artefacts else "the artefact"
    return f"{what}: {removed}; the {human_bytes(layer.carried)} it wrote come back in {back}"


def _caches(caches: dict[str, int]) -> str:
    return ", ".join(f"{name} {human_bytes(size)}" for name, size in sorted(caches.items(), key=lambda kv: -kv[1]) if size)


def _short(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 60 else first[:57] + "..."


def _base_swap(analysis: "ImageAnalysis", base: str | None, artefacts: Sequence[str],
               totals: _Totals) -> list[str]:
    """A new base: its old layers are known, the new one's size is not (offline) -- unless it
    is ``scratch``, which has none."""
    from dockwise.image.predict import base_layers, under

    if base is None:
        return []
    old = base_layers(analysis)
    model = analysis.model
    was = model.final_stage.from_instruction if model is not None and model.final_stage is not None else None
    name = f"`{was.args[0]}`" if was is not None and was.args else "the base"
    size = sum(layer.stats.total_bytes for layer in old)
    if base == "scratch":
        # what the runtime copies from the builder's base (CA certificates) comes back
        copied = under(tuple(artefacts))
        back = sum(f.size for f in analysis.final_files if analysis.layers[f.layer].base and copied(f.path))
        totals.removed += size - back
        return [f"predicted: removes {human_bytes(size - back)}, {name}'s {len(old)} "
                f"layer{'s' if len(old) != 1 else ''} ({human_bytes(size)}): `scratch` has none"
                + (f"; the {human_bytes(back)} of them copied from the builder come back" if back else "")]
    text = (f"predicted: {name}'s {len(old)} layer{'s' if len(old) != 1 else ''} ({human_bytes(size)}) "
            f"become{'s' if len(old) == 1 else ''} "
            f"`{base}`'s, whose size is not known offline: not counted")
    totals.unknown.append(f"`{base}` in place of {name}'s {human_bytes(size)}")
    return [text]


def _added(name: str, packages: list[str], totals: _Totals) -> list[str]:
    """What the transformation adds: packages the cure installs (their size is not known
    offline), a user, nothing."""
    if packages:
        names = ", ".join(packages)
        totals.unknown.append(f"what {names} add{'s' if len(packages) == 1 else ''}")
        return [f"predicted: adds {names} (installed in the runtime stage; size not known offline: not counted)"]
    if name == "non-root":
        return ["predicted: ~0 B (adds a user and a group: a line each in /etc/passwd and /etc/group)"]
    if name == "pid1":
        return ["predicted: ~0 B (the command's form changes, no file)"]
    if name == "cache-order":
        return ["predicted: ~0 B (the same layers in another order: a code change no longer re-runs the install)"]
    if name == "healthcheck":
        return ["predicted: ~0 B (the image's configuration gets the probe, no file)"]
    return []


def _small_fixes(analysis: "ImageAnalysis", report: "FileReport", found_before: Sequence["Finding"],
                 totals: _Totals) -> str:
    """The caches the small fixes keep out of the layers of lines that still ship (a line the
    cure moved was counted with its layers). A code counts only when all its findings went."""
    from dockwise.image.predict import leaving

    shipped = report.transformations[-1].shipped if report.transformations else None
    ours = [f for f in found_before if f.code in CACHE_FIXES and f.location.file == report.path
            and f.location.line is not None and (shipped is None or _within(f.location.line, shipped.lines, analysis))]
    lines = []
    for finding in sorted(ours, key=lambda f: f.location.line):
        if report.fixed_codes.get(finding.code, 0) < sum(f.code == finding.code for f in found_before):
            continue  # not every finding of the code went: which one stayed is not known
        line = _instruction_line(analysis, finding.location.line)
        for layer in leaving(analysis, line, lambda _path: True) if line is not None else []:
            size = layer.caches.get(CACHE_FIXES[finding.code], 0)
            totals.removed += size
            lines.append(f"#     predicted: removes {human_bytes(size)}: {finding.code} on line {line}, the "
                         f"{CACHE_FIXES[finding.code]} of layer {layer.layer}\n")
    return f"# small fixes of the lines that stay:\n{''.join(lines)}" if lines else ""


def _instruction_line(analysis: "ImageAnalysis", line: int) -> int | None:
    """The start line of the instruction that holds ``line``."""
    if analysis.dockerfile is None:
        return None
    for instr in analysis.dockerfile.instructions:
        if instr.span.start.line <= line <= instr.span.end.line:
            return instr.line
    return None


def _within(line: int, shipped: frozenset[int], analysis: "ImageAnalysis") -> bool:
    return _instruction_line(analysis, line) in shipped


def _dockerignore(analysis: "ImageAnalysis", report: "FileReport", lines: Sequence[str], old_text: str,
                  totals: _Totals) -> str:
    """The .dockerignore block: the files of the COPY/ADD layers the new lines keep out."""
    from dockwise.context.patterns import PatternMatcher
    from dockwise.image.predict import excluded_files

    if not lines or analysis.model is None:
        return ""
    current = [line.strip() for line in old_text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    before, after = PatternMatcher(current), PatternMatcher(current + list(lines))

    def newly(path: str) -> bool:
        return after.excluded(path) and not before.excluded(path)

    files, notes = excluded_files(analysis, analysis.model, None, newly)
    shipped = report.transformations[-1].shipped if report.transformations else None
    if shipped is not None:  # a COPY moved to the builder ships only what the runtime copies back
        comes_back = _comes_back(shipped)
        files = [f for f in files if f.line in shipped.lines or comes_back(f.image_path.lstrip("/"))]
    size = sum(f.size for f in files)
    totals.removed += size
    patterns = ", ".join(lines)
    out = [f"# .dockerignore: {len(lines)} line{'s' if len(lines) != 1 else ''} added ({patterns})\n"]
    if files:
        layers = sorted({f.line for f in files})
        where = ", ".join(f"line {n}" for n in layers)
        out.append(f"#     predicted: removes {human_bytes(size)}: {len(files)} file{'s' if len(files) != 1 else ''} "
                   f"the new lines keep out of the COPY/ADD layer{'s' if len(layers) != 1 else ''} of {where}\n")
        for item in sorted(files, key=lambda f: (-f.size, f.context_path))[:FILES_LISTED]:
            out.append(f"#       {item.context_path} ({human_bytes(item.size)}, {item.image_path})\n")
        if len(files) > FILES_LISTED:
            out.append(f"#       and {len(files) - FILES_LISTED} more\n")
    else:
        out.append("#     predicted: removes 0 B: no file of the image's COPY/ADD layers matches the new lines\n")
    out.extend(f"#     note: {note}\n" for note in notes)
    return "".join(out)
