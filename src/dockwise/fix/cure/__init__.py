"""The cure: fixes that restructure a build (``dockwise check --fix --unsafe-fixes``).

Small fixes edit a word; the cure rewrites the shipped stage the way an expert would, in
named *transformations*, each attached to the findings it resolves:

1. **split** (a *shape*, per language): build tools and the dependency install move into a
   builder stage on the full base; a runtime stage on the slim base of the same version
   copies only the artefacts (``runtime-base`` when nothing needs building, only the base
   changes);
2. **non-root**: a user and group with numeric IDs, ``USER 10001:10001`` after the last
   instruction that needs root; root-needing RUNs found after a USER move before it;
3. **pid1**: exec-form CMD/ENTRYPOINT, and tini as PID 1 when an init is not already.

A transformation is made only when the check reported a finding it resolves (so ``--ignore``
keeps it off), and a shape that does not recognise what it sees leaves the file alone with a
note saying why. The result is one unsafe :class:`~.plan.CureFix` (whole-line edits, so the
small fixes of the lines it keeps apply in the same round) that the engine attaches to the
first finding it resolves; the fix loop applies it like any other fix,
re-checks, and plans again on the new text -- where a cured file has nothing left to cure.

Adding a shape (a language recipe)
----------------------------------
Write ``shapes/<language>.py`` with a class that has a ``name`` and one method::

    class NodeShape:
        name = "node"

        def plan(self, project: Project, stage: StageDraft) -> Split | str | None:
            ...

``stage`` is the draft of the shipped stage (:mod:`.draft`: its ``from_line`` and ``lines``,
each line keeping the model's ``origin`` instruction); ``project`` holds the model, the
findings, the build context's small files as the builder receives them
(``project.read("package.json")``), the project folder's (``project.read_project(".nvmrc")``,
for facts about the project that .dockerignore may keep from the builder) and versions given
on the command line (``project.versions``, from ``--<language>-version``: add the language to
``RUNTIME_VERSION_FLAGS`` in ``commands/check.py``). Return ``None`` when the stage is not this
language, a ``str`` (the note) when it is but the shape is one you cannot restructure safely,
or a :class:`~.plan.Split`: the builder :class:`~.draft.StageDraft` (None if nothing needs
building), the rewritten runtime stage (keep the lines you do not move, with their origins),
the finding codes the split resolves, a one-line summary. Use
:func:`.runtime.package_family` and :func:`.runtime.add_packages` for the runtime libraries
the artefacts need, and :func:`.runtime.needs_full_image` before moving RUNs to a slim base;
the user and PID 1 are added for you afterwards (tini in front of the ENTRYPOINT the stage
sets or inherits, ``knowledge/base_images.py``). Then add the class to
``SHAPES`` in :mod:`.shapes` and golden tests in ``tests/test_cure_<language>.py``. The
rules: the result must build with BuildKit and with buildah 1.28 (no heredocs, no ``COPY
--link``), parse with dockwise and BuildKit's parser, change nothing on a second run, and
bring no new warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise.fix.cure.plan import Cure, CureFix, Project, Split, Transformation, describe  # noqa: F401

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.findings import Finding
    from dockwise.fix.cure.draft import Draft, StageDraft
    from dockwise.fix.cure.plan import Shipped

NON_ROOT_CODES = ("DW501", "DL3002", "DW502", "DW503")
PID1_CODES = ("DL3025", "DW602")
HEALTH_CODES = ("DW901", "DL3057")
SYNTAX_DIRECTIVE = "# syntax=docker/dockerfile:1\n"


def plan_cure(project: Project) -> Cure:
    """The transformations that cure ``project``'s shipped stage (none when it needs none)."""
    from dockwise.fix.cure.draft import draft_of

    model = project.model
    notes: list[str] = []
    steps: list[Transformation] = []
    if not model.stages or model.final_stage is None:
        return Cure(project.text, steps, notes)
    if model.final_stage is not model.stages[-1]:
        notes.append(f"{project.path}: note: not restructured: the stage built (`{model.final_stage.label}`) "
                     "is not the last one")
        return Cure(project.text, steps, notes)
    draft = draft_of(project.text, model)
    _split(project, draft, steps, notes)
    family = _family(project, draft.final)
    _non_root(project, draft, family, steps, notes)
    _pid1(project, draft, family, steps, notes)
    _healthcheck(project, draft, family, steps, notes)
    return Cure(project.text, steps, notes)


