"""The one rule runner, whatever the rules read (a Dockerfile, a build context, an image).

It decides which rules run (``--select``/``--ignore``, the config's ``ignored``, rules that are
off unless selected), runs each one in isolation -- a rule that raises becomes one
``internal error in rule CODE (name)`` error line, and every other rule still runs -- and
decides which findings are kept and how serious they are (selection, suppression comments,
the config's severity overrides, BuildKit's ``check=error=true``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dockwise._record import replace
from dockwise.config import EMPTY, LintConfig
from dockwise.engine.selection import RuleIndex, Selection
from dockwise.findings import Finding, Rule, Severity

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.engine.suppressions import Suppressions


def internal_error(where: str, what: str, exc: BaseException) -> str:
    """The error line for a crash inside dockwise (a rule, the parser): one line, no traceback."""
    return f"{where}: error: internal error in {what}: {type(exc).__name__}: {exc}"


class RuleRunner:
    """Runs a fixed set of rules over targets of their kind."""

    def __init__(self, rules: Iterable[type[Rule]], index: RuleIndex,
                 selection: Selection | None = None) -> None:
        self.rules = [cls() for cls in rules]
        self.index = index
        self.selection = Selection() if selection is None else selection
        # config -> its active rules: most files of a run share one config
        self._active: dict[int, tuple[LintConfig, list[Rule]]] = {}
        self._validated: dict[int, object] = {}  # id -> the dockwise config checked

    def check(self, target, where: str, errors: list[str], *, config: LintConfig = EMPTY,
              suppressions: "Suppressions | None" = None) -> list[Finding]:
        """The kept findings of every active rule over ``target``, sorted by place; a rule that
        raises adds its error line (naming ``where``) to ``errors``."""
        return self.keep(self.run(target, where, errors, config=config), config=config,
                         suppressions=suppressions)

    def run(self, target, where: str, errors: list[str], *,
            config: LintConfig = EMPTY) -> list[Finding]:
        """Every finding of every active rule, unfiltered."""
        found: list[Finding] = []
        for rule in self.active(config):
            try:
                found.extend(list(rule.check(target)))  # all or nothing: no half a rule
            except Exception as exc:  # noqa: BLE001 - one broken rule must not end the run
                info = rule.info
                errors.append(internal_error(where, f"rule {info.code} ({info.name})", exc))
        return found

    def active(self, config: LintConfig = EMPTY) -> list[Rule]:
        known = self._active.get(id(config))
        if known is None or known[0] is not config:
            self.validate(config)
            known = self._active[id(config)] = (config, self._select(config))
        return known[1]

    def _select(self, config: LintConfig) -> list[Rule]:
        selected, ignored = self.effective(config)
        return [r for r in self.rules if r.info.code not in ignored
                and (r.info.default_enabled if selected is None else r.info.code in selected)]

    def effective(self, config: LintConfig = EMPTY) -> tuple[set[str] | None, set[str]]:
        """(the selected codes, None for every rule on by default; the ignored codes): the
        command line's ``--select`` if given, else the dockwise config's ``select`` and
        ``extend-select``; every ignore adds up (``--ignore``, the config files')."""
        ignored = set(self.selection.ignored) | self.config_ignored(config)
        selected = set(self.selection.selected) if self.selection.selected is not None else None
        project = config.project
        if selected is None and project is not None and (project.select is not None
                                                          or project.extend_select):
            if project.select is not None:
                selected = self._resolve(project.select)
            else:
                selected = {code for code, info in self.index.infos.items() if info.default_enabled}
            selected |= self._resolve(project.extend_select)
        return selected, ignored

    def _resolve(self, tokens: Sequence[str]) -> set[str]:
        codes: set[str] = set()
        for token in tokens:
            codes |= self.index.resolve_loose(token)
        return codes

    def validate(self, config: LintConfig) -> None:
        """Raise the dockwise config's error (file, line, key) for a rule token it names that
        is no rule of dockwise. A rule of another command (``DI001`` in a file ``dockwise
        check`` reads) is fine: the file serves every command."""
        project = config.project
        if project is None or id(project) in self._validated:
            return
        from dockwise.project_config import quoted_key

        named = [("select", project.select or ()), ("extend-select", project.extend_select),
                 ("ignore", project.ignore)]
        named += [(f"severity.{quoted_key(token)}", (token,)) for token, _ in project.severity]
        named += [(f"per-file-ignores.{quoted_key(glob)}", tokens)
                  for glob, tokens in project.per_file_ignores]
        for key, tokens in named:
            for token in tokens:
                if self.index.resolve(token) is None and not self._elsewhere(token):
                    raise project.error(key, f"unknown rule {token!r} (not a code, code prefix, "
                                             "rule name or alias; see `dockwise rules`)")
        self._validated[id(project)] = project

    def _elsewhere(self, token: str) -> bool:
        """Is ``token`` a rule of another command? A code of a family this runner has no rule
        of (``DI007`` for the checks) is left to the command that runs it, so a check does not
        load the image rules to judge it; a name or alias is looked up in every rule."""
        family, number = token.strip()[:2].upper(), token.strip()[2:]
        if family in _FAMILIES and (number == "" or number.isdigit()) \
                and not any(code.startswith(family) for code in self.index.infos):
            return True
        return known_anywhere(token)

    def keep(self, raw: Sequence[Finding], *, config: LintConfig = EMPTY,
             suppressions: "Suppressions | None" = None) -> list[Finding]:
        """The findings the user sees, with the severity they carry, sorted by place."""
        selected, ignored = self.effective(config)
        overrides = self.overrides(config)
        raised = suppressions.buildkit_errors if suppressions is not None else ()
        kept = []
        for finding in raw:
            if finding.code in ignored or (selected is not None and finding.code not in selected):
                continue
            if suppressions is not None and suppressions.suppresses(finding):
                continue
            severity = overrides.get(finding.code)
            if finding.code in raised:
                severity = Severity.ERROR
            if severity is not None and severity != finding.severity:
                finding = replace(finding, severity=severity)
            kept.append(finding)
        kept.sort(key=lambda f: f.sort_key)
        return kept

    def config_ignored(self, config: LintConfig) -> set[str]:
        codes: set[str] = set()
        for token in config.ignored:
            codes |= self.index.resolve_loose(token)
        return codes

    def overrides(self, config: LintConfig) -> dict[str, Severity]:
        result: dict[str, Severity] = {}
        for token, severity in config.overrides.items():
            for code in self.index.resolve_loose(token):
                result[code] = severity
        return result


_FAMILIES = ("DL", "DW", "DC", "DI")  # the code families of dockwise's rules


def known_anywhere(token: str) -> bool:
    """Does ``token`` name a rule of any command, or a code of hadolint or ShellCheck that
    dockwise does not implement (a team moving over may keep ignoring it)?"""
    from dockwise.engine.selection import is_foreign_code

    return is_foreign_code(token) or _all_rules_index().resolve(token) is not None


_ALL: list[RuleIndex] = []


def _all_rules_index() -> RuleIndex:
    """Every rule of every command (read only when a config names a rule the command's own
    rules do not know: the image rules are kept off `dockwise check`'s path)."""
    if not _ALL:
        from dockwise.catalog import RULE_PACKAGES, all_rules

        _ALL.append(RuleIndex(r.info for r in all_rules(RULE_PACKAGES)))
    return _ALL[0]


def rules_of_kind(kind: str, packages: tuple[str, ...] | None = None) -> tuple[type[Rule], ...]:
    """Every rule of the catalogue that reads targets of ``kind``."""
    from dockwise.catalog import RULE_PACKAGES, all_rules

    return tuple(r for r in all_rules(packages or RULE_PACKAGES) if r.target_kind == kind)
