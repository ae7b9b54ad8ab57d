"""The bytes of an image that a change to its Dockerfile would remove, read from the image of
the current build (``dockwise check --fix --image IMAGE``).

Everything here is measured on the layers as :mod:`.align` tied them to the Dockerfile's
lines: the layers of a line that leaves the shipped stage, what of them comes back (the
artefacts a runtime stage copies from its builder), the package caches in them, the files a
COPY/ADD layer holds that a new .dockerignore would keep out. Nothing is estimated: a figure
that depends on an image this one does not hold (a slim base's own size) is not given.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING

from dockwise._record import Record
from dockwise.image.tarscan import FILE
from dockwise.knowledge.package_caches import image_cache_kind, image_cache_of

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.image.analyze import ImageAnalysis, LayerReport
    from dockwise.model import BuildModel
    from dockwise.syntax.tree import Instruction


class Leaving(Record):
    """One layer of a line that leaves the shipped image: its bytes, those that come back in
    an artefact the runtime copies from the builder, and the package caches among the rest
    (cache name -> bytes)."""

    __slots__ = ("line", "layer", "total", "carried", "caches")

    def __init__(self, line: int, layer: int, total: int, carried: int, caches: dict[str, int]) -> None:
        self.line = line
        self.layer = layer  # 1-based, as `dockwise image` numbers layers
        self.total = total
        self.carried = carried
        self.caches = caches

    @property
    def removed(self) -> int:
        return self.total - self.carried


class Excluded(Record):
    """A file of a COPY/ADD layer that a .dockerignore would keep out: its path in the build
    context, in the image, its bytes, and the line of the instruction that copied it."""

    __slots__ = ("context_path", "image_path", "size", "line")

    def __init__(self, context_path: str, image_path: str, size: int, line: int) -> None:
        self.context_path = context_path
        self.image_path = image_path
        self.size = size
        self.line = line


def layers_of_line(analysis: "ImageAnalysis", line: int) -> list["LayerReport"]:
    """The layers the instruction starting at ``line`` made (none for a line that makes no
    layer, or that the history did not match)."""
    return [layer for layer in analysis.layers
            if layer.instruction is not None and not layer.base and layer.instruction.line == line]


def base_layers(analysis: "ImageAnalysis") -> list["LayerReport"]:
    """The layers that came with the base image."""
    return [layer for layer in analysis.layers if layer.base]


def leaving(analysis: "ImageAnalysis", line: int, comes_back: Callable[[str], bool]) -> list[Leaving]:
    """The layers of ``line``, which leaves the shipped stage; ``comes_back(path)`` (an image
    path, no leading ``/``) says whether a file returns in an artefact. A package cache
    never does."""
    found = []
    for layer in layers_of_line(analysis, line):
        carried, caches = 0, {}
        for entry in analysis.scans[layer.index].entries:
            if entry.kind != FILE:
                continue
            cache = image_cache_of(entry.path)
            if cache is not None:
                kind = image_cache_kind(cache)
                caches[kind] = caches.get(kind, 0) + entry.size
            elif comes_back(entry.path):
                carried += entry.size
        found.append(Leaving(line, layer.index + 1, layer.stats.total_bytes, carried, caches))
    return found


def under(paths: tuple[str, ...]) -> Callable[[str], bool]:
    """``comes_back`` for artefacts copied from these absolute paths (the path or below it)."""
    roots = tuple(posixpath.normpath(p).strip("/") for p in paths if p.startswith("/"))

    def test(path: str) -> bool:
        return any(not root or path == root or path.startswith(root + "/") for root in roots)
    return test


def excluded_files(analysis: "ImageAnalysis", model: "BuildModel", lines: frozenset[int] | None,
                   excluded: Callable[[str], bool]) -> tuple[list[Excluded], list[str]]:
    """The files of the COPY/ADD layers from the build context (of the lines in ``lines``,
    every one when None) that ``excluded(context path)`` keeps out, and notes on the
    instructions whose files cannot be traced back to the context (a source with a
    wildcard or a variable, a destination not known)."""
    found: list[Excluded] = []
    notes: list[str] = []
    for layer in analysis.layers:
        instr = layer.instruction
        if instr is None or layer.base or instr.keyword not in ("COPY", "ADD"):
            continue
        if lines is not None and instr.line not in lines:
            continue
        mapping = _context_mapping(model, instr)
        if isinstance(mapping, str):
            notes.append(f"line {instr.line}: {mapping}")
            continue
        if mapping is None:
            continue
        for entry in analysis.scans[layer.index].entries:
            if entry.kind != FILE:
                continue
            source = mapping(entry.path)
            if source is not None and excluded(source):
                found.append(Excluded(source, "/" + entry.path, entry.size, instr.line))
    return found, notes


def _context_mapping(model: "BuildModel", instr: "Instruction") -> "Callable[[str], str | None] | str | None":
    """A function from a path of the instruction's layer to the build-context path it was
    copied from (None for a path it did not copy); None when the instruction copies nothing
    from the context; a note when its sources cannot be traced."""
    from dockwise.model.copies import copy_sources

    if instr.flag("from") is not None:
        return None
    sources = copy_sources(model, instr)
    if not sources or not any(s.from_context for s in sources):
        return None
    if not all(s.known and s.from_context for s in sources):
        return "a source that is not a known path of the build context (a variable, a URL)"
    names = [s.text.strip("/") for s in sources]
    if any(c in name for name in names for c in "*?["):
        return "a source with a wildcard: its files are not traced back to the context"
    destination = _destination(model, instr)
    if destination is None:
        return "its destination is not known (a variable, or a WORKDIR that is not)"
    return _reverse(names, destination, many=len(names) > 1)


def _destination(model: "BuildModel", instr: "Instruction") -> tuple[str, bool] | None:
    """(the destination, absolute and without a leading ``/``; whether it names a directory)."""
    words = model.expanded_args(instr)
    if not words or not words[-1].known:
        return None
    text = words[-1].text
    state = model.state_at(instr)
    if not text.startswith("/"):
        if state is None or not state.workdir_known:
            return None
        text = posixpath.join(state.workdir, text)
    directory = text.endswith("/") or text.endswith("/.") or text in (".", "/")
    return posixpath.normpath(text).strip("/"), directory


def _reverse(names: list[str], destination: tuple[str, bool], *, many: bool) -> Callable[[str], str | None]:
    """From an image path back to the context path (``names``: the sources, cleaned)."""
    dest, is_dir = destination
    prefix = dest + "/" if dest else ""

    def source_of(path: str) -> str | None:
        if prefix and not path.startswith(prefix) and path != dest:
            return None
        tail = path[len(prefix):] if prefix else path
        for name in names:
            clean = posixpath.normpath(name) if name else "."
            if clean == ".":
                return tail
            # a file copied into a directory keeps its name; to a file path, takes that one
            if tail == posixpath.basename(clean) or (not is_dir and not many and path == dest):
                return clean
        # the contents of a directory source land in the destination
        if len(names) == 1 and names[0] not in ("", "."):
            return posixpath.join(posixpath.normpath(names[0]), tail)
        return None
    return source_of
