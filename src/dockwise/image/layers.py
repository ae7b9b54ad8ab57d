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


def scan_layer(ref: LayerRef, limits: ScanLimits = ScanLimits(),
               on_read: Callable[[int], None] | None = None) -> LayerScan:
    """Read one layer: every tar entry, digests verified. Raises ImageError naming the layer.
    ``on_read`` is told the size of every chunk of the blob read (for progress)."""
    stream = LayerStream(ref.location, ref.label, bomb_ratio=limits.bomb_ratio,
                         bomb_floor=limits.bomb_floor, on_read=on_read, media_type=ref.media_type)
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


# Bytes read by all workers, shared with the parent for the progress bar (set per worker).
_bytes_read = None


def _init_worker(counter) -> None:
    global _bytes_read
    _bytes_read = counter


def _count(n: int) -> None:
    with _bytes_read.get_lock():
        _bytes_read.value += n


def _worker(ref: LayerRef, limits: ScanLimits) -> LayerScan:
    return scan_layer(ref, limits, _count if _bytes_read is not None else None)


def scan_layers(refs: list[LayerRef], *, jobs: int | None = None, limits: ScanLimits = ScanLimits(),
                progress: Callable[[LayerScan], None] | None = None,
                on_bytes: Callable[[int], None] | None = None) -> list[LayerScan]:
    """Scan all layers; results in image order. ``progress`` is called as each layer finishes
    (in any order), ``on_bytes`` now and then with the blob bytes read so far in all."""
    total = sum(r.location.length for r in refs)
    workers = min(jobs or os.cpu_count() or 1, len(refs))
    if workers <= 1 or (jobs is None and total < PARALLEL_THRESHOLD):
        return _scan_serial(refs, limits, progress, on_bytes)
    return _scan_parallel(refs, workers, limits, progress, on_bytes)


def _scan_serial(refs: list[LayerRef], limits: ScanLimits, progress: Callable[[LayerScan], None] | None,
                 on_bytes: Callable[[int], None] | None) -> list[LayerScan]:
    read = [0]

    def count(n: int) -> None:
        read[0] += n
        if on_bytes is not None:
            on_bytes(read[0])

    results = []
    for ref in refs:
        results.append(scan_layer(ref, limits, count if on_bytes else None))
        if progress:
            progress(results[-1])
    return results


def _scan_parallel(refs: list[LayerRef], workers: int, limits: ScanLimits,
                   progress: Callable[[LayerScan], None] | None,
                   on_bytes: Callable[[int], None] | None) -> list[LayerScan]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    by_size = sorted(refs, key=lambda r: r.location.length, reverse=True)
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0) if on_bytes else None
    results: dict[int, LayerScan] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(counter,)) as pool:
        pending = {pool.submit(_worker, ref, limits) for ref in by_size}
        try:
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if counter is not None:
                    on_bytes(counter.value)
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
