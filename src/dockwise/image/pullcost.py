"""What a scale-out from zero costs in pulls: every new node downloads the image's compressed
layers (a registry serves blobs as stored), unless it already has some of them.

The figures are the compressed sizes of the layer blobs (what crosses the network) divided
by the bandwidth of one node's link; a node that has the base image cached skips the base
layers: those of the image named with ``--cached`` (matched by their uncompressed digest,
whatever their compression), else those ``--dockerfile`` tells came with its FROM. Decompression and extraction come on top; they are not network cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.image.analyze import ImageAnalysis


@dataclass(frozen=True)
class PullCost:
    replicas: int
    bandwidth: float  # bytes per second, of one node's link
    layer_bytes: list[int]  # compressed size of each layer, bottom first
    base_layers: list[int]  # 0-based indexes of the layers that came with the base image
    base_known: bool  # whether the base layers are known (a Dockerfile tied them)

    @property
    def node_bytes(self) -> int:
        return sum(self.layer_bytes)

    @property
    def total_bytes(self) -> int:
        return self.replicas * self.node_bytes

    @property
    def node_seconds(self) -> float:
        return self.node_bytes / self.bandwidth

    @property
    def shared_link_seconds(self) -> float:
        """When every node pulls through one link of that bandwidth (the registry's, a NAT)."""
        return self.total_bytes / self.bandwidth

    @property
    def cached_base_bytes(self) -> int:
        """What a node with the base image cached still downloads."""
        skipped = set(self.base_layers)
        return sum(size for i, size in enumerate(self.layer_bytes) if i not in skipped)

    @property
    def cached_base_seconds(self) -> float:
        return self.cached_base_bytes / self.bandwidth


def pull_cost(analysis: "ImageAnalysis", replicas: int, bandwidth: float,
              cached_diff_ids: frozenset[str] | None = None) -> PullCost:
    """``cached_diff_ids``: the layers (uncompressed digests) of an image the nodes already
    have (``--cached IMAGE``); without it, the base layers ``--dockerfile`` tells."""
    sizes = [layer.compressed_bytes for layer in analysis.layers]
    if cached_diff_ids is not None:
        cached = [layer.index for layer in analysis.layers if layer.diff_id in cached_diff_ids]
        return PullCost(replicas, bandwidth, sizes, cached, True)
    base = [layer.index for layer in analysis.layers if layer.base]
    return PullCost(replicas, bandwidth, sizes, base, analysis.base_from is not None and bool(analysis.chain))
