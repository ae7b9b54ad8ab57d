"""Scanning every layer of an image, in parallel worker processes.

Decompression and tar parsing are CPU-bound and tar parsing holds the GIL, so layers are
read by a pool of processes (one per core, largest layer first); each worker opens its blob
by location, so only the small per-layer entry list travels back. Small images are read in
the calling process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from dockwise.errors import ImageError
from dockwise.image.blob import BOMB_FLOOR, BOMB_RATIO, LayerStream
from dockwise.image.source import LayerRef
from dockwise.image.tarscan import Entry, iter_entries

#: Below this many compressed bytes in all, layers are read in-process.
PARALLEL_THRESHOLD = 48 << 20


@dataclass
class LayerScan:
    index: int
    digest: str  # sha256 of the blob as stored
    diff_id: str  # sha256 of the uncompressed tar
    compression: str  # "gzip", "zstd", "none"
    compressed_bytes: int
    tar_bytes: int  # size of the uncompressed tar stream
    entries: list[Entry]


@dataclass(frozen=True)
class ScanLimits:
    bomb_ratio: int = BOMB_RATIO
    bomb_floor: int = BOMB_FLOOR


def scan_layer(ref: LayerRef, limits: ScanLimits = ScanLimits()) -> LayerScan:
    """Read one layer: every tar entry, digests verified. Raises ImageError naming the layer."""
    stream = LayerStream(ref.location, ref.label, bomb_ratio=limits.bomb_ratio,
                         bomb_floor=limits.bomb_floor)
    try:
        entries = list(iter_entries(stream))
        stream.finish()
    finally:
        stream.close()
    if ref.digest and stream.digest != ref.digest:
        raise ImageError(f"{ref.label}: blob content does not match its digest "
                         f"(sha256 is {stream.digest})")
    if ref.diff_id and stream.diff_id != ref.diff_id:
        raise ImageError(f"{ref.label}: uncompressed content does not match the config's diff_id "
                         f"{ref.diff_id} (sha256 is {stream.diff_id})")
    return LayerScan(ref.index, stream.digest, stream.diff_id, stream.compression,
                     ref.location.length, stream.plain_size, entries)


def _worker(ref: LayerRef, limits: ScanLimits) -> LayerScan:
    return scan_layer(ref, limits)


def scan_layers(refs: list[LayerRef], *, jobs: int | None = None, limits: ScanLimits = ScanLimits(),
                progress: Callable[[LayerScan], None] | None = None) -> list[LayerScan]:
    """Scan all layers; results in image order. ``progress`` is called as each one finishes."""
    total = sum(r.location.length for r in refs)
    workers = min(jobs or os.cpu_count() or 1, len(refs))
    if workers <= 1 or (jobs is None and total < PARALLEL_THRESHOLD):
        results = []
        for ref in refs:
            results.append(scan_layer(ref, limits))
            if progress:
                progress(results[-1])
        return results
    return _scan_parallel(refs, workers, limits, progress)


def _scan_parallel(refs: list[LayerRef], workers: int, limits: ScanLimits,
                   progress: Callable[[LayerScan], None] | None) -> list[LayerScan]:
    import multiprocessing
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

    by_size = sorted(refs, key=lambda r: r.location.length, reverse=True)
    context = multiprocessing.get_context("fork")
    results: dict[int, LayerScan] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {pool.submit(_worker, ref, limits) for ref in by_size}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                for future in done:
                    scan = future.result()
                    results[scan.index] = scan
                    if progress:
                        progress(scan)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return [results[r.index] for r in refs]
