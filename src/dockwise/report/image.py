"""``dockwise image``'s part of the report: the ``image`` section of the report document and
the text summary (layer table, largest files, gates).

Findings themselves are rendered by :mod:`dockwise.report` like every other command's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dockwise.image.tree import filesystem_tree
from dockwise.units import human_bytes, human_duration, human_rate
from dockwise.textsafe import has_unsafe, printable

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.image.analyze import ImageAnalysis, LayerReport
    from dockwise.image.merge import WastedFile
    from dockwise.image.gates import GateResult
    from dockwise.image.pullcost import PullCost

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


def image_section(analysis: "ImageAnalysis", gates: Sequence["GateResult"], top: int = 10,
                  pull: "PullCost | None" = None) -> dict[str, Any]:
    """The ``image`` section of the report document (docs/image-metrics.md)."""
    section = _image_dict(analysis, gates, top)
    if pull is not None:
        section["pull_cost"] = _pull_dict(pull)
    return section


def _pull_dict(pull: "PullCost") -> dict[str, Any]:
    return {
        "replicas": pull.replicas,
        "bandwidth_bytes_per_second": pull.bandwidth,
        "node_bytes": pull.node_bytes,
        "node_seconds": pull.node_seconds,
        "total_bytes": pull.total_bytes,
        "shared_link_seconds": pull.shared_link_seconds,
        "base_layers": [i + 1 for i in pull.base_layers] if pull.base_known else None,
        "cached_base_node_bytes": pull.cached_base_bytes if pull.base_known else None,
        "cached_base_node_seconds": pull.cached_base_seconds if pull.base_known else None,
    }


def render_pull_cost(pull: "PullCost") -> list[str]:
    """The text lines of a scale-out's pull cost."""
    rate = human_rate(pull.bandwidth)
    lines = ["", f"pull cost of a scale-out from zero: {pull.replicas} node(s), {rate} each",
             f"  per node     {human_bytes(pull.node_bytes)} ({pull.node_bytes} bytes compressed), "
             f"{human_duration(pull.node_seconds)}",
             f"  all nodes    {human_bytes(pull.total_bytes)} ({pull.total_bytes} bytes) from the registry; "
             f"{human_duration(pull.shared_link_seconds)} if they share one {rate} link"]
    if not pull.base_known:
        lines.append("  base cached  unknown: pass --cached BASE-IMAGE or --dockerfile to tell the base image's layers")
    elif not pull.base_layers:
        lines.append("  base cached  skips nothing: none of the image's layers is the base image's")
    else:
        skipped = pull.node_bytes - pull.cached_base_bytes
        lines.append(f"  base cached  skips layer(s) {_ranges(pull.base_layers)} ({human_bytes(skipped)}); "
                     f"pulls {human_bytes(pull.cached_base_bytes)}, {human_duration(pull.cached_base_seconds)} "
                     "per node")
    return lines


def _ranges(indexes: list[int]) -> str:
    """0-based ``[0, 1, 2, 5]`` -> ``1-3, 6``."""
    parts: list[str] = []
    start = prev = None
    for i in sorted(indexes) + [None]:
        if i is not None and prev is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            parts.append(f"{start + 1}" if start == prev else f"{start + 1}-{prev + 1}")
        start = prev = i
    return ", ".join(parts)


def _image_dict(analysis: "ImageAnalysis", gates: Sequence["GateResult"], top: int) -> dict[str, Any]:
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
        "user": str(analysis.config.get("User") or ""),
        "entrypoint": _command(analysis.config.get("Entrypoint")),
        "cmd": _command(analysis.config.get("Cmd")),
        "base_image": analysis.base_from.args[0] if analysis.base_from is not None and analysis.base_from.args
        else None,
        "layers": [_layer_dict(analysis, layer) for layer in analysis.layers],
        "largest_files": [{"path": "/" + f.path, "bytes": f.size, "layer": f.layer + 1}
                          for f in analysis.largest_files(top)],
        "largest_directories": [{"path": p, "bytes": b} for p, b in analysis.largest_directories(top)],
        "repeated_files": [{"path": "/" + r.path, "layers": [i + 1 for i in r.layers],
                            "bytes": r.written_bytes, "wasted_bytes": r.wasted_bytes}
                           for r in analysis.repeated_files(top)],
        "wasted_files": [{"path": "/" + w.path, "bytes": w.size, "layer": w.layer + 1,
                          "hidden_by": w.hidden_by + 1, "how": waste_verb(analysis, w).split()[0]}
                         for w in analysis.wasted_files(max(top, WASTED_FILES_LISTED))],
        "wasted_files_count": len(analysis.merged.wasted),
        "tree": filesystem_tree(analysis.merged),
        "gates": [{"name": g.name, "limit": g.limit, "actual": g.actual, "passed": g.passed,
                   "limit_value": g.limit_value, "actual_value": g.actual_value} for g in gates],
    }


