"""What an image rule is, and what it sees.

An image rule is a class in a module of ``dockwise.image.rules``::

    class RunsAsRoot(ImageRule):
        info = RuleInfo(code="DI001", ...)

        def check(self, target: ImageTarget) -> Iterator[Finding]:
            yield target.finding(self.info, "message", layer=3, path="/app/.env")

Findings point at the Dockerfile instruction that made the layer when the image was read
with ``--dockerfile``, else at the image itself; ``extra`` always carries the layer (1-based)
and the image path when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dockwise.findings import Finding, ImageRule, Location, RuleInfo, Severity, Target, span_location

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.image.analyze import ImageAnalysis, LayerReport
    from dockwise.syntax.tree import Instruction

MIB = 1 << 20


@dataclass
class ImageOptions:
    hidden_threshold: int = 1 * MIB  # DI006: bytes a layer may lose to later layers
    max_size: int | None = None  # DI010: budget for total_bytes


__all__ = ["ImageOptions", "ImageRule", "ImageTarget", "human_bytes"]


@dataclass
class ImageTarget(Target):
    analysis: "ImageAnalysis"
    options: ImageOptions = field(default_factory=ImageOptions)

    @property
    def config(self) -> dict[str, Any]:
        return self.analysis.config

    def layer_name(self, index: int) -> str:
        """``layer 4 (Dockerfile line 9: RUN dd …)`` -- how messages name a layer."""
        layer = self.analysis.layers[index]
        line = self.analysis.dockerfile_line(layer)
        if layer.instruction is not None:
            text = " ".join(layer.instruction.source.split())
            return f"layer {index + 1} (line {line}: {_short(text)})"
        if layer.base:
            return f"layer {index + 1} (base image)"
        if layer.created_by:
            return f"layer {index + 1} ({_short(layer.created_by)})"
        return f"layer {index + 1}"

    def last_instruction(self, *keywords: str) -> "Instruction | None":
        for ins in reversed(self.analysis.chain):
            if ins.keyword in keywords:
                return ins
        return None

    def finding(self, info: RuleInfo, message: str, *, layer: int | None = None,
                instruction: "Instruction | None" = None, path: str | None = None,
                severity: Severity | None = None, **extra: Any) -> Finding:
        """The one finding factory (:meth:`Target.finding`), placed by what image rules know: the
        layer (whose Dockerfile instruction it points at when the image was read with
        ``--dockerfile``) or the instruction; ``extra`` carries the layer, path and image."""
        analysis = self.analysis
        report: LayerReport | None = analysis.layers[layer] if layer is not None else None
        if instruction is None and report is not None:
            instruction = report.instruction or (analysis.base_from if report.base else None)
        if layer is not None:
            extra["layer"] = layer + 1
        if path is not None:
            extra["path"] = "/" + path.lstrip("/")
        extra.setdefault("image", analysis.source.name)
        return super().finding(info, message, instruction, severity=severity, **extra)

    def locate(self, at: Any) -> Location:
        """A Dockerfile instruction when the image was read with ``--dockerfile``, else the image."""
        if isinstance(at, Location):
            return at
        if at is not None and self.analysis.dockerfile_path:
            return span_location(self.analysis.dockerfile_path, at.span)
        return Location(self.analysis.source.name)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def human_bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover
