"""One call from an image path to everything ``dockwise image`` reports."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dockwise.errors import InputError
from dockwise.image.align import HistoryStep, align, history_steps, missing_stage_message
from dockwise.image.layers import LayerScan, ScanLimits, scan_layers
from dockwise.image.merge import FinalFile, LayerStats, MergedImage, Merger, WastedFile
from dockwise.image.tarscan import Entry
from dockwise.image.source import ImageSource, LayerRef, is_registry_reference, open_image
from dockwise.model.stages import build_chain

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model import BuildModel
    from dockwise.syntax.tree import Dockerfile, Instruction

TOP_N = 10
#: A directory whose one subdirectory holds this share of its bytes is not listed among the
#: largest directories: the subdirectory says the same, more precisely.
DOMINANT_CHILD = 0.9


@dataclass(frozen=True)
class RepeatedFile:
    path: str
    layers: list[int]  # 0-based, bottom first
    written_bytes: int  # by all those layers
    wasted_bytes: int  # of those, not visible in the final filesystem


@dataclass
class LayerReport:
    index: int  # 0-based
    digest: str
    diff_id: str
    compression: str
    compressed_bytes: int
    tar_bytes: int
    stats: LayerStats
    step: HistoryStep | None

    @property
    def created_by(self) -> str:
        return self.step.created_by if self.step else ""

    @property
    def instruction(self) -> "Instruction | None":
        return self.step.instruction if self.step else None

    @property
    def base(self) -> bool:
        return bool(self.step and self.step.base)


@dataclass(eq=False)
class ImageAnalysis:
    source: ImageSource
    layers: list[LayerReport]
    merged: MergedImage
    scans: list[LayerScan]
    history: list[HistoryStep]
    dockerfile_path: str | None = None
    dockerfile: "Dockerfile | None" = None
    base_from: "Instruction | None" = None  # FROM of the external base image
    chain: list["Instruction"] = field(default_factory=list)
    final_files: list[FinalFile] = field(default_factory=list)
    model: "BuildModel | None" = None  # of the Dockerfile, as the layers were aligned with it

    @property
    def unmatched_instructions(self) -> list["Instruction"]:
        """RUN/COPY/ADD of the Dockerfile that no history entry matched: a sign that the
        Dockerfile is not the one that built the image."""
        matched = {id(step.instruction) for step in self.history if step.instruction is not None}
        return [ins for ins in self.chain if ins.keyword in ("RUN", "COPY", "ADD") and id(ins) not in matched]

    @property
    def total_bytes(self) -> int:
        return self.merged.total_bytes

    @property
    def final_bytes(self) -> int:
        return self.merged.final_bytes

    @property
    def reclaimable_bytes(self) -> int:
        return self.total_bytes - self.final_bytes

    @property
    def efficiency(self) -> float:
        return 1.0 if self.total_bytes == 0 else self.final_bytes / self.total_bytes

    @property
    def compressed_bytes(self) -> int:
        return sum(layer.compressed_bytes for layer in self.layers)

    @property
    def config(self) -> dict[str, Any]:
        cfg = self.source.config.get("config")
        return cfg if isinstance(cfg, dict) else {}

    def dockerfile_line(self, layer: LayerReport) -> int | None:
        if layer.instruction is not None:
            return layer.instruction.line
        if layer.base and self.base_from is not None:
            return self.base_from.line
        return None

    def largest_files(self, n: int = TOP_N) -> list[FinalFile]:
        return sorted(self.final_files, key=lambda f: (-f.size, f.path))[:n]

    def largest_directories(self, n: int = TOP_N) -> list[tuple[str, int]]:
        """The largest directories, leaving out one whose single subdirectory holds nearly all
        of it (``/usr`` when ``/usr/lib`` is 95% of it), so a chain of nested directories is
        listed once, at its deepest useful point."""
        sizes = self._directory_sizes()
        largest_child: dict[str, int] = {}
        for path, size in sizes:
            parent = path.rpartition("/")[0] or "/"
            largest_child[parent] = max(largest_child.get(parent, 0), size)
        kept = [(path, size) for path, size in sizes if largest_child.get(path, 0) < DOMINANT_CHILD * size]
        return kept[:n]

    def wasted_files(self, n: int | None = TOP_N, layer: int | None = None) -> list[WastedFile]:
        """The files whose bytes are shipped but invisible at the end, largest first
        (of one layer, 0-based, when ``layer`` is given)."""
        found = [w for w in self.merged.wasted if layer is None or w.layer == layer]
        found.sort(key=lambda w: (-w.size, w.path))
        return found if n is None else found[:n]

    def layer_changes(self, layer: int) -> list[tuple[str, Entry]]:
        """Every entry of the layer's tar, in tar order, with how it changed the filesystem
        below it (merge.ADDED, CHANGED, REMOVED, or UNCHANGED for a directory carried along)."""
        return list(zip(self.merged.changes[layer], self.scans[layer].entries))

    @functools.cache  # noqa: B019 - one analysis, computed once for text and JSON alike
    def _directory_sizes(self) -> list[tuple[str, int]]:
        sizes: dict[str, int] = {}
        seen: set[int] = set()
        for f in self.final_files:
            if f.inode_id in seen:
                continue  # a hard-linked file counts once
            seen.add(f.inode_id)
            parts = f.path.split("/")[:-1]
            for depth in range(len(parts) + 1):
                key = "/" + "/".join(parts[:depth])
                sizes[key] = sizes.get(key, 0) + f.size
        sizes.pop("/", None)
        return sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))

    def repeated_files(self, n: int = TOP_N) -> list["RepeatedFile"]:
        """Paths several layers wrote a file to, most wasted bytes first: the bytes written
        there that the final filesystem does not show (every copy but the visible one)."""
        found = []
        for path, writers in self.merged.repeated.items():
            written = sum(size for _, size in writers)
            node = self.merged.lookup(path)
            kept = node.size if node is not None and node.inode is not None \
                and node.inode.layer == writers[-1][0] else 0
            found.append(RepeatedFile(path, [layer for layer, _ in writers], written, max(written - kept, 0)))
        return sorted(found, key=lambda r: (-r.wasted_bytes, -len(r.layers), r.path))[:n]


def analyze(image: str, *, dockerfile: str | None = None, platform: str | None = None,
            target: str | None = None, jobs: int | None = None, limits: ScanLimits = ScanLimits(),
            progress: Callable[[LayerScan | None, int, int], None] | None = None,
            registry: Any = None, build_args: dict[str, str] | None = None) -> ImageAnalysis:
    """Read ``image`` (path, ``-`` or an image reference) and, with ``dockerfile``, tie its layers
    to lines. ``progress(None, bytes_read, total_bytes)`` is called as layer blobs are read;
    ``registry`` holds the :class:`~dockwise.image.registry.RegistryOptions` for a reference;
    ``build_args`` are the ``--build-arg`` values the image was built with."""
    parsed = _parse_dockerfile(dockerfile) if dockerfile else None
    model = _build_model(parsed, target, dockerfile or "", build_args) if parsed else None
    source = open_source(image, platform=platform, registry=registry)
    try:
        scans, merged = _scan_and_merge(source.layers, jobs, limits, progress)
    finally:
        source.close()
    steps = history_steps(source.config, len(scans))
    chain, base_from = build_chain(model) if model is not None else ([], None)
    if chain:
        align(steps, chain)
    by_layer = {s.layer: s for s in steps if s.layer is not None}
    layers = [LayerReport(s.index, s.digest, s.diff_id, s.compression, s.compressed_bytes, s.tar_bytes,
                          merged.layers[s.index], by_layer.get(s.index)) for s in scans]
    return ImageAnalysis(source, layers, merged, scans, steps, dockerfile, parsed, base_from, chain,
                         merged.final_files(), model)


def open_source(image: str, *, platform: str | None = None, registry: Any = None) -> ImageSource:
    """The image behind ``image``: a file, a layout or ``-``, or an image in a registry."""
    if is_registry_reference(image):
        from dockwise.image.registry import RegistryOptions, open_registry_image

        return open_registry_image(image, platform=platform, options=registry or RegistryOptions())
    return open_image(image, platform=platform)


def _scan_and_merge(refs: list[LayerRef], jobs: int | None, limits: ScanLimits,
                    progress: Callable[[LayerScan | None, int, int], None] | None
                    ) -> tuple[list[LayerScan], MergedImage]:
    """Scan the layers (in parallel) and stack each one as soon as those below it are in."""
    total = sum(r.location.length for r in refs)
    done = [0]
    merger = Merger()
    waiting: dict[int, LayerScan] = {}

    def arrived(scan: LayerScan) -> None:
        waiting[scan.index] = scan
        while len(merger.layers) in waiting:
            index = len(merger.layers)
            merger.apply(index, waiting.pop(index).entries, refs[index].label)

    def read_so_far(count: int) -> None:
        if count - done[0] >= (1 << 20) or count == total:
            done[0] = count
            progress(None, count, total)

    scans = scan_layers(refs, jobs=jobs, limits=limits, progress=arrived,
                        on_bytes=read_so_far if progress else None)
    return scans, merger.result()


def _build_model(parsed: "Dockerfile", target: str | None, dockerfile: str,
                 build_args: dict[str, str] | None = None) -> "BuildModel":
    """The build model of the Dockerfile for ``target``, which must name a stage, as BuildKit
    requires (checked before the image is read)."""
    from dockwise.model import UnknownTargetError, build_model

    try:
        return build_model(parsed, build_args=build_args, target=target)
    except UnknownTargetError:
        names = [stage.name for stage in build_model(parsed).stages if stage.name]
        raise InputError(missing_stage_message(names, target or ""), path=dockerfile) from None


def _parse_dockerfile(path: str) -> "Dockerfile":
    from dockwise.inputs import read_text
    from dockwise.syntax import parse_dockerfile

    return parse_dockerfile(read_text(path, what="Dockerfile"), path=path)
