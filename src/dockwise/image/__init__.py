"""``dockwise image``: read a built image without a daemon, measure its waste exactly, and tie
its bytes to the Dockerfile lines that put them there.

    from dockwise.image import analyze
    analysis = analyze("app.tar", dockerfile="Dockerfile")
    analysis.total_bytes, analysis.final_bytes, analysis.efficiency

(the image rules run through :func:`dockwise.engine.image.check_image`).

Modules: :mod:`.source` (docker-archive / OCI layout / OCI archive), :mod:`.blob` and
:mod:`.tarscan` (verified, bounded streaming of layer tars), :mod:`.layers` (parallel scan),
:mod:`.merge` (the final filesystem and byte accounting), :mod:`.align` (history and
Dockerfile lines), :mod:`.gates` (CI gates, ``.dive-ci``), ``rules`` (``DI``); the summary and
JSON document are rendered by :mod:`dockwise.report.image`.
"""

from __future__ import annotations


def analyze(*args, **kwargs):
    from dockwise.image.analyze import analyze as _analyze

    return _analyze(*args, **kwargs)

