"""What the cure plans: the project it reads, the transformations it makes, the fix it hands the
fix loop, and the readable plan ``--diff`` prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise._record import FrozenRecord, Record
from dockwise.findings import Edit, Finding, Fix

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.fix.cure.draft import StageDraft
    from dockwise.model import BuildModel


class Project(Record):
    """Everything a shape may read: the Dockerfile text and its model, the findings the check
    reported for it, ``read`` (a small text file of the build context by its path there, as
    the builder receives it: None when absent, ignored by .dockerignore or not text),
    ``read_project`` (the same file in the project folder even when .dockerignore keeps it
    from the builder: for facts about the project such as ``.python-version``), and
    ``versions`` given on the command line (``{"python": "3.12"}``), and ``health``, what the
    service answers when healthy (``("url", URL)`` or ``("cmd", CMD)``, None: not known, so no
    HEALTHCHECK is added). Neither reads beyond the build context."""

    __slots__ = ("text", "path", "model", "findings", "read", "read_project", "versions", "health")

    def __init__(self, text: str, path: str, model: "BuildModel", findings: Iterable[Finding],
                 read: Callable[[str], str | None] | None = None,
                 versions: dict[str, str] | None = None,
                 read_project: Callable[[str], str | None] | None = None,
                 health: tuple[str, str] | None = None) -> None:
        self.text = text
        self.path = path
        self.model = model
        self.findings = [f for f in findings if f.location.file == path]
        self.read = read if read is not None else (lambda _path: None)
        self.read_project = read_project if read_project is not None else self.read
        self.versions = dict(versions or {})
        self.health = health

    def reported(self, *codes: str) -> list[Finding]:
        """The findings of ``codes`` the check reported for this file."""
        return [f for f in self.findings if f.code in codes]


class Split(Record):
    """A shape's answer for a stage it recognises: the builder stage to add before it (None
    when nothing needs building, only the base changes), the rewritten runtime stage, the
    finding codes the split resolves, a one-line summary for the plan, and notes. ``carried``:
    patterns (``fnmatch``, image paths without the leading ``/``) of what the lines moved to
    the builder wrote that reaches the runtime in another place than it was (a virtualenv
    holds what pip installed in site-packages), for the byte prediction of ``--image``."""

    __slots__ = ("builder", "runtime", "codes", "summary", "notes", "name", "carried")

    def __init__(self, builder: "StageDraft | None", runtime: "StageDraft", codes: Iterable[str],
                 summary: str, notes: Iterable[str] = (), name: str | None = None,
                 carried: Iterable[str] = ()) -> None:
        self.builder = builder
        self.runtime = runtime
        self.codes = tuple(codes)
        self.summary = summary
        self.notes = list(notes)
        # the transformation's name in the plan (default: split-build-runtime, or runtime-base
        # without a builder)
        self.name = name
        self.carried = tuple(carried)


class Resolved(FrozenRecord):
    """A finding a transformation resolves, as the plan names it."""

    __slots__ = ("code", "line", "column", "message")

    def __init__(self, code: str, line: int | None, column: int | None, message: str) -> None:
        self._set(code=code, line=line, column=column, message=message)

    @classmethod
    def of(cls, finding: Finding) -> "Resolved":
        return cls(finding.code, finding.location.line, finding.location.column, finding.message)


class Shipped(FrozenRecord):
    """The shipped stage after a transformation, as the byte prediction of ``--image`` reads
    it: the start lines (of the text the cure was planned on) of the instructions it still
    holds, its FROM line included while it is the original; the image of its FROM when the
    cure chose it (None: unchanged); the paths it copies from a builder stage, and where else
    what the builder made comes back from (:attr:`Split.carried`); the packages the cure
    installs in it."""

    __slots__ = ("lines", "base", "artefacts", "packages", "carried")

    def __init__(self, lines: Iterable[int], base: str | None = None, artefacts: Iterable[str] = (),
                 packages: Iterable[str] = (), carried: Iterable[str] = ()) -> None:
        self._set(lines=frozenset(lines), base=base, artefacts=tuple(artefacts), packages=tuple(packages),
                  carried=tuple(carried))


class Transformation(FrozenRecord):
    """One step of the cure: its name, what it does (one line), the findings it resolves, the
    whole file after it, the text it was planned on and what its shipped stage holds after it
    (both for the prediction of the bytes it removes)."""

    __slots__ = ("name", "summary", "resolves", "text", "planned_on", "shipped")

    def __init__(self, name: str, summary: str, resolves: tuple[Resolved, ...], text: str,
                 planned_on: str = "", shipped: Shipped | None = None) -> None:
        self._set(name=name, summary=summary, resolves=tuple(resolves), text=text,
                  planned_on=planned_on, shipped=shipped)


class CureFix(Fix):
    """The cure as the fix loop sees it: an unsafe fix (whole-line edits), carrying the
    transformations that make it up (for the plan ``--diff`` prints)."""

    __slots__ = ("transformations",)

    transformations: tuple[Transformation, ...]

    def __init__(self, description: str, edits: tuple[Edit, ...], safe: bool = False,
                 transformations: tuple[Transformation, ...] = ()) -> None:
        self._set(description=description, edits=tuple(edits), safe=safe,
                  transformations=tuple(transformations))


class Cure(Record):
    """The planned cure of one file: its transformations in order, the final text, and notes
    (what was left alone, and why)."""

    __slots__ = ("original", "transformations", "notes")

    def __init__(self, original: str, transformations: list[Transformation], notes: list[str]) -> None:
        self.original = original
        self.transformations = transformations
        self.notes = notes

    @property
    def text(self) -> str:
        return self.transformations[-1].text if self.transformations else self.original

    def codes(self) -> set[str]:
        return {r.code for t in self.transformations for r in t.resolves}

    def as_fix(self) -> CureFix | None:
        """The whole cure as one unsafe fix (None when it changes nothing)."""
        if self.text == self.original:
            return None
        names = ", ".join(t.name for t in self.transformations)
        return CureFix(f"restructure the build ({names})", line_edits(self.original, self.text),
                       transformations=tuple(self.transformations))


def line_edits(old: str, new: str) -> tuple[Edit, ...]:
    """The edits that turn ``old`` into ``new``, whole lines at a time. (One whole-file edit
    would overlap every other fix, so each round could apply the cure or the small fixes, never
    both; line edits leave the lines the cure keeps free for them.)"""
    from difflib import SequenceMatcher

    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return tuple(Edit(starts[i1], starts[i2], "".join(new_lines[j1:j2]))
                 for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def describe(path: str, transformations: Iterable[Transformation],
             predictions: "Sequence[Sequence[str]] | None" = None) -> str:
    """The plan as people read it: each transformation, what it does and the findings it
    resolves (printed by ``--diff`` before the unified diff); ``predictions`` are lines to
    print under each one (``--image``: the bytes it is predicted to remove)."""
    steps = list(transformations)
    if not steps:
        return ""
    out = [f"# {path}: {len(steps)} transformation{'s' if len(steps) != 1 else ''} "
           "(unsafe fixes: they change what is built)\n"]
    for number, step in enumerate(steps, 1):
        out.append(f"#  {number}. {step.name}: {step.summary}\n")
        for resolved in step.resolves:
            where = f"{resolved.line}:{resolved.column}" if resolved.line else "-"
            out.append(f"#     resolves {resolved.code} at {path}:{where} {_first_clause(resolved.message)}\n")
        if predictions is not None and number <= len(predictions):
            out.extend(f"#     {line}\n" for line in predictions[number - 1])
    return "".join(out)


def _first_clause(message: str) -> str:
    """The message up to its first ``:`` or ``;`` (what is wrong, not the whole advice)."""
    cut = min((i for i in (message.find(": "), message.find("; ")) if i > 0), default=len(message))
    text = message[:cut]
    return text if len(text) <= 110 else text[:107] + "..."