def _command(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    return [str(word) for word in value] if isinstance(value, list) else None


#: Wasted files the JSON document (and so the HTML page) lists at least, largest first.
WASTED_FILES_LISTED = 500


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


def render_summary(analysis: "ImageAnalysis", gates: Sequence["GateResult"], top: int = 10,
                   changes_of: int | None = None, pull: "PullCost | None" = None) -> str:
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
        lines += [f"  {human_bytes(size):>10}  {'  ' * depth}{printable_path(name)}"
                  for depth, name, size in directory_tree(directories)]
    wasted = analysis.wasted_files(top)
    if wasted:
        lines += ["", "wasted files (shipped in a layer, not visible in the final filesystem)"]
        lines += [f"  {human_bytes(w.size):>10}  {printable_path('/' + w.path)}  "
                  f"{_where(analysis, w.layer)}, {waste_verb(analysis, w)} {_where(analysis, w.hidden_by)}"
                  for w in wasted]
    repeated = analysis.repeated_files(top)
    if repeated:
        lines += ["", "files written by several layers (bytes shipped but not visible)"]
        lines += [f"  {human_bytes(r.wasted_bytes):>10}  {printable_path('/' + r.path)}  "
                  f"(layers {', '.join(str(i + 1) for i in r.layers)})" for r in repeated]
    if gates:
        lines += ["", "CI gates"]
        lines += [f"  {'PASS' if g.passed else 'FAIL'}  {g.name}: {g.actual} (limit {g.limit})" for g in gates]
    if pull is not None:
        lines += render_pull_cost(pull)
    text = "\n".join(lines) + "\n"
    return text + ("\n" + render_layer_changes(analysis, changes_of) if changes_of is not None else "")


def _where(analysis: "ImageAnalysis", index: int) -> str:
    line = analysis.dockerfile_line(analysis.layers[index])
    return f"layer {index + 1}" + (f" (line {line})" if line is not None else "")


def waste_verb(analysis: "ImageAnalysis", wasted: "WastedFile") -> str:
    """How the file's bytes were hidden: the path is gone, or something else is there now."""
    if wasted.hidden_by == wasted.layer:
        return "rewritten in"
    return "overwritten by" if analysis.merged.lookup(wasted.path) is not None else "deleted by"


def directory_tree(directories: list[tuple[str, int]]) -> list[tuple[int, str, int]]:
    """The listed directories as a tree: (depth, name, bytes), a directory under the nearest
    listed ancestor and named relative to it, so no path prefix is printed twice."""
    listed = {path for path, _ in directories}
    children: dict[str, list[tuple[str, int]]] = {}
    for path, size in directories:
        ancestor = path.rpartition("/")[0]
        while ancestor and ancestor not in listed:
            ancestor = ancestor.rpartition("/")[0]
        children.setdefault(ancestor, []).append((path, size))
    rows: list[tuple[int, str, int]] = []

    def visit(parent: str, depth: int) -> None:
        for path, size in sorted(children.get(parent, ()), key=lambda ps: (-ps[1], ps[0])):
            rows.append((depth, path[len(parent) + 1:] if parent else path, size))
            visit(path, depth + 1)

    visit("", 0)
    return rows


def render_layer_changes(analysis: "ImageAnalysis", index: int) -> str:
    """What layer ``index`` (0-based) put in its tar, entry by entry as ``tar -tvf`` lists it:
    ``+`` added, ``~`` changed (replaced, or a directory's owner or mode), ``-`` removed
    (whiteouts; an opaque directory removes everything earlier layers had below it), and
    ``=`` a directory carried along unchanged."""
    from dockwise.image.tarscan import OPAQUE, WHITEOUT

    layer = analysis.layers[index]
    stats = layer.stats
    lines = [f"layer {index + 1}: {_clip(printable(layer_step(analysis, layer)), 90)}",
             f"  {stats.added} added, {stats.changed} changed, {stats.removed} removed; "
             f"{human_bytes(stats.total_bytes)} written, {human_bytes(stats.reclaimable_bytes)} of it hidden later"]
    for code, entry in analysis.layer_changes(index):
        if entry.kind == WHITEOUT:
            lines.append(f"- {'':10} {'':9} {'':>10}  {printable_path('/' + entry.path)}")
        elif entry.kind == OPAQUE:
            lines.append(f"- {'':10} {'':9} {'':>10}  {printable_path('/' + entry.path + '/')}*  "
                         "(opaque: everything earlier layers put below)")
        else:
            size = human_bytes(entry.size) if entry.kind == "f" else ""
            link = (f" link to {printable_path('/' + entry.link)}" if entry.kind == "h"
                    else f" -> {printable_path(entry.link)}" if entry.link else "")
            owner = f"{entry.uid}/{entry.gid}"
            lines.append(f"{'=' if code == ' ' else code} {_mode_string(entry):10} {owner:9} {size:>10}  "
                         f"{printable_path('/' + entry.path)}{link}")
    return "\n".join(lines) + "\n"


_KIND_CHARS = {"f": "-", "d": "d", "l": "l", "h": "h", "o": "?"}


def _mode_string(entry) -> str:
    import stat

    return _KIND_CHARS.get(entry.kind, "?") + stat.filemode(entry.mode)[1:]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_comparison(analysis: "ImageAnalysis", other: "ImageAnalysis") -> str:
    """``--compare``: the other image's figures next to this one's, and the change."""
    lines = [f"compared with {printable(other.source.name)}",
             f"  {'':12}  {'this image':>12}  {'other':>12}  {'change':>12}"]
    for label, mine, theirs in (("total", analysis.total_bytes, other.total_bytes),
                                ("final", analysis.final_bytes, other.final_bytes),
                                ("reclaimable", analysis.reclaimable_bytes, other.reclaimable_bytes),
                                ("compressed", analysis.compressed_bytes, other.compressed_bytes)):
        change = theirs - mine
        sign = "+" if change > 0 else "-" if change < 0 else ""
        lines.append(f"  {label:12}  {human_bytes(mine):>12}  {human_bytes(theirs):>12}  "
                     f"{sign + human_bytes(abs(change)):>12}")
    lines.append(f"  {'layers':12}  {len(analysis.layers):>12}  {len(other.layers):>12}")
    return "\n".join(lines) + "\n"
