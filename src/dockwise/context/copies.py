"""COPY/ADD sources that read from the build context, and which context paths they need."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dockwise._lazyre import lazy_compile
from dockwise._record import FrozenRecord
from dockwise.context.patterns import BadPatternError, compile_pattern, go_clean
from dockwise.model.copies import all_copy_sources

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.scan import ContextScan
    from dockwise.model import BuildModel
    from dockwise.syntax.tree import Dockerfile, Instruction

_WILDCARD = lazy_compile(r"[*?\[]")


class ContextSource(FrozenRecord):
    __slots__ = ("instruction", "raw", "path")

    instruction: "Instruction"
    raw: str  # as written
    path: str  # cleaned, relative to the context root ("." = everything)

    def __init__(self, instruction: "Instruction", raw: str, path: str) -> None:
        self._set(instruction=instruction, raw=raw, path=path)

    @property
    def is_everything(self) -> bool:
        return self.path == "."

    @property
    def has_wildcard(self) -> bool:
        return bool(_WILDCARD.search(self.path))


def context_sources(dockerfile: "Dockerfile | None", model: "BuildModel | None" = None) -> list[ContextSource]:
    """Sources of every COPY/ADD (ONBUILD ones too) that come from the context, expanded with
    the ARGs/ENVs in scope (the build model's answer); a source that still depends on an
    unknown variable cannot be matched against the context and is left out."""
    if dockerfile is None:
        return []
    if model is None:
        from dockwise.model import build_model

        model = build_model(dockerfile)
    found: list[ContextSource] = []
    for source in all_copy_sources(model):
        if not source.from_context or not source.known:
            continue
        text = source.text
        path = go_clean(text.lstrip("/")) if text.strip("/") else "."
        found.append(ContextSource(source.instruction, source.raw, path))
    return found


def source_regex(source: ContextSource):
    """A compiled pattern matching what ``source`` names (``filepath.Match`` per path)."""
    try:
        return compile_pattern(source.path.replace("**", "*"))
    except BadPatternError:
        return None


def needs(source: ContextSource, path: str) -> bool:
    """Does ``source`` copy ``path`` (the path itself or something under a named directory)?"""
    if source.is_everything:
        return True
    if not source.has_wildcard:
        return path == source.path or path.startswith(source.path + "/")
    pattern = source_regex(source)
    if pattern is None:
        return False
    parts = path.split("/")
    return any(pattern.match("/".join(parts[:i])) for i in range(1, len(parts) + 1))


def sent_under(scan: "ContextScan", source: ContextSource) -> bool:
    """Does anything ``source`` names reach the builder?"""
    if not source.has_wildcard:
        if source.path in scan.sent_dirs or scan.is_sent(source.path):
            return True
        prefix = source.path + "/"
        return any(f.startswith(prefix) for f in scan.files)
    pattern = source_regex(source)
    if pattern is None:
        return True
    depth = source.path.count("/") + 1
    candidates = [*scan.files, *scan.sent_dirs]
    return any(pattern.match("/".join(p.split("/")[:depth])) for p in candidates if p.count("/") + 1 >= depth)


def existing_matches(scan: "ContextScan", source: ContextSource) -> list[str]:
    """Paths in the context (sent or not) that ``source`` names directly."""
    if not source.has_wildcard:
        return [source.path] if os.path.lexists(os.path.join(scan.root, source.path)) else []
    everything = [*scan.files, *scan.dirs, *scan.excluded, *scan.pruned]
    pattern = source_regex(source)
    if pattern is None:
        return []
    return sorted({p for p in everything if pattern.match(p)})


def named_by_copy(sources: list[ContextSource], directory: str) -> ContextSource | None:
    """The first source (``COPY .`` aside) that copies ``directory`` or something inside it."""
    prefix = directory + "/"
    for source in sources:
        if source.is_everything:
            continue
        if source.path == directory or source.path.startswith(prefix) or needs(source, directory):
            return source
    return None