def _split(project: Project, draft: "Draft", steps: list[Transformation], notes: list[str]) -> None:
    from dockwise.fix.cure.shapes import SHAPES

    for shape in SHAPES:
        answer = shape.plan(project, draft.final)
        if answer is None:
            continue
        if isinstance(answer, str):
            notes.append(f"{project.path}: note: no builder stage ({shape.name}): {answer}")
            return
        resolves = _in_stage(project.reported(*answer.codes), draft.final)  # the stage before the split
        if not resolves:
            return
        if answer.builder is not None:
            draft.stages.insert(len(draft.stages) - 1, answer.builder)
        draft.stages[-1] = answer.runtime
        notes.extend(f"{project.path}: note: {note}" for note in answer.notes)
        name = answer.name or ("split-build-runtime" if answer.builder is not None else "runtime-base")
        steps.append(_step(name, answer.summary, resolves, draft, project, answer.carried))
        return


def _non_root(project: Project, draft: "Draft", family: str | None,
              steps: list[Transformation], notes: list[str]) -> None:
    from dockwise.fix.cure.runtime import make_non_root

    resolves = _in_stage(project.reported(*NON_ROOT_CODES), draft.final)
    if not resolves:
        return
    image = _self_managed_base(draft.final)
    if image is not None:
        notes.append(f"{project.path}: note: no USER added: `{image}` starts as root and runs its service "
                     "under its own account, a USER would break its entrypoint")
        return
    moves = [f for f in resolves if f.code == "DW503"]
    summary = make_non_root(draft.final, family, moves, numeric=any(f.code == "DW502" for f in resolves))
    if summary is not None:
        steps.append(_step("non-root", summary, resolves, draft, project))


def _pid1(project: Project, draft: "Draft", family: str | None, steps: list[Transformation],
          notes: list[str]) -> None:
    from dockwise.fix.cure.runtime import make_pid1

    resolves = _in_stage(project.reported(*PID1_CODES), draft.final, keywords=("CMD", "ENTRYPOINT"))
    if not resolves:
        return
    from dockwise.model.purpose import image_purpose

    purpose = image_purpose(project.model)
    if purpose is not None:  # `CMD "/bin/bash"`: a shell for people, not a service to signal
        notes.append(f"{project.path}: note: PID 1 left alone: {purpose[1]}")
        return
    summary, why = make_pid1(draft.final, family, _inherited_entrypoint(draft.final))
    notes.extend(f"{project.path}: note: {note}" for note in why)
    if summary is not None:
        steps.append(_step("pid1", summary, resolves, draft, project))


def _healthcheck(project: Project, draft: "Draft", family: str | None, steps: list[Transformation],
                 notes: list[str]) -> None:
    """A HEALTHCHECK from --health-url/--health-cmd, never an invented one."""
    from dockwise.fix.cure.health import add_healthcheck, probe_words

    if project.health is None or any(line.keyword == "HEALTHCHECK" for line in draft.final.lines):
        return
    resolves = _in_stage(project.reported(*HEALTH_CODES), draft.final)
    if not resolves:
        notes.append(f"{project.path}: note: no HEALTHCHECK added: no finding asks for one (the image "
                     "runs no service, or DW901 is ignored)")
        return
    words = probe_words(project.health, _runtime_image(draft.final), family)
    if isinstance(words, str):
        notes.append(f"{project.path}: note: {words}")
        return
    steps.append(_step("healthcheck", add_healthcheck(draft.final, words), resolves, draft, project))


def _in_stage(findings: list["Finding"], stage: "StageDraft",
              keywords: tuple[str, ...] | None = None) -> list["Finding"]:
    """The findings that sit in the original ``stage`` (on an instruction of ``keywords``)."""
    lines = [stage.stage.from_instruction] if stage.stage is not None and keywords is None else []
    lines += [line.origin for line in stage.lines if line.origin is not None
              and (keywords is None or line.keyword in keywords)]
    spans = [(i.span.start.line, i.span.end.line) for i in lines]
    return [f for f in findings if f.location.line is not None
            and any(a <= f.location.line <= b for a, b in spans)]


