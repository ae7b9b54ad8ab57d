"""The human-readable part of ``dockwise context``: what is sent and where the bytes are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise.context.analyze import human_bytes, largest, plural
from dockwise.context.check import printable, quote_path as q

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextTarget


def render_summary(target: "ContextTarget", top: int = 5) -> str:
    scan = target.scan
    lines = []
    ignore = target.ignore.path if target.ignore else "none"
    lines.append(f"build context {q(target.context_dir)} (.dockerignore: {q(ignore)})")
    lines.append(f"  sent: {plural(len(scan.files), 'file')}, {human_bytes(scan.total_bytes)}")
    excluded_bytes = sum(scan.excluded_sizes)
    if scan.excluded or scan.pruned:
        parts = []
        if scan.excluded:
            parts.append(f"{plural(len(scan.excluded), 'file')} ({human_bytes(excluded_bytes)})")
        if scan.pruned:
            parts.append(f"{plural(len(scan.pruned), 'directory')} as a whole, not walked".replace("directorys", "directories"))
        lines.append("  excluded: " + " + ".join(parts))
    top_level = {k: v for k, v in target.totals.items() if "/" not in k}
    if top_level:
        lines.append("  largest directories:")
        lines.extend(f"    {human_bytes(size):>10}  {q(path)}/" for path, size in largest(top_level, top))
    if scan.files:
        lines.append("  largest files:")
        pairs = list(zip(scan.files, scan.sizes))
        lines.extend(f"    {human_bytes(size):>10}  {q(path)}" for path, size in largest(pairs, top))
    if target.heavy_dirs:
        lines.append("  heavy directories sent:")
        lines.extend(f"    {human_bytes(h.sent_bytes):>10}  {q(h.path)}/  ({h.why})" for h in target.heavy_dirs)
    if target.secrets:
        lines.append("  secrets sent (values not shown):")
        lines.extend(f"    {q(s.path)}: {s.what}" for s in target.secrets)
    if target.large_files:
        lines.append("  large logs/archives/data sent:")
        lines.extend(f"    {human_bytes(f.size):>10}  {q(f.path)} ({f.kind})" for f in target.large_files)
    return printable("\n".join(lines) + "\n\n", keep_newlines=True)
