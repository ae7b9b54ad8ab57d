"""The one findings model every part of dockwise reports through.

Dockerfile rules (``DL``/``DW``), build-context rules (``DC``) and image rules (``DI``)
all produce :class:`Finding` objects described by a :class:`RuleInfo`; ``dockwise.report``
renders them as text, JSON, SARIF or GitHub annotations.

Positions are 1-based. ``end_column`` is *exclusive* (the column just after the last
character of the span), as in SARIF's ``endColumn``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, ClassVar

from dockwise._record import DataRecord, FrozenRecord


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


class RuleInfo(FrozenRecord):
    """Everything a user (or ``dockwise explain``) needs to know about one rule."""

    __slots__ = ("code", "name", "severity", "summary", "rationale", "bad_example", "good_example",
                 "aliases", "fixable", "default_enabled", "other_severities")

    code: str  # "DL3008", "DW101", "DC001", "DI004"
    name: str  # kebab-case, unique: "apt-get-install-without-no-install-recommends"
    severity: Severity
    summary: str  # one line
    rationale: str  # why it costs: bytes, build time, security, shutdown behaviour
    bad_example: str
    good_example: str
    # "buildkit:JSONArgsRecommended", "CKV_DOCKER_3", ...; a DL rule's "hadolint:DL3008" comes first,
    # derived from its code (a DL code is hadolint's code for the same check)
    aliases: tuple[str, ...]
    fixable: bool
    # Off unless selected explicitly (by code, name, alias, a prefix or ALL): slow or noisy rules.
    default_enabled: bool
    # Severities a finding of this rule may carry besides ``severity`` (DW101: info for a tag
    # without its patch level); `dockwise rules` and `explain` show them, the tests hold rules to them.
    other_severities: tuple[Severity, ...]

    def __init__(self, code: str, name: str, severity: Severity, summary: str, rationale: str,
                 bad_example: str = "", good_example: str = "", aliases: tuple[str, ...] = (),
                 fixable: bool = False, default_enabled: bool = True,
                 other_severities: tuple[Severity, ...] = ()) -> None:
        if code.startswith("DL"):
            aliases = (f"hadolint:{code}",) + tuple(a for a in aliases if a != f"hadolint:{code}")
        self._set(code=code, name=name, severity=severity, summary=summary, rationale=rationale,
                  bad_example=bad_example, good_example=good_example, aliases=aliases,
                  fixable=fixable, default_enabled=default_enabled, other_severities=other_severities)

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity its findings may have, the default first."""
        return (self.severity, *self.other_severities)

    @property
    def severity_label(self) -> str:
        """``warning`` or, for a rule that may report at other levels, ``warning/info``."""
        return "/".join(str(s) for s in self.severities)

    @property
    def help_uri(self) -> str:
        return f"https://dockwise.dev/rules/{self.code}"


class Rule:
    """The one rule contract. A rule sets ``info`` and ``target_kind`` and implements
    ``check``; it is discovered (:mod:`dockwise.catalog`), not listed, and run by
    :mod:`dockwise.engine`, which hands it the :class:`Target` of its kind and turns an
    exception into one error line.

    ``DockerfileRule``, ``ContextRule`` and ``ImageRule`` below only name the kind, so that a
    runner gives each rule the target it reads.
    """

    info: ClassVar[RuleInfo]
    target_kind: ClassVar[str] = ""  # "dockerfile", "context" or "image"

    def check(self, target: "Target") -> Iterable["Finding"]:
        raise NotImplementedError


class DockerfileRule(Rule):
    """A rule over one Dockerfile and its build model (:class:`dockwise.rules.base.CheckTarget`)."""

    target_kind = "dockerfile"


class ContextRule(Rule):
    """A rule over one build context and the Dockerfile built from it, if known
    (:class:`dockwise.context.check.ContextTarget`)."""

    target_kind = "context"


class ImageRule(Rule):
    """A rule over one analysed image (:class:`dockwise.image.rules.base.ImageTarget`)."""

    target_kind = "image"


class Target:
    """What a rule sees, whatever its kind: the one way to make a finding.

    A target turns the place a rule names (``at``: a syntax span, a :class:`Location`, or None
    for the target as a whole) into a :class:`Location` through :meth:`locate`; everything
    else about a finding is the same for every kind.
    """

    __slots__ = ()

    def locate(self, at: Any) -> "Location":
        raise NotImplementedError

    def message(self, text: str) -> str:
        """The message as findings carry it (a target whose messages quote file names escapes them)."""
        return text

    def finding(self, info: RuleInfo, message: str, at: Any = None, *,
                severity: Severity | None = None, fix: "Fix | None" = None, **extra: Any) -> "Finding":
        """A finding of rule ``info`` at ``at`` (1-based line/column, exclusive end). A severity
        the rule does not declare is a bug in the rule (`rules` and `explain` would not show it)."""
        if severity is not None and severity != info.severity and severity not in info.other_severities:
            raise ValueError(f"{info.code} reports at {severity}, which its RuleInfo does not declare")
        found = Finding.of(info, self.message(message), self.locate(at), severity=severity, **extra)
        found.fix = fix
        return found


def span_location(file: str, span: Any) -> "Location":
    """The location of a syntax span (anything with ``start``/``end`` line and column) in ``file``."""
    return Location(file, span.start.line, span.start.column, span.end.line, span.end.column)


class Location(FrozenRecord):
    __slots__ = ("file", "line", "column", "end_line", "end_column")

    file: str
    line: int | None
    column: int | None
    end_line: int | None
    end_column: int | None  # exclusive

    def __init__(self, file: str, line: int | None = None, column: int | None = None,
                 end_line: int | None = None, end_column: int | None = None) -> None:
        set_ = object.__setattr__
        set_(self, "file", file)
        set_(self, "line", line)
        set_(self, "column", column)
        set_(self, "end_line", end_line)
        set_(self, "end_column", end_column)


class Edit(FrozenRecord):
    """Replace ``text[start:end]`` (0-based character offsets into the file) with ``replacement``."""

    __slots__ = ("start", "end", "replacement")

    start: int
    end: int
    replacement: str

    def __init__(self, start: int, end: int, replacement: str) -> None:
        self._set(start=start, end=end, replacement=replacement)


class Fix(FrozenRecord):
    """A machine-applicable repair. ``safe`` fixes keep the build's meaning; unsafe ones may not
    (``dockwise check --fix --unsafe-fixes`` applies those too)."""

    __slots__ = ("description", "edits", "safe")

    description: str
    edits: tuple[Edit, ...]
    safe: bool

    def __init__(self, description: str, edits: tuple[Edit, ...], safe: bool = True) -> None:
        self._set(description=description, edits=edits, safe=safe)


class Finding(DataRecord):
    __slots__ = ("code", "name", "severity", "message", "location", "aliases", "fixable", "extra",
                 "fix")

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    aliases: tuple[str, ...]
    fixable: bool
    # Free-form facts a renderer may show: {"layer": 3, "path": "/app/.git", "bytes": 8e8}.
    extra: dict[str, Any]
    fix: Fix | None

    def __init__(self, code: str, name: str, severity: Severity, message: str, location: Location,
                 aliases: tuple[str, ...] = (), fixable: bool = False,
                 extra: dict[str, Any] | None = None, fix: Fix | None = None) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.location = location
        self.aliases = aliases
        self.fixable = fixable
        self.extra = {} if extra is None else extra
        self.fix = fix

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