def _inherited_entrypoint(stage: "StageDraft") -> tuple[str, ...] | None:
    """The ENTRYPOINT the stage inherits from its base image (``()``: none; None: not known);
    an ENTRYPOINT of an earlier stage of the file it is built FROM counts."""
    from dockwise.knowledge.base_images import inherited_entrypoint
    from dockwise.model.stages import lineage
    from dockwise.model.words import instruction_words

    if stage.stage is None:  # a base the cure chose: the slim variant of a known image
        return ()
    chain = lineage(stage.stage)
    for ancestor in chain[1:] if chain and chain[0] is stage.stage else chain:
        set_here = [i for i in ancestor.instructions if i.keyword == "ENTRYPOINT"]
        if set_here:
            last = set_here[-1]
            return tuple(last.args) if last.json_form else None
    root = chain[-1] if chain else stage.stage
    if root.is_scratch:
        return ()
    ref = root.base_ref
    return None if ref is None else inherited_entrypoint(ref.name, ref.is_official)


def _self_managed_base(stage: "StageDraft") -> str | None:
    """The base image of the stage's lineage when it runs its service under its own account."""
    from dockwise.knowledge.base_images import manages_its_own_user
    from dockwise.model.stages import lineage

    if stage.stage is None or stage.from_line.origin is not stage.stage.from_instruction:
        return None  # a base the cure chose
    chain = lineage(stage.stage)
    ref = (chain[-1] if chain else stage.stage).base_ref
    if ref is None or not manages_its_own_user(ref.name, ref.tag):
        return None
    return ref.familiar_name


def _family(project: Project, stage: "StageDraft") -> str | None:
    """The package manager of the runtime stage's base."""
    from dockwise.fix.cure.runtime import package_family

    image = _runtime_image(stage)
    return package_family(image) if image else None


def _runtime_image(stage: "StageDraft") -> str | None:
    """The image reference the runtime stage's lineage starts from (None: scratch, or not
    known)."""
    if stage.stage is not None and stage.from_line.origin is stage.stage.from_instruction:
        from dockwise.model.stages import lineage

        root = lineage(stage.stage)[-1] if lineage(stage.stage) else stage.stage
        return None if root.is_scratch or not root.base.known else root.base.text
    words = [w for w in stage.from_line.text.split()[1:] if not w.startswith("--")]
    return words[0] if words and words[0] != "scratch" else None


def _step(name: str, summary: str, resolves: list["Finding"], draft: "Draft", project: Project,
          carried: tuple[str, ...] = ()) -> Transformation:
    from dockwise.fix.cure.plan import Resolved

    return Transformation(name, summary, tuple(Resolved.of(f) for f in resolves), _render(draft),
                          project.text, _shipped(draft.final, project, carried))


def _shipped(stage: "StageDraft", project: Project, carried: tuple[str, ...]) -> "Shipped":
    """What the shipped stage holds now, in lines of the text the cure was planned on."""
    from dockwise.fix.cure.plan import Shipped

    lines = [line.origin.line for line in stage.lines if line.origin is not None]
    original = project.model.final_stage.from_instruction
    base = _from_image(stage.from_line.text)
    if base == _from_image(project.text[original.span.start.offset:original.span.end.offset]):
        lines.append(original.line)
        base = None
    artefacts = [path for line in stage.lines if line.origin is None and line.keyword == "COPY"
                 for path in _builder_sources(line.text[line.lead:])]
    packages = [name for line in stage.lines if line.role == "packages" for name in line.data]
    return Shipped(lines, base, artefacts, packages, carried)


def _from_image(text: str) -> str | None:
    """The image a FROM line names (its first word that is not an option)."""
    words = [w for line in text.splitlines() if not line.lstrip().startswith("#")
             for w in line.replace("\\", " ").split()]
    names = [w for w in words[1:] if not w.startswith("--")]
    return names[0] if words and words[0].upper() == "FROM" and names else None


def _builder_sources(text: str) -> list[str]:
    """The sources of a ``COPY --from=STAGE SRC... DEST`` the cure wrote (none for other COPYs)."""
    words = text.replace("\\\n", " ").split()
    if not any(w.startswith("--from=") for w in words[1:]):
        return []
    args = [w for w in words[1:] if not w.startswith("--")]
    return args[:-1]


def _render(draft: "Draft") -> str:
    """The draft's text, with the syntax directive a ``RUN --mount`` needs."""
    import re

    text = draft.render()
    if "--mount=" in text and not re.match(r"(?:#[^\n]*\n|\s*\n)*#\s*syntax\s*=", text, re.IGNORECASE):
        text = SYNTAX_DIRECTIVE + text
    return text
