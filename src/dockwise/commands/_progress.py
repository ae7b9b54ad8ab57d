"""One progress bar for every long run of a command (layers read, files checked): on stderr,
only on a terminal, and only once the run has lasted a moment, so quick runs and pipes see
nothing (rich is imported then, not before)."""

from __future__ import annotations

import sys
import time

#: A bar appears only when the work is still going after this long.
SHOW_AFTER_SECONDS = 0.4


class Progress:
    """``update(done, total)`` as work completes; ``unit`` is ``"bytes"`` or ``"files"``."""

    def __init__(self, label: str, *, enabled: bool = True, unit: str = "files",
                 show_after: float | None = None) -> None:
        self.label = label
        self.unit = unit
        self.enabled = enabled and sys.stderr.isatty()
        self.show_after = SHOW_AFTER_SECONDS if show_after is None else show_after
        self.started = time.monotonic()
        self._bar = None
        self._task = None

    def __enter__(self) -> "Progress":
        return self

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if self.show_after and (done >= total or time.monotonic() - self.started < self.show_after):
                return  # finished, or not yet long enough to be worth a bar
            self._start(total)
        self._bar.update(self._task, completed=done, total=total)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress as Bar, TextColumn

        count = DownloadColumn() if self.unit == "bytes" else MofNCompleteColumn()
        self._bar = Bar(TextColumn(self.label), BarColumn(), count, console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
