"""The HEALTHCHECK the cure adds -- only when the user said what "healthy" is
(``--health-url`` or ``--health-cmd``): a probe invented from a port number would mark a
working service unhealthy, or a broken one healthy.

A URL is fetched with a program the runtime image already has (its Python or Node, or
busybox's wget on Alpine), so the probe adds no package; an image with none of them gets a
note asking for ``--health-cmd`` instead of a curl install.
"""

from __future__ import annotations

import shlex

from dockwise.fix.cure.draft import Line, StageDraft
from dockwise.fix.cure.runtime import json_array

# The probes exit 0 on an answer below 400 and non-zero on an error, a refusal or a timeout.
_PYTHON_PROBE = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)"
_NODE_PROBE = ("const u = process.argv[1]; require(u.startsWith('https:') ? 'https' : 'http')"
               ".get(u, {timeout: 5000}, r => process.exit(r.statusCode < 400 ? 0 : 1))"
               ".on('timeout', () => process.exit(1)).on('error', () => process.exit(1))")


def probe_words(health: tuple[str, str], image: str | None, family: str | None) -> list[str] | str:
    """The HEALTHCHECK's exec-form words for ``health`` in a stage on ``image`` (its base image
    reference; None: not known) whose package manager is ``family``; a ``str`` says why there
    is none."""
    kind, value = health
    if kind == "cmd":
        return shlex.split(value)
    name = (image or "").lower().rpartition("@")[0 if "@" in (image or "") else 2].partition(":")[0]
    name = name.rsplit("/", 1)[-1]
    if name.startswith(("python", "pypy")):
        return ["python", "-c", _PYTHON_PROBE, value]
    if name == "node":
        return ["node", "-e", _NODE_PROBE, value]
    if family == "apk":  # busybox's wget
        return ["wget", "-q", "-O", "/dev/null", value]
    where = f"`{image}`" if image else "the runtime image"
    return (f"no HEALTHCHECK added: {where} has no program known to fetch {value} with (Python, Node "
            "or busybox's wget); give the probe as --health-cmd")


def add_healthcheck(stage: StageDraft, words: list[str]) -> str:
    """``HEALTHCHECK CMD [...]`` before the stage's final CMD/ENTRYPOINT; the summary."""
    tail = [i for i, line in enumerate(stage.lines) if line.keyword in ("CMD", "ENTRYPOINT")]
    at = tail[0] if tail else len(stage.lines)
    while tail and any(line.keyword not in ("CMD", "ENTRYPOINT") for line in stage.lines[at:]):
        tail.pop(0)
        at = tail[0] if tail else len(stage.lines)
    stage.lines.insert(at, Line.new(f"HEALTHCHECK CMD {json_array(words)}\n", role="healthcheck"))
    return f"HEALTHCHECK runs `{shlex.join(words)}`"
