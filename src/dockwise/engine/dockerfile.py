"""Checking Dockerfiles: parse, model, run the Dockerfile rules and the context rules of the
file's build context through the rule runner, apply suppressions and config; fix on request.

One file never stops the run: a parse error, an unreadable file or a rule that raises
becomes one error line on the file's :class:`FileReport` (exit code 2 for the run) while
every other rule and file is still checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dockwise._record import DataRecord, FrozenRecord, replace
from dockwise.config import EMPTY, LintConfig, with_command_line
from dockwise.engine.context import context_rules
from dockwise.engine.runner import RuleRunner, internal_error, rules_of_kind
from dockwise.engine.selection import RuleIndex, Selection
from dockwise.engine.suppressions import find_suppressions
from dockwise.errors import DockerfileSyntaxError, DockwiseError
from dockwise.findings import Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import BuildContext, ContextReader
    from dockwise.image.registry.facts import RegistryFacts

STDIN = "-"
STDIN_NAME = "<stdin>"


class CheckOptions(FrozenRecord):
    """How every file of a run is checked. Picklable and hashable (``--jobs`` sends it to the
    worker processes), so every field is a tuple, a string or a flag, never a dict."""

    __slots__ = ("selection", "context", "use_config", "fix", "unsafe_fixes", "diff", "keep_source",
                 "build_args", "target", "trusted_registries", "required_labels", "strict_labels",
                 "context_dir", "registry", "insecure_registries", "project_config", "config_file",
                 "runtime_versions", "count_cure", "health")

    selection: Selection
    context: bool  # also run the build-context rules for files read from disk
    use_config: bool  # honour .hadolint.yaml
    fix: bool
    unsafe_fixes: bool
    diff: bool  # compute fixes, report the diff, write nothing
    keep_source: bool  # keep file text on the report (the text renderer shows lines)
    build_args: tuple[tuple[str, str], ...]  # --build-arg (name, value), each name once
    target: str | None  # --target: the stage built (None: the last one)
    trusted_registries: tuple[str, ...]  # --trusted-registry, added to the config's
    required_labels: tuple[tuple[str, str], ...]  # --require-label (name, type), added to the schema
    strict_labels: bool  # --strict-labels (True turns strict-labels on; False leaves the config's)
    context_dir: str | None  # --context DIR: the build context of every file (None: its directory)
    registry: bool  # --registry: the rules that ask base images' registries run
    insecure_registries: tuple[str, ...]  # --insecure-registry, for those rules
    project_config: bool  # honour dockwise's own config files (False: --isolated)
    config_file: str | None  # --config: the dockwise config for every file (None: the nearest)
    runtime_versions: tuple[tuple[str, str], ...]  # --python-version ...: (language, version)
    count_cure: bool  # plan the restructuring without fixing, so the summary counts what it would fix
    health: tuple[str, str] | None  # --health-url / --health-cmd: ("url" | "cmd", value), for the cure's HEALTHCHECK

    def __init__(self, selection: Selection | None = None, context: bool = True,
                 use_config: bool = True, fix: bool = False, unsafe_fixes: bool = False,
                 diff: bool = False, keep_source: bool = True,
                 build_args: tuple[tuple[str, str], ...] = (), target: str | None = None,
                 trusted_registries: tuple[str, ...] = (),
                 required_labels: tuple[tuple[str, str], ...] = (),
                 strict_labels: bool = False, context_dir: str | None = None, registry: bool = False,
                 insecure_registries: tuple[str, ...] = (), project_config: bool = True,
                 config_file: str | None = None,
                 runtime_versions: tuple[tuple[str, str], ...] = (), count_cure: bool = False,
                 health: tuple[str, str] | None = None) -> None:
        self._set(selection=Selection() if selection is None else selection, context=context,
                  use_config=use_config, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
                  keep_source=keep_source, build_args=tuple(build_args), target=target or None,
                  trusted_registries=tuple(trusted_registries),
                  required_labels=tuple(required_labels), strict_labels=strict_labels,
                  context_dir=context_dir or None, registry=registry,
                  insecure_registries=tuple(insecure_registries),
                  project_config=project_config, config_file=config_file,
                  runtime_versions=tuple(runtime_versions), count_cure=count_cure,
                  health=tuple(health) if health else None)


class DockerignoreLines(FrozenRecord):
    """The ``.dockerignore`` lines the fixes of one Dockerfile's DC findings add. The file is
    the build context's, shared by the Dockerfiles next to it, so the command decides and
    writes it once per run for all of them (:mod:`dockwise.commands.check`)."""

    __slots__ = ("path", "old_text", "lines")

    path: str  # the .dockerignore in effect, or where it would be created
    old_text: str  # its text when the lines were planned ("" when it does not exist)
    lines: tuple[str, ...]  # in the plan's order; () when this Dockerfile proposes none

    def __init__(self, path: str, old_text: str = "", lines: tuple[str, ...] = ()) -> None:
        self._set(path=path, old_text=old_text, lines=tuple(lines))


class FileReport(DataRecord):
    """What checking one file produced."""

    __slots__ = ("path", "source", "findings", "errors", "notes", "fail_level", "no_fail", "parsed",
                 "fixed", "diff", "fixed_text", "dockerignore", "fixed_codes", "script_edits",
                 "plan", "transformations")

    path: str
    source: str | None
    findings: list[Finding]
    errors: list[str]  # "path:line:col: error: ..." lines
    notes: list[str]  # fixer messages
    fail_level: Severity | None  # from a hadolint config's failure-threshold
    no_fail: bool
    parsed: bool  # the file parsed (rules ran), even if some rule failed
    fixed: int  # fixes applied (or, with --diff, that would be)
    fixed_codes: dict[str, int]  # how many of ``fixed`` each rule had
    diff: str  # --diff: what --fix would change
    fixed_text: str | None  # --fix on stdin, --diff: the fixed file
    dockerignore: DockerignoreLines | None  # a file on disk, checked with its context
    script_edits: list[tuple[str, str]]  # --diff: the context files (entrypoint scripts) the fixes also edit, with their fixed text
    plan: str  # --diff: the readable plan of the restructuring fixes, the start of ``diff``
    transformations: list  # the restructuring fixes' transformations applied (--fix or --diff)

    def __init__(self, path: str, source: str | None = None, findings: list[Finding] | None = None,
                 errors: list[str] | None = None, notes: list[str] | None = None,
                 fail_level: Severity | None = None, no_fail: bool = False, parsed: bool = False,
                 fixed: int = 0, diff: str = "", fixed_text: str | None = None) -> None:
        self.path = path
        self.source = source
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.notes = [] if notes is None else notes
        self.fail_level = fail_level
        self.no_fail = no_fail
        self.parsed = parsed
        self.fixed = fixed
        self.diff = diff
        self.fixed_text = fixed_text
        self.dockerignore: DockerignoreLines | None = None
        self.fixed_codes: dict[str, int] = {}
        self.script_edits: list[tuple[str, str]] = []
        self.plan = ""
        self.transformations: list = []


# `dockwise check` needs the Dockerfile and context rules, not the image rules (and the
# image package's imports): leaving them out keeps start-up fast.
CHECK_PACKAGES = ("dockwise.rules", "dockwise.context.rules")


def dockerfile_rules() -> tuple[type, ...]:
    """Every Dockerfile rule of the catalogue."""
    return rules_of_kind("dockerfile", CHECK_PACKAGES)


def catalogue_index() -> RuleIndex:
    """Every code ``--select``/``--ignore`` and suppression comments may name in a check."""
    from dockwise.catalog import all_rules

    return RuleIndex(r.info for r in all_rules(CHECK_PACKAGES))


# Build arguments every build accepts without an ARG: the proxy variables (docker build never
# calls them unused) and BuildKit's platform arguments.
_PREDEFINED_ARGS = frozenset(
    [name for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
     for name in (proxy, proxy.lower())]
    + [side + part for side in ("TARGET", "BUILD") for part in ("PLATFORM", "OS", "ARCH", "VARIANT")])


MAX_CONTEXT_FILE = 256 * 1024  # a manifest or version file the cure reads; larger is not one


def _note_key(note: str) -> str:
    """A note without what it quotes (`...`): the same note about a rewritten instruction."""
    import re

    return re.sub(r"`[^`]*`", "``", note)


def _plan(path: str, steps: list) -> str:
    """The readable plan of the restructuring fixes applied (empty when none was)."""
    from dockwise.fix.cure import describe

    return describe(path, steps)


def _script_diffs(edits: list, report: FileReport) -> str:
    import os

    from dockwise.fix.output import unified_diff

    out = []
    for finding, host, old, new in edits:
        name = os.path.relpath(host)
        out.append(f"# {name}: `exec` its last command, so the app replaces the shell as PID 1 and "
                   f"gets the SIGTERM of `docker stop`\n#     resolves DW601 at {report.path}:"
                   f"{finding.location.line}:{finding.location.column}\n")
        out.append(unified_diff(old, new, name))
        report.fixed += 1
    return "".join(out)


def _write_scripts(edits: list, report: FileReport) -> None:
    import os

    from dockwise.fix.output import write_fixed

    for finding, host, _old, new in edits:
        problem = write_fixed(host, new)
        if problem is not None:
            report.errors.append(problem.replace(host, os.path.relpath(host)))
            continue
        report.findings = [f for f in report.findings if f is not finding]
        report.fixed += 1


def _context_reader(context):
    """A context file's text as the builder receives it; None when absent, excluded, too big
    or not text."""
    def read(name: str) -> str | None:
        if context is None:
            return None
        try:
            data = context.head(name, MAX_CONTEXT_FILE + 1)
        except Exception:  # noqa: BLE001 - an unreadable file is one the cure does without
            return None
        if data is None or len(data) > MAX_CONTEXT_FILE or b"\0" in data:
            return None
        return data.decode("utf-8", errors="replace")
    return read


def _project_reader(context):
    """A small text file of the project folder (the build context's directory), whether or not
    .dockerignore sends it to the builder; None when absent, outside it, too big or not text."""
    def read(name: str) -> str | None:
        if context is None:
            return None
        root = os.path.realpath(context.context_dir)
        path = os.path.realpath(os.path.join(root, name))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):  # a FIFO would block
            return None
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_CONTEXT_FILE + 1)
        except OSError:
            return None
        if len(data) > MAX_CONTEXT_FILE or b"\0" in data:
            return None
        return data.decode("utf-8", errors="replace")
    return read


def _attach_cure(text: str, path: str, target, findings: list[Finding],
                 versions: dict[str, str], *, every: bool = False,
                 health: tuple[str, str] | None = None) -> list[str]:
    """Plan the cure (:mod:`dockwise.fix.cure`) and attach it, one unsafe fix, to
    the first finding it resolves (the fix loop then applies it like any other), or, with
    ``every`` (a check that only counts what the fixes would do), to each finding it resolves;
    the notes say what was left alone and why."""
    from dockwise.fix.cure import Project, plan_cure

    read = _context_reader(target.context)
    try:
        cure = plan_cure(Project(text, path, target.model, findings, read, versions,
                                 _project_reader(target.context), health))
    except Exception as exc:  # noqa: BLE001 - a planner bug must not end the run
        return [internal_error(path, "the restructuring fixes", exc).replace(": error:", ": note:", 1)]
    fix = cure.as_fix()
    if fix is None:
        return cure.notes
    if every:
        resolved = {(r.code, r.line, r.column) for t in cure.transformations for r in t.resolves}
        for finding in findings:
            if finding.fix is None and (finding.code, finding.location.line, finding.location.column) in resolved:
                finding.fix = fix
                finding.fixable = True
        return cure.notes
    codes = cure.codes()
    for finding in sorted(findings, key=lambda f: f.sort_key):
        if finding.location.file == path and finding.code in codes:
            finding.fix = fix
            finding.fixable = True
            break
    return cure.notes


def _unconsumed_build_args(path: str, dockerfile, build_args: Iterable[tuple[str, str]]) -> list[str]:
    """A note for each ``--build-arg`` no ARG of the file declares: the build would ignore it
    (``docker build`` warns "not consumed"), so the check would not see what the user meant."""
    declared = {word.split("=", 1)[0] for instr in dockerfile.instructions
                if instr.keyword == "ARG" for word in instr.args}
    return [f"{path}: note: --build-arg {name} is declared by no ARG in this file; the build "
            "ignores it (add `ARG " + name + "` where it is needed, or drop it)"
            for name, _ in build_args
            if name not in declared and name not in _PREDEFINED_ARGS
            and not name.startswith("BUILDKIT_")]


def _error_line(path: str, exc: DockwiseError) -> str:
    if isinstance(exc, DockerfileSyntaxError):
        return f"{path}:{exc.line}:{exc.column}: error: {exc.message}"
    return f"{exc.path or path}: error: {exc.message}"


def _tidy_path(finding: Finding) -> Finding:
    """``./.dockerignore`` -> ``.dockerignore``: paths read the way the user typed them."""
    file = finding.location.file
    if file.startswith("./") and len(file) > 2:
        finding.location = replace(finding.location, file=file[2:])
    return finding


def _large_file_size(config: LintConfig) -> int | None:
    """The dockwise config's ``large-file-size`` (None: the context reader's default)."""
    return config.project.large_file_size if config.project is not None else None


class Engine:
    """Checks Dockerfiles with a fixed set of Dockerfile rules (``rules=None``: the whole
    catalogue) and, for files on disk, the context rules over their build context, each
    context read once (``contexts``: the reader to share, such as one preloaded by the parent
    of ``--jobs`` workers)."""

    def __init__(self, rules: Iterable[type] | None = None, options: CheckOptions | None = None,
                 index: RuleIndex | None = None, contexts: "ContextReader | None" = None) -> None:
        classes = tuple(rules) if rules is not None else dockerfile_rules()
        self.options = options or CheckOptions()
        if index is None:
            index = catalogue_index() if rules is None else RuleIndex(r.info for r in classes)
        self.index = index
        self.runner = RuleRunner(classes, index, self.options.selection)
        self._context_runner: RuleRunner | None = None
        self._contexts = contexts
        self._registry: "RegistryFacts | None" = None  # facts about base images, fetched once per process (--registry)
        self._cure_notes: list[str] | None = None  # while fixing: the cure's notes of every round

    # -- one file -------------------------------------------------------------------------

    def check_path(self, path: str) -> FileReport:
        """Check one file from disk (``-`` reads stdin), fixing it if the options say so."""
        from dockwise.inputs import decode_text, read_text

        on_disk = path != STDIN
        display = path if on_disk else STDIN_NAME
        try:
            if on_disk:
                text = read_text(path, what="Dockerfile")
            else:
                import sys

                text = decode_text(sys.stdin.buffer.read(), name=STDIN_NAME, what="Dockerfile")
        except DockwiseError as exc:
            return FileReport(display, errors=[_error_line(display, exc)])
        directory = os.path.dirname(os.path.abspath(path)) if on_disk else os.getcwd()
        try:
            config = self.config_for(path if on_disk else None, directory)
        except DockwiseError as exc:
            return FileReport(display, errors=[_error_line(display, exc)])
        if self.options.fix or self.options.diff:
            return self._fix(text, display, config=config, on_disk=on_disk)
        return self.check_text(text, display, config=config, on_disk=on_disk)

    def config_for(self, path: str | None, directory: str) -> LintConfig:
        """The configuration of the file ``path`` (None: stdin) in ``directory``: its config
        files as the options allow, the per-file ignores that name it; raises the config's
        error (a bad value, an unknown rule)."""
        from dockwise.project_config import for_file, settings_for_dir

        options = self.options
        config = settings_for_dir(directory, hadolint=options.use_config,
                                  project=options.project_config, config_file=options.config_file)
        if path is not None:
            config = for_file(config, path)
        self.runner.validate(config)
        return config

    def check_text(self, text: str, path: str, *, config: LintConfig = EMPTY,
                   on_disk: bool = False) -> FileReport:
        """Check Dockerfile ``text`` shown as ``path``; never raises for bad input."""
        report = FileReport(path, source=text if self.options.keep_source else None,
                            fail_level=config.failure_threshold, no_fail=config.no_fail)
        config = with_command_line(config, self.options.trusted_registries,
                                   self.options.required_labels, self.options.strict_labels)
        target = self._target(text, path, report)
        if target is None:
            return report
        target.config = config  # rules read the label schema and trusted registries from it
        report.parsed = True
        context_errors: list[str] = []
        if on_disk and self.options.context:
            target.context = self._read_context(path, context_errors, config)
        target.registry = self.registry_facts()
        raw = self.runner.run(target, path, report.errors, config=config)
        if target.registry is not None:
            report.notes.extend(f"{path}: note: the registry checks of `{ref}` are incomplete: {error}"
                                for ref, error in target.registry.take_errors())
        report.errors.extend(context_errors)
        if target.context is not None:
            raw.extend(self._context_findings(path, target, report, config))
        suppressions = find_suppressions(target.dockerfile, path, self.index,
                                         pragmas=not config.disable_ignore_pragma)
        report.findings = self.runner.keep(raw, config=config, suppressions=suppressions)
        if on_disk and self.options.context:
            report.dockerignore = self._dockerignore_lines(path, target, report, config)
        fixing = self.options.unsafe_fixes and (self.options.fix or self.options.diff)
        if fixing or self.options.count_cure:
            cure_notes = _attach_cure(text, path, target, report.findings, dict(self.options.runtime_versions),
                                      every=not fixing, health=self.options.health)
            if fixing:  # a plain check only counts the cure: what it would leave alone is said when it runs
                report.notes.extend(cure_notes)
                if self._cure_notes is not None:
                    self._cure_notes.extend(cure_notes)
        return report

    def registry_facts(self) -> "RegistryFacts | None":
        """What registries say about base images (``--registry``), else None: the rules that
        need a registry stay silent and nothing touches the network."""
        if not self.options.registry:
            return None
        if self._registry is None:
            from dockwise.image.registry.facts import RegistryFacts

            self._registry = RegistryFacts(self.options.insecure_registries)
        return self._registry

    def _fix(self, text: str, path: str, *, config: LintConfig, on_disk: bool) -> FileReport:
        """Fix ``text`` until stable; write it back (``--fix``), diff it (``--diff``), or keep
        it for stdout (``--fix`` on stdin)."""
        from dockwise.fix.loop import fix_until_stable
        from dockwise.fix.output import unified_diff, write_fixed

        def recheck(candidate: str) -> FileReport:
            return self.check_text(candidate, path, config=config, on_disk=on_disk)

        self._cure_notes = []
        try:
            outcome = fix_until_stable(text, path, recheck, unsafe=self.options.unsafe_fixes)
        finally:
            cure_notes, self._cure_notes = self._cure_notes, None
        report, current = outcome.report, outcome.text
        # a note of an earlier round (no init for a CMD that is now in exec form) still holds;
        # one that only quotes an instruction as a later fix rewrote it is the same note
        said = {_note_key(note) for note in report.notes}
        for note in cure_notes:
            if _note_key(note) not in said:
                said.add(_note_key(note))
                report.notes.append(note)
        report.fixed, report.fixed_codes = outcome.fixed, outcome.fixed_codes
        report.notes.extend(outcome.notes)
        scripts = self._script_edits(path, report, config) if on_disk and self.options.unsafe_fixes else []
        if current != text:
            report.transformations = [t for fix in outcome.applied for t in getattr(fix, "transformations", ())]
        if self.options.diff:
            report.plan = _plan(path, report.transformations)
            report.diff = report.plan + unified_diff(text, current, path) if current != text else ""
            report.diff += _script_diffs(scripts, report)
            report.script_edits = [(host, new) for _finding, host, _old, new in scripts]
            report.fixed_text = current  # what --fix would write (--verify builds it)
        elif not on_disk:
            report.fixed_text = current  # stdin: the fixed file goes to stdout
        elif current != text:
            problem = write_fixed(path, current)
            if problem is not None:  # the file stays as it was: report what it still has
                report = recheck(text)
                report.errors.append(problem)
                report.notes.extend(outcome.notes)
        if not self.options.diff:
            _write_scripts(scripts, report)
        return report

    def _script_edits(self, path: str, report: FileReport, config: LintConfig = EMPTY) -> list:
        """The entrypoint scripts of the build context to give ``exec`` (DW601), planned on the
        final check's findings; notes for those left alone."""
        from dockwise.fix.cure.scripts import script_edits

        if not self.options.context or not any(f.code == "DW601" for f in report.findings):
            return []
        try:
            context = self.contexts.for_dockerfile(path, _large_file_size(config))
        except Exception:  # noqa: BLE001 - the check itself reported it
            return []
        edits, notes = script_edits(report.findings, _context_reader(context), context.context_dir)
        report.notes.extend(f"{path}: note: {note}" for note in notes)
        return edits

    def _dockerignore_lines(self, path: str, checked, report: FileReport,
                            config: LintConfig = EMPTY) -> DockerignoreLines | None:
        """The lines the fixes of ``report``'s DC findings add to the build context's
        .dockerignore, in the order of its plan. The fix loop edits only ``path``: these edits
        are another file's, shared by every Dockerfile of the context, and all append at one
        place, so the command applies them together, once per run (None: the context could
        not be read)."""
        from dockwise.context.check import ContextTarget
        from dockwise.context.fixer import dockerignore_plan

        try:
            context = self.contexts.for_dockerfile(path, _large_file_size(config))
        except Exception:  # noqa: BLE001 - the check itself reported it
            return None
        unsafe = self.options.unsafe_fixes
        fixes = [f.fix for f in report.findings
                 if f.location.file != path and f.fix is not None and (f.fix.safe or unsafe)]
        if not fixes:
            # no lines, but the file is named: a Dockerfile that needs every path still sent
            # keeps the other Dockerfiles of its context from excluding any
            return DockerignoreLines(ContextTarget(context, None, path).ignore_path)
        plan = dockerignore_plan(ContextTarget(context, checked.dockerfile, path, checked.model))
        return DockerignoreLines(plan.path, plan.old_text, tuple(plan.lines_of(fixes)))

    def _target(self, text: str, path: str, report: FileReport):
        from dockwise.rules.base import CheckTarget
        from dockwise.syntax import parse_dockerfile

        try:
            dockerfile = parse_dockerfile(text, path=path)
        except DockwiseError as exc:
            report.errors.append(_error_line(path, exc))
            return None
        except Exception as exc:  # noqa: BLE001 - a parser bug must not end the run
            report.errors.append(internal_error(path, "the parser", exc))
            return None
        if not dockerfile.instructions:
            report.errors.append(f"{path}: error: file with no instructions")
            return None
        try:
            from dockwise.model import build_model

            model = build_model(dockerfile, build_args=dict(self.options.build_args),
                                target=self.options.target)
        except DockwiseError as exc:
            report.errors.append(_error_line(path, exc))
            return None
        except Exception as exc:  # noqa: BLE001
            report.errors.append(internal_error(path, "the build model", exc))
            return None
        report.notes.extend(_unconsumed_build_args(path, dockerfile, self.options.build_args))
        return CheckTarget(path, dockerfile, model)

    def _read_context(self, path: str, errors: list[str],
                      config: LintConfig = EMPTY) -> "BuildContext | None":
        """The build context next to ``path`` (read once per run, shared by every Dockerfile
        of its directory), or None with an error line when it cannot be read."""
        try:
            return self.contexts.for_dockerfile(path, _large_file_size(config))
        except DockwiseError as exc:
            errors.append(_error_line(path, exc))
        except Exception as exc:  # noqa: BLE001
            errors.append(internal_error(path, "the context checks", exc))
        return None

    def _context_findings(self, path: str, checked, report: FileReport,
                          config: LintConfig) -> list[Finding]:
        """The context rules' findings over ``checked.context``, the build context next to
        ``path``, with the COPY sources of the checked build (its model, --build-arg included)."""
        from dockwise.context.check import ContextTarget

        target = ContextTarget(checked.context, checked.dockerfile, path, checked.model)
        return [_tidy_path(f) for f in self.context_runner.run(target, path, report.errors, config=config)]

    @property
    def contexts(self) -> "ContextReader":
        if self._contexts is None:
            from dockwise.context.check import ContextReader

            self._contexts = ContextReader(context_dir=self.options.context_dir)
        return self._contexts

    @property
    def context_runner(self) -> RuleRunner:
        if self._context_runner is None:
            self._context_runner = RuleRunner(context_rules(), self.index, self.options.selection)
        return self._context_runner
