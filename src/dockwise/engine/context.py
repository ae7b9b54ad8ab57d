"""Running the build-context rules (``DC``) for ``dockwise context``, through the one rule runner
(``dockwise check`` runs the same rules next to each Dockerfile: :mod:`.dockerfile`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise.config import EMPTY, LintConfig
from dockwise.engine.runner import RuleRunner, rules_of_kind
from dockwise.engine.selection import RuleIndex, Selection
from dockwise.findings import Finding

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.context.check import ContextTarget

CONTEXT_PACKAGES = ("dockwise.context.rules",)


def context_rules() -> tuple[type, ...]:
    return rules_of_kind("context", CONTEXT_PACKAGES)


def context_index() -> RuleIndex:
    """What ``dockwise context --select/--ignore`` may name: the context rules."""
    return RuleIndex(r.info for r in context_rules())


def check_context(target: "ContextTarget", *, selection: Selection | None = None,
                  errors: list[str] | None = None, config: LintConfig = EMPTY) -> list[Finding]:
    """Every kept finding of the enabled DC rules over ``target``, sorted by place; the
    Dockerfile's suppression comments apply to them. A rule that raises adds its error line to
    ``errors`` (raises when no list is given)."""
    index = context_index()
    suppressions = None
    if target.dockerfile is not None and target.dockerfile_path:
        from dockwise.engine.suppressions import find_suppressions

        suppressions = find_suppressions(target.dockerfile, target.dockerfile_path, index,
                                         pragmas=not config.disable_ignore_pragma)
    problems: list[str] = [] if errors is None else errors
    where = target.dockerfile_path or target.context_dir
    runner = RuleRunner(context_rules(), index, selection)
    findings = runner.check(target, where, problems, config=config, suppressions=suppressions)
    if errors is None and problems:
        raise RuntimeError(problems[0])
    return findings


def context_findings(dockerfile_path: str, dockerfile) -> list[Finding]:
    """Every DC finding for the context ``docker build .`` next to ``dockerfile_path`` sends."""
    from dockwise.context.check import ContextReader, ContextTarget

    context = ContextReader().for_dockerfile(dockerfile_path)
    return check_context(ContextTarget(context, dockerfile, dockerfile_path))
