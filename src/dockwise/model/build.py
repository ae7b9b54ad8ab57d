"""The build model: stages, ARG/ENV scopes and the effective state at every instruction.

It follows BuildKit's semantics (``dockerfile2llb``):

* ARGs before the first FROM ("global" ARGs) and the automatic platform ARGs are visible in
  FROM lines only; a stage sees a global ARG only after re-declaring it (``ARG NAME``), and then
  takes the global value. ``--build-arg`` values override defaults.
* Inside a stage an ARG is visible from its declaration on. ENV and ARG values go into one
  environment in file order (an ENV set after an ARG of the same name wins; an ARG without any
  value does not hide an ENV).
* A stage built ``FROM`` an earlier stage starts from that stage's end state: ENV, USER, WORKDIR,
  SHELL -- and its ARGs, which BuildKit hands down too (docs: "Arguments and variables are
  inherited from parent stages"); a stage ``FROM`` an image starts with none of them.
* Only FROM/ARG/ENV/LABEL/COPY/ADD/WORKDIR/USER/EXPOSE/STOPSIGNAL/VOLUME (and builder flags)
  are expanded by the builder; RUN/CMD/ENTRYPOINT text goes to the shell untouched.

Anything that cannot be known statically stays unknown (:class:`Value` ``known=False``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from dockwise.errors import DockwiseError
from dockwise.model.imageref import ImageRef, parse_image_ref
from dockwise._record import Record
from dockwise.model.persistent import PersistentMap
from dockwise.model.values import ExpansionBudget, Scope, Value

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Dockerfile, Instruction

DEFAULT_SHELL = ("/bin/sh", "-c")
DEFAULT_WORKDIR = "/"
# The PATH BuildKit gives an image built FROM scratch.
SCRATCH_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# ARGs BuildKit defines for FROM lines without a declaration; their values depend on the platform.
AUTOMATIC_PLATFORM_ARGS = (
    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
)
EXPANDED_KEYWORDS = frozenset({
    "FROM", "ARG", "ENV", "LABEL", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE", "STOPSIGNAL", "VOLUME",
})
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")

EdgeKind = Literal["from", "copy", "mount"]


class UnknownTargetError(DockwiseError):
    """``--target`` names a stage the Dockerfile does not have."""


class InstructionState(Record):
    """What is in effect while an instruction runs (before its own changes).

    ``user``: None when never set in this Dockerfile (the base image's user: root for most).
    ``workdir``: "/" by default, relative WORKDIRs joined onto the previous one. ``workdir_known``
    is False while the real directory may differ: in a stage FROM an image until an absolute
    WORKDIR (the image may set its own), after a WORKDIR with an unknown variable.
    ``workdir_set``: a WORKDIR instruction ran in this stage or a stage it is built FROM. ``shell``: the SHELL (default
    ``["/bin/sh", "-c"]``). ``env``: ENVs set in this Dockerfile (inherited from a base stage
    too); ``args``: ARGs in scope. ``user_instruction``: the USER instruction that set ``user``.
    ``env``, ``args`` and ``scope.variables`` are read-only mappings shared between states.
    """

    __slots__ = ("stage", "user", "workdir", "shell", "env", "args", "workdir_known",
                 "user_instruction", "scope", "workdir_set")
    _repr_fields = ("user", "workdir", "shell", "env", "args")

    def __init__(self, stage: "Stage", user: Value | None, workdir: str, shell: list[str],
                 env: Mapping[str, Value], args: Mapping[str, Value], workdir_known: bool = True,
                 user_instruction: "Instruction | None" = None, scope: Scope | None = None,
                 workdir_set: bool = False) -> None:
        self.stage = stage
        self.user = user
        self.workdir = workdir
        self.shell = shell
        self.env = env if isinstance(env, PersistentMap) else PersistentMap(env)
        self.args = args if isinstance(args, PersistentMap) else PersistentMap(args)
        self.workdir_known = workdir_known
        self.user_instruction = user_instruction
        self.scope = scope if scope is not None else Scope(self.args.update(self.env))
        self.workdir_set = workdir_set

    @property
    def variables(self) -> Mapping[str, Value]:
        """ARGs and ENVs in scope as expansion sees them (the later declaration wins)."""
        return self.scope.variables


class Stage(Record):
    """One build stage: its FROM, base, instructions and the state it ends with.

    ``name`` is the lower-cased ``AS`` name; ``base`` the FROM image text expanded with the
    global ARGs; ``base_ref`` its parsed reference (None for scratch, a stage, or an unknown or
    invalid reference); ``platform`` the expanded ``--platform`` (or None).
    """

    __slots__ = ("index", "name", "from_instruction", "base", "base_ref", "base_stage", "is_scratch",
                 "platform", "instructions", "is_final", "end_state")
    _repr_fields = ("index", "name", "base", "is_scratch", "is_final")

    def __init__(self, index: int, name: str | None, from_instruction: "Instruction", base: Value,
                 base_ref: ImageRef | None, base_stage: "Stage | None", is_scratch: bool,
                 platform: Value | None, instructions: list["Instruction"] | None = None,
                 is_final: bool = False, end_state: InstructionState | None = None) -> None:
        self.index = index
        self.name = name
        self.from_instruction = from_instruction
        self.base = base
        self.base_ref = base_ref
        self.base_stage = base_stage
        self.is_scratch = is_scratch
        self.platform = platform
        self.instructions: list[Instruction] = instructions if instructions is not None else []
        self.is_final = is_final
        self.end_state: InstructionState = end_state  # type: ignore[assignment]  # set by the builder

    @property
    def label(self) -> str:
        """How BuildKit names the stage in messages: its name, else its index."""
        return self.name if self.name is not None else str(self.index)

    @property
    def line(self) -> int:
        return self.from_instruction.line

    @property
    def lineage(self) -> list["Stage"]:
        """This stage and the stages it is built FROM, nearest first."""
        chain: list[Stage] = []
        seen: set[int] = set()  # a list membership test made long FROM chains quadratic
        stage: Stage | None = self
        while stage is not None and id(stage) not in seen:
            chain.append(stage)
            seen.add(id(stage))
            stage = stage.base_stage
        return chain

    @property
    def root(self) -> "Stage":
        """The first stage of the lineage: the one built FROM an image (or scratch)."""
        return self.lineage[-1]


class StageEdge(Record):
    """``dst`` reads ``src`` (``kind``: "from", "copy" or "mount") at ``instruction``."""

    __slots__ = ("src", "dst", "kind", "instruction")
    _repr_fields = ("src", "dst", "kind")

    def __init__(self, src: Stage, dst: Stage, kind: EdgeKind, instruction: "Instruction") -> None:
        self.src = src
        self.dst = dst
        self.kind = kind
        self.instruction = instruction


class ImageUse(Record):
    """An external image the build pulls: a FROM base, ``COPY --from=<image>`` or a mount."""

    __slots__ = ("value", "ref", "kind", "instruction", "stage")
    _repr_fields = ("value", "ref", "kind")

    def __init__(self, value: Value, ref: ImageRef | None, kind: EdgeKind, instruction: "Instruction",
                 stage: Stage) -> None:
        self.value = value
        self.ref = ref
        self.kind = kind
        self.instruction = instruction
        self.stage = stage


class BuildModel:
    """Stages, scopes and effective state of one Dockerfile (see the package docstring)."""

    def __init__(self, dockerfile: "Dockerfile") -> None:
        self.dockerfile = dockerfile
        self.stages: list[Stage] = []
        self.global_args: dict[str, Value] = {}
        self.final_stage: Stage | None = None
        self.edges: list[StageEdge] = []
        self.images: list[ImageUse] = []
        # every scope of this file draws on one budget, so its values cannot outgrow the file
        self.expansion_budget = ExpansionBudget()
        self.global_scope = Scope(PersistentMap(), self.expansion_budget)
        self._stage_of: dict[int, Stage] = {}
        self._state_of: dict[int, InstructionState] = {}
        self._by_name: dict[str, Stage] = {}
        # What the query modules (stages, runs, copies) derive from the finished model, computed
        # once per model whichever rule or analyzer asks first.
        self.derived: dict[str, Any] = {}

    def stage_of(self, instr: "Instruction") -> Stage | None:
        return self._stage_of.get(id(instr))

    def state_at(self, instr: "Instruction") -> InstructionState | None:
        """The state in effect while ``instr`` runs, before its own changes (for a FROM: what
        the stage starts with). None for instructions before the first FROM.

        States share their ``env``/``args``/``shell`` objects: treat them as read-only."""
        return self._state_of.get(id(instr))

    def stage_by_name(self, name: str) -> Stage | None:
        return self._by_name.get(name.lower())

    @property
    def expansion_overflow(self) -> "Instruction | None":
        """The first instruction whose expansion went past the budget (None: none so far);
        ``expansion_budget.first_overflow`` says what was refused."""
        return self.expansion_budget.first_overflow_at  # type: ignore[return-value]

    def scope_at(self, instr: "Instruction") -> Scope:
        """The variables expansion sees at ``instr`` (the global ARGs for FROM and global ARG)."""
        self.expansion_budget.at = instr  # an expansion past the budget is reported here
        if instr.keyword == "FROM":
            return self.global_scope
        state = self._state_of.get(id(instr))
        return state.scope if state is not None else self.global_scope

    def expand(self, text: str, instr: "Instruction") -> Value:
        """BuildKit's expansion of ``text`` with the ARGs/ENVs in scope at ``instr``."""
        return self.scope_at(instr).expand(text, self.dockerfile.escape)

    def expand_as_builder(self, text: str, instr: "Instruction") -> str | None:
        """BuildKit's own result at ``instr`` when nothing more is passed: unknown variables
        become "" (None if BuildKit rejects the text). Prefer :meth:`expand` for analysis."""
        return self.scope_at(instr).expand_as_builder(text, self.dockerfile.escape)

    def expand_words(self, text: str, instr: "Instruction") -> list[Value]:
        """``text`` expanded at ``instr`` and split into words (EXPOSE ports, VOLUME paths...)."""
        return self.scope_at(instr).expand_words(text, self.dockerfile.escape)

    def expanded_args(self, instr: "Instruction") -> list[Value]:
        """``instr.args`` as the builder uses them: expanded where BuildKit expands (FROM's image,
        ENV/LABEL keys and values -- flattened to name, value, name, value --, COPY/ADD paths,
        WORKDIR, USER, VOLUME, STOPSIGNAL, EXPOSE split into words), literal elsewhere (RUN, CMD,
        ENTRYPOINT, HEALTHCHECK, SHELL, ARG, ONBUILD)."""
        keyword = instr.keyword
        escape = self.dockerfile.escape
        if keyword not in EXPANDED_KEYWORDS or keyword == "ARG":
            return [Value(arg) for arg in instr.args]
        scope = self.scope_at(instr)
        if keyword == "FROM":
            return [scope.expand(arg, escape) if i == 0 else Value(arg) for i, arg in enumerate(instr.args)]
        if keyword in ("ENV", "LABEL"):
            return [scope.expand(text, escape) for pair in _env_pairs(instr) for text in pair]
        if keyword == "EXPOSE":
            return [word for arg in instr.args for word in scope.expand_words(arg, escape)]
        return [scope.expand(arg, escape) for arg in instr.args]

    def expanded_flag(self, instr: "Instruction", name: str) -> Value | None:
        """The value of flag ``--name`` (the last one wins) expanded at ``instr``, as BuildKit
        expands ``--from``, ``--chown``, ``--chmod``, ``--checksum``, ``--platform`` and mount
        options; None when the flag is absent or has no value."""
        flag = instr.flag(name)
        if flag is None or flag.value is None:
            return None
        return self.expand(flag.value, instr)

    def dependencies(self, stage: Stage) -> list[Stage]:
        """The stages ``stage`` reads directly (FROM, COPY --from, RUN --mount from=), in file order."""
        found = {e.src.index: e.src for e in self.edges if e.dst is stage}
        return [found[i] for i in sorted(found)]

    def dependents(self, stage: Stage) -> list[Stage]:
        """The stages that read ``stage`` directly."""
        found = {e.dst.index: e.dst for e in self.edges if e.src is stage}
        return [found[i] for i in sorted(found)]

    def required_stages(self) -> list[Stage]:
        """The final stage and every stage it needs, transitively, in file order."""
        if self.final_stage is None:
            return []
        needed = {self.final_stage.index: self.final_stage}
        pending = [self.final_stage]
        while pending:
            for dep in self.dependencies(pending.pop()):
                if dep.index not in needed:
                    needed[dep.index] = dep
                    pending.append(dep)
        return [needed[i] for i in sorted(needed)]

    def unused_stages(self) -> list[Stage]:
        """Stages the final target never needs (BuildKit skips them)."""
        required = {s.index for s in self.required_stages()}
        return [s for s in self.stages if s.index not in required]


def model_to_dict(model: BuildModel) -> dict:
    """A JSON-ready summary of the model (for ``dump``-style output and debugging)."""
    required = {s.index for s in model.required_stages()}
    return {
        "global_args": {name: _value_json(v) for name, v in model.global_args.items()},
        "final_stage": model.final_stage.index if model.final_stage is not None else None,
        "stages": [_stage_json(model, stage, stage.index in required) for stage in model.stages],
        "images": [{"line": use.instruction.line, "kind": use.kind, "image": _value_json(use.value),
                    "reference": str(use.ref) if use.ref is not None else None} for use in model.images],
    }


def _stage_json(model: BuildModel, stage: Stage, required: bool) -> dict:
    state = stage.end_state
    return {
        "index": stage.index, "name": stage.name, "line": stage.line, "base": _value_json(stage.base),
        "base_ref": str(stage.base_ref) if stage.base_ref is not None else None,
        "base_stage": stage.base_stage.index if stage.base_stage is not None else None,
        "scratch": stage.is_scratch,
        "platform": _value_json(stage.platform) if stage.platform is not None else None,
        "final": stage.is_final, "required": required,
        "reads": [{"stage": e.src.index, "kind": e.kind, "line": e.instruction.line}
                  for e in model.edges if e.dst is stage],
        "end_state": {
            "user": _value_json(state.user) if state.user is not None else None,
            "workdir": state.workdir, "workdir_known": state.workdir_known, "shell": list(state.shell),
            "env": {name: _value_json(v) for name, v in state.env.items()},
            "args": {name: _value_json(v) for name, v in state.args.items()},
        },
    }


def _value_json(value: Value) -> str | dict:
    if value.known:
        return value.text
    found: dict = {"text": value.text, "unknown": list(value.unknown)}
    if value.undeclared:
        found["undeclared"] = list(value.undeclared)
    if value.error:
        found["error"] = value.error
    return found


def build_model(dockerfile: "Dockerfile", build_args: dict[str, str] | None = None,
                target: str | None = None) -> BuildModel:
    """Build the :class:`BuildModel` of a parsed Dockerfile.

    Never raises on unknown values; raises :class:`UnknownTargetError` when ``target`` names no
    stage.
    """
    return _Builder(dockerfile, dict(build_args or {})).build(target)


class _Builder:
    def __init__(self, dockerfile: "Dockerfile", build_args: dict[str, str]) -> None:
        self.model = BuildModel(dockerfile)
        self.escape = dockerfile.escape or "\\"
        self.build_args = build_args
        self.pending: list[tuple[Value, EdgeKind, "Instruction", Stage]] = []

    # -- whole file ----------------------------------------------------------------------
    def build(self, target: str | None) -> BuildModel:
        model = self.model
        derived = _platform_parts(self.build_args)
        for name in AUTOMATIC_PLATFORM_ARGS:
            given = self._override(name)
            if given is None and name in derived:
                given = Value(derived[name])
            self._set_global_arg(name, given or Value.unset(name), declared=False)
        stage: Stage | None = None
        state: InstructionState | None = None
        for instr in model.dockerfile.instructions:
            keyword = instr.keyword
            model.expansion_budget.at = instr
            if keyword == "FROM":
                if stage is not None:
                    stage.end_state = state
                stage, state = self._start_stage(instr)
            elif stage is None:
                if keyword == "ARG":
                    self._global_arg(instr)
            else:
                model._stage_of[id(instr)] = stage
                model._state_of[id(instr)] = state
                if instr.onbuild is not None:  # the trigger runs in a later build; it has no state here
                    model._stage_of[id(instr.onbuild)] = stage
                stage.instructions.append(instr)
                state = self._apply(instr, state)
        if stage is not None:
            stage.end_state = state
        self._link_stages()
        self._choose_final(target)
        return model

    def _override(self, name: str) -> Value | None:
        value = self.build_args.get(name)
        return None if value is None else Value(value)

    def _global_arg(self, instr: "Instruction") -> None:
        for name, default in _arg_pairs(instr):
            value = self._override(name)
            if value is None:
                # later ARGs on the same line see this one, as in BuildKit's meta-arg loop
                value = (Value.unset(name) if default is None
                         else self.model.global_scope.expand(default, self.escape))
            self._set_global_arg(name, value)

    def _set_global_arg(self, name: str, value: Value, declared: bool = True) -> None:
        model = self.model
        if declared:
            model.global_args[name] = value
        scope = model.global_scope
        model.global_scope = scope.with_variables(scope.variables.set(name, value))

    # -- stages --------------------------------------------------------------------------
    def _start_stage(self, instr: "Instruction") -> tuple[Stage, InstructionState]:
        model = self.model
        scope = model.global_scope
        image_text, name = _from_parts(instr)
        base = scope.expand(image_text, self.escape)
        platform_flag = instr.flag("platform")
        platform = None
        if platform_flag is not None and platform_flag.value is not None:
            platform = scope.expand(platform_flag.value, self.escape)
        base_stage = model.stage_by_name(base.text) if base.known else None
        is_scratch = base.known and base_stage is None and base.text == "scratch"  # exact, as BuildKit
        base_ref = None
        if base.known and base_stage is None and not is_scratch:
            base_ref = parse_image_ref(base.text)
        stage = Stage(index=len(model.stages), name=name, from_instruction=instr, base=base,
                      base_ref=base_ref, base_stage=base_stage, is_scratch=is_scratch,
                      platform=platform)
        model.stages.append(stage)
        if name is not None and name not in model._by_name:
            model._by_name[name] = stage
        model._stage_of[id(instr)] = stage
        state = self._initial_state(stage)
        model._state_of[id(instr)] = state
        if base_stage is not None:
            model.edges.append(StageEdge(base_stage, stage, "from", instr))
        elif not is_scratch:
            model.images.append(ImageUse(base, base_ref, "from", instr, stage))
        return stage, state

    def _initial_state(self, stage: Stage) -> InstructionState:
        """A stage starts from its base stage's end state (ENV, ARG, USER, WORKDIR, SHELL: BuildKit
        hands the whole state down), or from an image's (unknown) config."""
        parent = stage.base_stage.end_state if stage.base_stage is not None else None
        if parent is not None:
            return _replace(parent, stage=stage)
        env = PersistentMap({"PATH": Value(SCRATCH_PATH)} if stage.is_scratch else None)
        return InstructionState(stage=stage, user=None, workdir=DEFAULT_WORKDIR,
                                shell=list(DEFAULT_SHELL), env=env, args=PersistentMap(),
                                scope=Scope(env, self.model.expansion_budget),
                                workdir_known=stage.is_scratch)

    # -- instructions --------------------------------------------------------------------
    def _apply(self, instr: "Instruction", state: InstructionState) -> InstructionState:
        """The state after ``instr`` (``state`` itself when nothing changes)."""
        keyword = instr.keyword
        if keyword == "ENV":
            return self._apply_env(instr, state)
        if keyword == "ARG":
            return self._apply_arg(instr, state)
        if keyword == "USER":
            return self._apply_user(instr, state)
        if keyword == "WORKDIR":
            return self._apply_workdir(instr, state)
        if keyword == "SHELL":
            return _replace(state, shell=list(instr.args)) if instr.args else state
        if keyword in ("COPY", "ADD"):
            self._record_copy_from(instr, state)
        elif keyword == "RUN":
            self._record_mounts(instr, state)
        return state

    def _apply_env(self, instr: "Instruction", state: InstructionState) -> InstructionState:
        pairs = _env_pairs(instr)
        if not pairs:
            return state
        env = state.env
        variables = state.scope.variables
        for name, raw in pairs:
            if "$" in name:  # BuildKit expands ENV keys too
                name = state.scope.expand(name, self.escape).text
            value = state.scope.expand(raw, self.escape)  # all see the scope before the line
            env = env.set(name, value)
            variables = variables.set(name, value)
        return _replace(state, env=env, scope=state.scope.with_variables(variables))

    def _apply_arg(self, instr: "Instruction", state: InstructionState) -> InstructionState:
        args = state.args
        scope = state.scope
        global_args = self.model.global_scope.variables
        for name, default in _arg_pairs(instr):
            value = self._override(name)
            if value is None and default is not None:
                # each ARG sees the ones before it on the same line, as in BuildKit
                value = scope.expand(default, self.escape)
            if value is None:
                value = global_args.get(name)  # a global or automatic platform ARG
            if value is None or value is Value.unset(name):  # declared, but nobody gave a value
                value = Value.unset(name)
                args = args.set(name, value)
                if name not in scope.variables:  # a value-less ARG does not hide an ENV
                    scope = scope.with_variables(scope.variables.set(name, value))
                continue
            args = args.set(name, value)
            scope = scope.with_variables(scope.variables.set(name, value))
        return _replace(state, args=args, scope=scope)

    def _apply_user(self, instr: "Instruction", state: InstructionState) -> InstructionState:
        if not instr.args:
            return state
        user = state.scope.expand(instr.args[0], self.escape)
        return _replace(state, user=user, user_instruction=instr)

    def _apply_workdir(self, instr: "Instruction", state: InstructionState) -> InstructionState:
        if not instr.args:
            return state
        value = state.scope.expand(instr.args[0], self.escape)
        absolute = value.text.startswith("/") or bool(_WINDOWS_ABSOLUTE.match(value.text))
        return _replace(state, workdir=join_workdir(state.workdir, value.text), workdir_set=True,
                        workdir_known=value.known and (absolute or state.workdir_known))

    def _record_copy_from(self, instr: "Instruction", state: InstructionState) -> None:
        flag = instr.flag("from")
        if flag is not None and flag.value:
            self._reference(state.scope.expand(flag.value, self.escape), "copy", instr, state.stage)

    def _record_mounts(self, instr: "Instruction", state: InstructionState) -> None:
        for flag in instr.flags:
            if flag.name != "mount" or not flag.value:
                continue
            source = mount_options(flag.value).get("from")
            if source:
                self._reference(state.scope.expand(source, self.escape), "mount", instr, state.stage)

    def _reference(self, value: Value, kind: EdgeKind, instr: "Instruction", stage: Stage) -> None:
        """Record ``--from=<value>``: a stage (by name or index) or else an external image."""
        self.pending.append((value, kind, instr, stage))

    # -- after all stages are known ------------------------------------------------------
    def _link_stages(self) -> None:
        model = self.model
        for value, kind, instr, stage in self.pending:
            source = self._stage_for(value, stage) if value.known else None
            if source is not None:
                model.edges.append(StageEdge(source, stage, kind, instr))
                continue
            ref = parse_image_ref(value.text) if value.known else None
            model.images.append(ImageUse(value, ref, kind, instr, stage))

    def _stage_for(self, value: Value, reader: Stage) -> Stage | None:
        named = self.model.stage_by_name(value.text)
        if named is not None and named is not reader:
            return named
        if value.text.isdigit():  # BuildKit accepts any existing index (a later one too)
            index = int(value.text)
            if index < len(self.model.stages) and index != reader.index:
                return self.model.stages[index]
        return None

    def _choose_final(self, target: str | None) -> None:
        model = self.model
        if not model.stages:
            return
        if target is None:
            final = model.stages[-1]
        else:
            final = model.stage_by_name(target)
            if final is None:
                names = ", ".join(s.name for s in model.stages if s.name)
                known = (f"named stages: {names}" if names else
                         "no stage has a name; name one with `FROM <image> AS <name>`")
                raise UnknownTargetError(f"target stage {target!r} could not be found ({known})",
                                         path=model.dockerfile.path)
        final.is_final = True
        model.final_stage = final


# -- helpers -----------------------------------------------------------------------------

def _replace(state: InstructionState, **changes) -> InstructionState:
    values = {name: getattr(state, name) for name in (
        "stage", "user", "workdir", "shell", "env", "args", "workdir_known", "user_instruction", "scope",
        "workdir_set")}
    values.update(changes)
    return InstructionState(**values)


def _platform_parts(build_args: dict[str, str]) -> dict[str, str]:
    """``TARGETOS``/``TARGETARCH``/``TARGETVARIANT`` (and BUILD*) from a given ``*PLATFORM``
    such as ``linux/arm64/v8``, the way BuildKit derives them."""
    parts: dict[str, str] = {}
    for prefix in ("BUILD", "TARGET"):
        platform = build_args.get(prefix + "PLATFORM")
        if not platform:
            continue
        os_name, _, rest = platform.partition("/")
        arch, _, variant = rest.partition("/")
        parts[prefix + "OS"] = os_name
        parts[prefix + "ARCH"] = arch
        parts[prefix + "VARIANT"] = variant
    return parts


def _from_parts(instr: "Instruction") -> tuple[str, str | None]:
    """(image text, lower-cased stage name) of a FROM."""
    args = instr.args
    image = args[0] if args else ""
    name = None
    if len(args) >= 3 and args[1].lower() == "as":
        name = args[2].lower()
    return image, name


def _arg_pairs(instr: "Instruction") -> list[tuple[str, str | None]]:
    """(name, default or None) for each ``ARG name[=default]``."""
    pairs = []
    for word in instr.args:
        name, eq, default = word.partition("=")
        if name:
            pairs.append((name, default if eq else None))
    return pairs


def _env_pairs(instr: "Instruction") -> list[tuple[str, str]]:
    """(name, raw value) for ENV/LABEL. BuildKit's parser gives (name, value, separator)
    triples, the separator being "=" or "" for the legacy ``ENV name value`` form."""
    args = instr.args
    if len(args) % 3 == 0 and all(args[i] in ("=", "") for i in range(2, len(args), 3)):
        return [(args[i], args[i + 1]) for i in range(0, len(args), 3)]
    return [(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]


def join_workdir(current: str, requested: str) -> str:
    """The WORKDIR after ``WORKDIR requested`` (relative paths join the current one, cleaned)."""
    if _WINDOWS_ABSOLUTE.match(requested):
        return requested
    if not requested.startswith("/"):
        requested = posixpath.join(current or "/", requested)
    cleaned = posixpath.normpath(requested)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def mount_options(value: str) -> dict[str, str]:
    """``type=cache,target=/x,from=builder`` -> {"type": "cache", ...} (CSV, quotes allowed)."""
    options: dict[str, str] = {}
    for field_text in _split_csv(value):
        key, eq, item = field_text.partition("=")
        options[key.strip().lower()] = item if eq else ""
    return options


def _split_csv(text: str) -> list[str]:
    if '"' not in text:
        return text.split(",")
    import csv

    return next(csv.reader([text]), [])
