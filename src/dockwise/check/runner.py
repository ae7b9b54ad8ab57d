"""Checking many files, in a process pool when there are enough of them to pay for it."""

from __future__ import annotations

import os
from collections.abc import Sequence

from dockwise.check.engine import CheckOptions, Engine, FileReport

PARALLEL_THRESHOLD = 8  # fewer files than this: one process (a pool costs ~50 ms to start)

_worker_engine: Engine | None = None


def default_jobs(file_count: int) -> int:
    if file_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, os.cpu_count() or 1)


def _init_worker(rules: tuple[type, ...] | None, options: CheckOptions) -> None:
    global _worker_engine
    _worker_engine = Engine(rules, options)


def _check_in_worker(path: str) -> FileReport:
    assert _worker_engine is not None
    return _worker_engine.check_path(path)


def check_paths(paths: Sequence[str], options: CheckOptions, *, jobs: int | None = None,
                rules: Sequence[type] | None = None) -> list[FileReport]:
    """Check every path (in order); ``jobs=None`` picks a sensible number of processes."""
    if jobs is None:
        jobs = default_jobs(len(paths))
    jobs = max(1, min(jobs, len(paths)))
    rule_tuple = tuple(rules) if rules is not None else None
    if jobs == 1 or "-" in paths:
        engine = Engine(rule_tuple, options)
        return [engine.check_path(p) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    chunksize = max(1, min(64, len(paths) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(rule_tuple, options)) as pool:
        return list(pool.map(_check_in_worker, paths, chunksize=chunksize))
