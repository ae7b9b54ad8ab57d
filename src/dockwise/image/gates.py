"""CI gates: ``--max-size``, ``--min-efficiency``, ``--max-reclaimable``, and dive's ``.dive-ci``.

dive's keys are honoured with dive's meaning: ``rules.lowestEfficiency`` (0..1),
``rules.highestWastedBytes`` (bytes, ``20MB`` style) and ``rules.highestUserWastedPercent``
(0..1: reclaimable bytes of the layers above the base image over those layers' bytes).
``disabled`` turns a rule off. Command-line options win over the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dockwise.errors import InputError
from dockwise.units import human_bytes, parse_size

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.image.analyze import ImageAnalysis

def parse_fraction(text: str) -> float:
    """``0.95`` or ``95%`` -> 0.95."""
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise ValueError(f"not a ratio: {text!r} (examples: 0.95, 95%)") from None
    if not 0 <= value <= 1:
        raise ValueError(f"ratio out of range: {text!r} (must be between 0 and 1, or 0% and 100%)")
    return value


@dataclass(frozen=True)
class Limit:
    """A bytes limit or a fraction of ``total_bytes`` (``--max-reclaimable 10%``)."""

    bytes: int | None = None
    fraction: float | None = None

    @classmethod
    def parse(cls, text: str) -> "Limit":
        if str(text).strip().endswith("%"):
            return cls(fraction=parse_fraction(text))
        return cls(bytes=parse_size(text))

    def describe(self) -> str:
        return f"{self.fraction:.1%}" if self.fraction is not None else human_bytes(self.bytes or 0)


@dataclass
class GateSettings:
    max_size: int | None = None
    min_efficiency: float | None = None
    max_reclaimable: Limit | None = None
    max_user_wasted: float | None = None  # dive's highestUserWastedPercent
    source: str = ""  # the .dive-ci file used, if any


@dataclass(frozen=True)
class GateResult:
    """One gate: ``limit``/``actual`` as printed (human units), ``limit_value``/``actual_value``
    as numbers (bytes, or a fraction between 0 and 1)."""

    name: str
    limit: str
    actual: str
    passed: bool
    limit_value: float = 0
    actual_value: float = 0


def _bytes_gate(name: str, limit: int, actual: int) -> GateResult:
    return GateResult(name, human_bytes(limit), human_bytes(actual), actual <= limit, limit, actual)


def _ratio_gate(name: str, limit: float, actual: float, passed: bool) -> GateResult:
    return GateResult(name, f"{limit:.2%}", f"{actual:.2%}", passed, limit, actual)


def load_dive_ci(path: str) -> GateSettings:
    """Read a ``.dive-ci`` file (YAML) into gate settings.

    A file that is not a mapping, or whose ``rules`` is not one, is an error: ignoring it would
    turn the CI gates off without a word. Values must be scalars; a list or mapping (a YAML
    alias "bomb" among them) is refused by its type, never printed."""
    from dockwise.inputs import read_text

    text = read_text(path, what=".dive-ci file")
    from dockwise.yamlfile import load_yaml

    document = load_yaml(text, path, ".dive-ci file")
    document = {} if document is None else document
    if not isinstance(document, dict):
        raise InputError("a .dive-ci file must be a mapping (with a `rules:` mapping)", path=path)
    rules = document.get("rules")
    if rules is None:
        return GateSettings(source=path)
    if not isinstance(rules, dict):
        raise InputError("`rules` must be a mapping (lowestEfficiency, highestWastedBytes, "
                         "highestUserWastedPercent)", path=path)
    settings = GateSettings(source=path)
    try:
        if _enabled(_scalar(rules, "lowestEfficiency", path)):
            settings.min_efficiency = parse_fraction(rules["lowestEfficiency"])
        if _enabled(_scalar(rules, "highestWastedBytes", path)):
            settings.max_reclaimable = Limit(bytes=parse_size(rules["highestWastedBytes"]))
        if _enabled(_scalar(rules, "highestUserWastedPercent", path)):
            settings.max_user_wasted = parse_fraction(rules["highestUserWastedPercent"])
    except ValueError as exc:
        raise InputError(str(exc), path=path) from None
    return settings


def _scalar(rules: dict, key: str, path: str) -> Any:
    """``rules[key]`` when it is a number or a string (or absent); else an error naming the key."""
    value = rules.get(key)
    if value is None or (isinstance(value, (int, float, str)) and not isinstance(value, bool)):
        return value
    raise InputError(f"rules.{key} must be a number or a size, not a {type(value).__name__}",
                     path=path)


def _enabled(value: Any) -> bool:
    return value is not None and str(value).strip().lower() not in ("disabled", "")


def find_dive_ci(dockerfile: str | None) -> str | None:
    if not dockerfile:
        return None
    candidate = os.path.join(os.path.dirname(os.path.abspath(dockerfile)), ".dive-ci")
    return candidate if os.path.isfile(candidate) else None


def user_wasted_fraction(analysis: "ImageAnalysis") -> float:
    """dive's user wasted percent: reclaimable bytes of the non-base layers over their bytes.
    Base layers are those aligned to the base image, else (as dive does) the first layer."""
    base = {layer.index for layer in analysis.layers if layer.base} or {0}
    user = [layer for layer in analysis.layers if layer.index not in base]
    total = sum(layer.stats.total_bytes for layer in user)
    wasted = sum(layer.stats.reclaimable_bytes for layer in user)
    return wasted / total if total else 0.0


def size_budget(analysis: "ImageAnalysis", max_size: int) -> GateResult:
    """The size budget (``--max-size``): the one comparison behind both the ``max-size`` gate and
    its finding, DI010. The budget is on ``total_bytes``, every byte a pull downloads."""
    return _bytes_gate("max-size", max_size, analysis.total_bytes)


def evaluate(analysis: "ImageAnalysis", settings: GateSettings) -> list[GateResult]:
    results = []
    if settings.max_size is not None:
        results.append(size_budget(analysis, settings.max_size))
    if settings.min_efficiency is not None:
        results.append(_ratio_gate("min-efficiency", settings.min_efficiency, analysis.efficiency,
                                   analysis.efficiency >= settings.min_efficiency))
    if settings.max_reclaimable is not None:
        limit = settings.max_reclaimable
        if limit.fraction is not None:
            actual = analysis.reclaimable_bytes / analysis.total_bytes if analysis.total_bytes else 0.0
            results.append(_ratio_gate("max-reclaimable", limit.fraction, actual, actual <= limit.fraction))
        else:
            results.append(_bytes_gate("max-reclaimable", limit.bytes or 0, analysis.reclaimable_bytes))
    if settings.max_user_wasted is not None:
        actual = user_wasted_fraction(analysis)
        results.append(_ratio_gate("max-user-wasted", settings.max_user_wasted, actual,
                                   actual <= settings.max_user_wasted))
    return results
