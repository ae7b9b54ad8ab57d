"""Checking many files, in a process pool when there are enough of them to pay for it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise.engine.dockerfile import STDIN, CheckOptions, Engine, FileReport

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextReader

PARALLEL_THRESHOLD = 8  # fewer files than this: one process (a pool costs ~50 ms to start)

_worker_engine: Engine | None = None


def default_jobs(file_count: int) -> int:
    if file_count < PARALLEL_THRESHOLD:
        return 1
    return max(1, os.cpu_count() or 1)


def _init_worker(rules: tuple[type, ...] | None, options: CheckOptions,
                 contexts: "ContextReader | None") -> None:
    global _worker_engine
    _worker_engine = Engine(rules, options, contexts=contexts)


def _check_in_worker(path: str) -> FileReport:
    assert _worker_engine is not None
    return _worker_engine.check_path(path)


def check_paths(paths: Sequence[str], options: CheckOptions, *, jobs: int | None = None,
                rules: Sequence[type] | None = None,
                progress: Callable[[int, int], None] | None = None) -> list[FileReport]:
    """Check every path (in order); ``jobs=None`` picks a sensible number of processes.
    ``progress(done, total)`` is called as each file is checked."""
    if jobs is None:
        jobs = default_jobs(len(paths))
    jobs = max(1, min(jobs, len(paths)))
    rule_tuple = tuple(rules) if rules is not None else None
    contexts = None
    if jobs > 1 and STDIN not in paths:
        contexts = _shared_contexts(paths, options)
        reports = _in_pool(paths, options, jobs, rule_tuple, contexts, progress)
        if reports is not None:
            return reports
    engine = Engine(rule_tuple, options, contexts=contexts)
    return _counted((engine.check_path(p) for p in paths), len(paths), progress)


def _counted(reports: Iterable[FileReport], total: int,
             progress: Callable[[int, int], None] | None) -> list[FileReport]:
    done = []
    for report in reports:
        done.append(report)
        if progress is not None:
            progress(len(done), total)
    return done


def _shared_contexts(paths: Sequence[str], options: CheckOptions) -> "ContextReader | None":
    """The build contexts of ``paths``, read here once so that no worker reads one again (600
    Dockerfiles in one folder share one walk of it, not one per worker)."""
    if not options.context:
        return None
    from dockwise.context.check import ContextReader
    from dockwise.engine.context import context_rules

    if not any(options.selection.enabled(r.info.code) for r in context_rules()):
        return None
    return ContextReader(context_dir=options.context_dir).preload(paths)


def _in_pool(paths: Sequence[str], options: CheckOptions, jobs: int, rules: tuple[type, ...] | None,
             contexts: "ContextReader | None",
             progress: Callable[[int, int], None] | None = None) -> list[FileReport] | None:
    """The reports from a process pool, or None where processes cannot be started (no
    /dev/shm, a sandbox without fork): the caller then checks in this process."""
    from concurrent.futures import ProcessPoolExecutor

    chunksize = max(1, min(64, len(paths) // (jobs * 8)))
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                   initargs=(rules, options, contexts))
    except (OSError, ImportError, NotImplementedError):
        return None
    with pool:
        return _counted(pool.map(_check_in_worker, paths, chunksize=chunksize), len(paths), progress)
