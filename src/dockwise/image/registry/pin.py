"""What ``dockwise pin`` does to one Dockerfile: every FROM that names an image, ARG-expanded,
resolved to the digest its tag points to now, and the edit that writes ``name:tag@sha256:…``.

The digest is the one the registry answers for the tag with every manifest type accepted: an
index (manifest list) keeps its own digest, so every platform stays pinned. A FROM of an
earlier stage, ``scratch``, a reference built from ARGs without a value, and one the registry
cannot resolve are left alone with a note. A FROM whose image is exactly one global ARG
(``FROM ${BASE}``) is pinned in that ARG's default; a reference assembled from several parts
(``python:${PY}-slim``) is left alone, since a digest there would silently override a changed ARG.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dockwise.errors import DockwiseError
from dockwise.findings import Edit
from dockwise.model.imageref import parse_image_ref
from dockwise.model.words import assignments, instruction_words

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.image.registry.remote import Resolved
    from dockwise.model.build import BuildModel, Stage
    from dockwise.syntax.tree import Instruction

PIN, UPDATE, CHECK = "pin", "update", "check"


@dataclass(frozen=True)
class PinStep:
    line: int
    written: str  # the image word of the FROM as written
    status: str  # pinned, updated, current, moved, kept, unpinned, skipped, unresolved
    message: str
    edit: Edit | None = None

    @property
    def problem(self) -> bool:
        """A pinned digest that is no longer what its tag points to (``--check`` fails)."""
        return self.status == "moved"


def plan_pins(model: "BuildModel", resolve: Callable[[str], "Resolved"], mode: str = PIN) -> list[PinStep]:
    """One step per FROM, in file order."""
    steps = []
    for stage in model.stages:
        steps.append(_step(model, stage, resolve, mode))
    return steps


def _step(model: "BuildModel", stage: "Stage", resolve: Callable[[str], "Resolved"], mode: str) -> PinStep:
    instr = stage.from_instruction
    words = instruction_words(instr, model.dockerfile.escape or "\\")
    word = next((w for w in words if not w.raw.startswith("--")), None)
    if word is None:
        return PinStep(instr.line, "", "skipped", "FROM names no image: left alone")
    written, line = word.raw, instr.line
    why_not = _not_pinnable(stage, written)
    if why_not:
        return PinStep(line, written, "skipped", why_not)
    text = stage.base.text
    ref = parse_image_ref(text)
    if ref is None:
        return PinStep(line, written, "skipped", f"`{text}` is not a valid image reference: left alone")
    target = _edit_target(model, instr, word, written, text)
    if isinstance(target, str):
        return PinStep(line, written, "skipped", target)
    if ref.digest is not None and ref.tag is None:
        return PinStep(line, written, "kept", f"`{text}` is pinned by digest without a tag: nothing to follow")
    if ref.digest is not None and mode == PIN:
        return PinStep(line, written, "kept", f"`{text}` is already pinned (--update refreshes, --check verifies)")
    try:
        found = resolve(text)
    except DockwiseError as exc:
        return PinStep(line, written, "unresolved", f"`{text}` cannot be resolved: {exc.message}: left alone")
    return _compared(line, written, ref, found, target, mode)


def _not_pinnable(stage: "Stage", written: str) -> str | None:
    """Why a FROM names no image the registry can be asked about (None: it does)."""
    if stage.is_scratch:
        return "scratch is no image: nothing to pin"
    if stage.base_stage is not None:
        return f"`{written}` is the stage `{stage.base_stage.label}`: pinned through that stage's FROM"
    if not stage.base.known:
        names = ", ".join(stage.base.unknown)
        return f"`{written}` depends on {names} with no value (give a default or --build-arg): left alone"
    return None


def _compared(line: int, written: str, ref, found: "Resolved", target, mode: str) -> PinStep:
    """The step for a reference the registry resolved: pin it, or compare its pinned digest."""
    text, tag = ref.raw, ref.effective_tag
    named = _without_digest(text) if ref.tag is not None else f"{_without_digest(text)}:{tag}"
    what = f"an index of {len(found.platforms)} platforms" if found.platforms else "one manifest"
    new = f"{named}@{found.digest}"
    if ref.digest is None:
        if mode == CHECK:
            return PinStep(line, written, "unpinned", f"`{text}` is not pinned; the tag points to {found.digest} "
                                                      f"({what}): `dockwise pin` writes it")
        return PinStep(line, written, "pinned", f"`{text}` -> `{new}` ({what})", target(new))
    if found.digest == ref.digest or ref.digest in found.children:
        return PinStep(line, written, "current", f"`{text}`: {tag} still points to this digest")
    if mode == CHECK:
        return PinStep(line, written, "moved", f"`{text}`: the tag {tag} now points to {found.digest}, not the "
                                               "pinned digest (re-pushed since it was pinned); `dockwise pin "
                                               "--update` refreshes it after a review")
    return PinStep(line, written, "updated", f"`{text}` -> `{new}` (the tag moved; {what})", target(new))


def _without_digest(text: str) -> str:
    return text.split("@", 1)[0]


def _edit_target(model: "BuildModel", instr: "Instruction", word, written: str, text: str):
    """A function from the new reference to the edit that writes it, or why there is none."""
    if "$" not in written:
        if word.value != written:
            return f"`{written}` is quoted or escaped: left alone"
        span = instr.span_of(word.start, word.end)
        return lambda new: Edit(span.start.offset, span.end.offset, new)
    name = _single_variable(written)
    if name is None:
        return (f"`{written}` is assembled from ARGs (resolves to `{text}`); a digest there would override a "
                "changed ARG: pin the ARG values where they are set")
    for arg in model.dockerfile.instructions:
        if arg.keyword == "FROM":
            break
        if arg.keyword != "ARG":
            continue
        for assignment in assignments(arg, model.dockerfile.escape or "\\"):
            if assignment.name_text == name and assignment.value == text:
                raw = arg.body[assignment.value_start:assignment.value_end]
                quote = raw[0] if raw[:1] in ("'", '"') and raw.endswith(raw[0]) and len(raw) > 1 else ""
                span = arg.span_of(assignment.value_start, assignment.value_end)
                return lambda new: Edit(span.start.offset, span.end.offset, f"{quote}{new}{quote}")
    return f"`{written}` takes its value `{text}` from --build-arg or another ARG: pin it where it is set"


def _single_variable(word: str) -> str | None:
    """``NAME`` for a word that is exactly ``$NAME`` or ``${NAME}``."""
    import re

    match = re.fullmatch(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))", word)
    return (match.group(1) or match.group(2)) if match else None
