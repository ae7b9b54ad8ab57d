"""Running the image rules (``DI``) over an analysed image, through the one rule runner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dockwise.config import EMPTY, LintConfig
from dockwise.engine.runner import RuleRunner, rules_of_kind
from dockwise.engine.selection import RuleIndex, Selection
from dockwise.findings import Finding

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.engine.suppressions import Suppressions
    from dockwise.image.analyze import ImageAnalysis
    from dockwise.image.rules.base import ImageOptions

IMAGE_PACKAGES = ("dockwise.image.rules",)


def image_rules() -> tuple[type, ...]:
    return rules_of_kind("image", IMAGE_PACKAGES)


def image_index() -> RuleIndex:
    """What ``dockwise image --select/--ignore`` may name: the image rules."""
    return RuleIndex(r.info for r in image_rules())


def check_image(analysis: "ImageAnalysis", options: "ImageOptions | None" = None, *,
                selection: Selection | None = None, errors: list[str] | None = None,
                config: LintConfig = EMPTY, suppressions: "Suppressions | None" = None,
                index: RuleIndex | None = None) -> list[Finding]:
    """Every kept finding of the enabled DI rules, sorted by place (then image path). A rule
    that raises adds its error line to ``errors`` (raises when no list is given)."""
    from dockwise.image.rules.base import ImageOptions, ImageTarget

    target = ImageTarget(analysis, options or ImageOptions())
    runner = RuleRunner(image_rules(), index or image_index(), selection)
    problems: list[str] = [] if errors is None else errors
    findings = runner.check(target, analysis.source.name, problems, config=config,
                            suppressions=suppressions)
    if errors is None and problems:
        raise RuntimeError(problems[0])
    return sorted(findings, key=lambda f: (f.sort_key, str(f.extra.get("path", ""))))
