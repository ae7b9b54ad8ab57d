"""The one findings model every part of dockwise reports through.

Dockerfile rules (``DL``/``DW``), build-context rules (``DC``) and image rules (``DI``)
all produce :class:`Finding` objects described by a :class:`RuleInfo`; ``dockwise.report``
renders them as text, JSON, SARIF or GitHub annotations.

Positions are 1-based. ``end_column`` is *exclusive* (the column just after the last
character of the span), as in SARIF's ``endColumn``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar


class Severity(enum.IntEnum):
    """Ordered so that ``a >= b`` means "a is at least as serious as b"."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in sorted(cls, reverse=True))
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class RuleInfo:
    """Everything a user (or ``dockwise explain``) needs to know about one rule."""

    code: str  # "DL3008", "DW101", "DC001", "DI004"
    name: str  # kebab-case, unique: "apt-get-install-without-no-install-recommends"
    severity: Severity
    summary: str  # one line
    rationale: str  # why it costs: bytes, build time, security, shutdown behaviour
    bad_example: str = ""
    good_example: str = ""
    aliases: tuple[str, ...] = ()  # "hadolint:DL3008", "buildkit:JSONArgsRecommended", "CKV_DOCKER_3", ...
    fixable: bool = False
    # Off unless selected explicitly (by code, name, alias, a prefix or ALL): slow or noisy rules.
    default_enabled: bool = True

    @property
    def help_uri(self) -> str:
        return f"https://dockwise.dev/rules/{self.code}"


class Rule:
    """Base class of every rule. Subclasses set ``info``; they are discovered, not listed.

    Families subclass this further (``DockerfileRule``, ``ContextRule``, ``ImageRule``)
    with the ``check`` signature their input needs. See :mod:`dockwise.catalog`.
    """

    info: ClassVar[RuleInfo]


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None  # exclusive


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (0-based character offsets into the file) with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A machine-applicable repair. ``safe`` fixes keep the build's meaning; unsafe ones may not
    (``dockwise check --fix --unsafe-fixes`` applies those too)."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    aliases: tuple[str, ...] = ()
    fixable: bool = False
    # Free-form facts a renderer may show: {"layer": 3, "path": "/app/.git", "bytes": 8e8}.
    extra: dict[str, Any] = field(default_factory=dict)
    fix: Fix | None = None

    @classmethod
    def of(cls, info: RuleInfo, message: str, location: Location, *,
           severity: Severity | None = None, **extra: Any) -> "Finding":
        return cls(code=info.code, name=info.name, severity=severity or info.severity,
                   message=message, location=location, aliases=info.aliases,
                   fixable=info.fixable, extra=dict(extra))

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.file, loc.line or 0, loc.column or 0, self.code)
