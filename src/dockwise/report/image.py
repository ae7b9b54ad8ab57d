"""The image summary, the layer table and the JSON document of ``dockwise image``.

Findings themselves are rendered by :mod:`dockwise.report` like every other command's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dockwise.image.rules.base import human_bytes
from dockwise.textsafe import has_unsafe, printable

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.findings import Finding
    from dockwise.image.analyze import ImageAnalysis, LayerReport
    from dockwise.image.gates import GateResult

# Extra finding facts that go into the JSON findings (never file contents).
EXTRA_KEYS = ("layer", "path", "bytes", "image", "tool", "secret", "mode", "account", "user", "field",
              "hidden_by", "budget")


def printable_path(path: str) -> str:
    """An image path for the text report: as is, or -- when it holds a control character --
    in double quotes with C escapes (``\\`` and ``\"`` too), as ``git`` quotes names."""
    if not has_unsafe(path):
        return path
    return '"' + printable(path.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def layer_step(analysis: "ImageAnalysis", layer: "LayerReport") -> str:
    if layer.instruction is not None:
        return " ".join(layer.instruction.source.split())
    if layer.base:
        base = analysis.base_from.args[0] if analysis.base_from and analysis.base_from.args else "base image"
        return f"(base image {base})"
    return " ".join(layer.created_by.split())


def image_document(analysis: "ImageAnalysis", top: int = 10) -> dict[str, Any]:
    source = analysis.source
    return {
        "digest": source.digest,
        "kind": source.kind,
        "os": source.os,
        "architecture": source.architecture,
        "compressed_bytes": analysis.compressed_bytes,
        "total_bytes": analysis.total_bytes,
        "final_bytes": analysis.final_bytes,
        "reclaimable_bytes": analysis.reclaimable_bytes,
        "efficiency": analysis.efficiency,
        "layers": [_layer_dict(analysis, layer) for layer in analysis.layers],
        "largest_files": [{"path": "/" + f.path, "bytes": f.size, "layer": f.layer + 1}
                          for f in analysis.largest_files(top)],
        "largest_directories": [{"path": p, "bytes": b} for p, b in analysis.largest_directories(top)],
        "repeated_files": [{"path": "/" + r.path, "layers": [i + 1 for i in r.layers],
                            "bytes": r.written_bytes, "wasted_bytes": r.wasted_bytes}
                           for r in analysis.repeated_files(top)],
    }


def _layer_dict(analysis: "ImageAnalysis", layer: "LayerReport") -> dict[str, Any]:
    stats = layer.stats
    return {
        "index": layer.index + 1,
        "digest": layer.digest,
        "diff_id": layer.diff_id,
        "compression": layer.compression,
        "compressed_bytes": layer.compressed_bytes,
        "uncompressed_bytes": layer.tar_bytes,
        "total_bytes": stats.total_bytes,
        "reclaimable_bytes": stats.reclaimable_bytes,
        "hidden_bytes": stats.hidden_bytes,
        "files_added": stats.added,
        "files_changed": stats.changed,
        "files_removed": stats.removed,
        "created_by": layer.created_by,
        "base_image": layer.base,
        "dockerfile_line": analysis.dockerfile_line(layer),
        "instruction": " ".join(layer.instruction.source.split()) if layer.instruction is not None else None,
    }


def finding_document(finding: "Finding") -> dict[str, Any]:
    from dockwise.report.json import finding_dict

    out = finding_dict(finding)
    for key in EXTRA_KEYS:
        if key in finding.extra:
            out[key] = finding.extra[key]
    return out


def render_json(analysis: "ImageAnalysis", findings: Sequence["Finding"], gates: Sequence["GateResult"],
                top: int = 10, errors: Sequence[str] = ()) -> str:
    from dockwise import __version__

    document = {
        "version": __version__,
        "image": image_document(analysis, top),
        "gates": [{"name": g.name, "limit": g.limit, "actual": g.actual, "passed": g.passed} for g in gates],
        "findings": [finding_document(f) for f in findings],
        "errors": list(errors),
    }
    return _dump(document)


def render_json_error(errors: Sequence[str]) -> str:
    """The JSON document when the image could not be read: same keys, no image, the errors
    (``path: error: message`` lines, as ``dockwise check --format json`` lists them)."""
    from dockwise import __version__

    return _dump({"version": __version__, "image": None, "gates": [], "findings": [], "errors": list(errors)})


def _dump(document: dict[str, Any]) -> str:
    return json_safe(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_safe(text: str) -> str:
    """A JSON document whose strings hold a name that is not UTF-8 (its bytes are lone
    surrogates here) as ``\\udcXX`` escapes, so that the document can be written as UTF-8."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_summary(analysis: "ImageAnalysis", gates: Sequence["GateResult"], top: int = 10) -> str:
    """Plain-text summary, layer table, largest files and gates (no colour, stable for tests)."""
    src = analysis.source
    lines = [
        f"image        {printable(src.name)} ({src.kind}, {printable(src.os)}/{printable(src.architecture)})",
        f"digest       {src.digest}",
        f"layers       {len(analysis.layers)}, {human_bytes(analysis.compressed_bytes)} as stored",
        f"total        {human_bytes(analysis.total_bytes)} ({analysis.total_bytes} bytes in all layers)",
        f"final        {human_bytes(analysis.final_bytes)} ({analysis.final_bytes} bytes visible)",
        f"reclaimable  {human_bytes(analysis.reclaimable_bytes)} ({analysis.reclaimable_bytes} bytes)",
        f"efficiency   {analysis.efficiency:.2%}",
        "",
        f"{'#':>3}  {'stored':>10}  {'size':>10}  {'reclaim.':>10}  {'+/~/-':>11}  step",
    ]
    for layer in analysis.layers:
        stats = layer.stats
        line = analysis.dockerfile_line(layer)
        where = f"line {line}: " if line is not None else ""
        changes = f"{stats.added}/{stats.changed}/{stats.removed}"
        lines.append(f"{layer.index + 1:>3}  {human_bytes(layer.compressed_bytes):>10}  "
                     f"{human_bytes(stats.total_bytes):>10}  {human_bytes(stats.reclaimable_bytes):>10}  "
                     f"{changes:>11}  {_clip(where + printable(layer_step(analysis, layer)), 90)}")
    largest = analysis.largest_files(top)
    if largest:
        lines += ["", "largest files"]
        lines += [f"  {human_bytes(f.size):>10}  {printable_path('/' + f.path)}  (layer {f.layer + 1})"
                  for f in largest]
    directories = analysis.largest_directories(top)
    if directories:
        lines += ["", "largest directories"]
        lines += [f"  {human_bytes(size):>10}  {printable_path(path)}" for path, size in directories]
    repeated = analysis.repeated_files(top)
    if repeated:
        lines += ["", "files written by several layers (bytes shipped but not visible)"]
        lines += [f"  {human_bytes(r.wasted_bytes):>10}  {printable_path('/' + r.path)}  "
                  f"(layers {', '.join(str(i + 1) for i in r.layers)})" for r in repeated]
    if gates:
        lines += ["", "CI gates"]
        lines += [f"  {'PASS' if g.passed else 'FAIL'}  {g.name}: {g.actual} (limit {g.limit})" for g in gates]
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
