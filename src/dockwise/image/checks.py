"""Running every image rule (``DI``) over an analysed image."""

from __future__ import annotations

from dockwise.findings import Finding
from dockwise.image.analyze import ImageAnalysis
from dockwise.image.rules.base import ImageOptions, ImageRule, ImageTarget


def image_rules() -> list[type[ImageRule]]:
    from dockwise.catalog import all_rules

    return [r for r in all_rules() if issubclass(r, ImageRule)]


def check_image(analysis: ImageAnalysis, options: ImageOptions | None = None) -> list[Finding]:
    """Every finding of every DI rule, sorted by place."""
    target = ImageTarget(analysis, options or ImageOptions())
    findings: list[Finding] = []
    for rule in image_rules():
        findings.extend(rule().check(target))
    return sorted(findings, key=lambda f: (f.sort_key, str(f.extra.get("path", ""))))
