"""Family: image labels checked against the team's label schema (hadolint's ``label-schema``).

A ``.hadolint.yaml`` may declare the labels every image must carry and what each holds::

    label-schema:
      org.opencontainers.image.source: url
      org.opencontainers.image.licenses: spdx
      org.opencontainers.image.revision: hash
    strict-labels: true        # and no other labels

Every label of the schema is required (DL3049); with ``strict-labels`` a label outside it is a
finding (DL3050); a schema label that is set must not be empty (DL3051) and must hold its type:
url (DL3052), rfc3339 (DL3053), spdx (DL3054), hash (DL3055), semver (DL3056), email (DL3058).
Without a schema these rules find nothing. Values are judged after ARG/ENV expansion; a value
that depends on something unknown at lint time (an ARG without default) is not judged.
``ONBUILD LABEL`` labels the images built *from* this one, so it is not counted here.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise._record import Record
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import first_word_span, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


class LabelPair(Record):
    """One ``key=value`` of a LABEL instruction, expanded, with the spans findings point at."""

    __slots__ = ("instruction", "stage", "key", "value", "known", "key_span", "value_span")

    def __init__(self, instruction, stage, key: str, value: str, known: bool, key_span, value_span) -> None:
        self.instruction = instruction
        self.stage = stage  # None before the first FROM
        self.key = key
        self.value = value
        self.known = known  # False: the value depends on a variable unknown at lint time
        self.key_span = key_span
        self.value_span = value_span


def label_pairs(target: CheckTarget) -> list[LabelPair]:
    """Every label this Dockerfile sets (ONBUILD triggers excluded), in file order."""
    return target.memo("label-pairs", lambda: list(_label_pairs(target)))


def _label_pairs(target: CheckTarget) -> Iterator[LabelPair]:
    from dockwise.rules.secrets import assignments

    model = target.model
    for instr in target.dockerfile.instructions:
        if instr.keyword != "LABEL":
            continue
        values = model.expanded_args(instr)
        written = assignments(instr, target.dockerfile.escape)
        spans_match = len(written) * 2 == len(values)
        for index in range(0, len(values) - 1, 2):
            key, value = values[index], values[index + 1]
            if not key.known:
                continue  # `LABEL $NAME=...`: the key is not known, so neither is its schema entry
            if spans_match:
                pair = written[index // 2]
                key_span = word_span(instr, pair.name)
                value_span = instr.span_of(pair.value_start, pair.value_end)
            else:
                key_span = value_span = instr.keyword_span
            yield LabelPair(instr, model.stage_of(instr), key.text, value.text, value.known,
                            key_span, value_span)


# -- value checks --------------------------------------------------------------------------------

# scheme ":" and the rest, none of the characters a URI may not hold (RFC 3986).
_URL = lazy_compile(r"([A-Za-z][A-Za-z0-9+.-]*):([^\s<>\"{}|\\^`]+)")
_AUTHORITY = lazy_compile(r"//(?:[^/?#@\s]*@)?[^/?#@:\s]+(?::\d*)?(?:[/?#]\S*)?")
_NEEDS_HOST = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "git", "ssh", "oci"})


def is_url(text: str) -> bool:
    """An absolute URI; web schemes (``https:``...) also need a host (``https://host/...``)."""
    match = _URL.fullmatch(text)
    if match is None:
        return False
    if match.group(1).lower() in _NEEDS_HOST:
        return _AUTHORITY.fullmatch(match.group(2)) is not None
    return True


_RFC3339 = lazy_compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))")


def is_rfc3339(text: str) -> bool:
    """An RFC 3339 date-time (``2024-05-01T12:30:00Z``, ``...+02:00``) that names a real instant:
    month 1-12, a day the month has, hours < 24, minutes < 60, seconds <= 60 (leap second)."""
    match = _RFC3339.fullmatch(text)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    off_hour, off_minute = match.group(7, 8)
    return off_hour is None or (int(off_hour) <= 23 and int(off_minute) <= 59)


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


_GIT_HASH = lazy_compile(r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}")


def is_git_hash(text: str) -> bool:
    """A commit id: 7 to 40 hex digits (abbreviated or full SHA-1), or a full SHA-256 id."""
    return _GIT_HASH.fullmatch(text) is not None


_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_PART = r"[0-9A-Za-z-]+"
_SEMVER = lazy_compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:-{_PRE_PART}(?:\.{_PRE_PART})*)?"
    rf"(?:\+{_BUILD_PART}(?:\.{_BUILD_PART})*)?")


def is_semver(text: str) -> bool:
    """Semantic Versioning 2.0.0: ``MAJOR.MINOR.PATCH[-pre.release][+build]``, no leading zeros."""
    return _SEMVER.fullmatch(text) is not None


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = rf"(?:{_ATOM}(?:\.{_ATOM})*|\"(?:[^\"\\\r\n]|\\.)*\")"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[^\[\]\\\s]+\])"
_EMAIL = lazy_compile(rf"{_LOCAL}@{_DOMAIN}")


def is_email(text: str) -> bool:
    """An RFC 5322 address (``addr-spec``: ``team@example.com``), not ``Name <team@...>``."""
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


def is_spdx(text: str) -> bool:
    from dockwise.rules._spdx import is_license_expression

    return is_license_expression(text)


# type -> (is valid, what the value should look like)
VALIDATORS = {
    "url": (is_url, "an absolute URL such as `https://github.com/org/app`"),
    "rfc3339": (is_rfc3339, "an RFC 3339 time such as `2024-05-01T12:30:00Z`"),
    "spdx": (is_spdx, "an SPDX license id or expression such as `Apache-2.0` or `MIT OR Apache-2.0`"),
    "hash": (is_git_hash, "a git commit id (7 to 40 hex digits), e.g. from `git rev-parse HEAD`"),
    "semver": (is_semver, "a semantic version such as `1.4.2` or `2.0.0-rc.1`"),
    "email": (is_email, "a bare e-mail address such as `team@example.com`"),
}


# -- rules ---------------------------------------------------------------------------------------

ACTIVATION = (" Active only when .hadolint.yaml declares a `label-schema` or "
              "`dockwise check --require-label NAME:TYPE` names labels.")


def _info(code: str, name: str, severity: Severity, summary: str, rationale: str, bad: str,
          good: str, activation: str = ACTIVATION) -> RuleInfo:
    return RuleInfo(code=code, name=name, severity=severity, summary=summary,
                    rationale=rationale + activation, bad_example=bad, good_example=good,
                    aliases=(f"hadolint:{code}",))


class RequiredLabelMissing(DockerfileRule):
    """A stage lacks a schema label, and so does every stage built from or copying it.

    A stage "has" the label when it sets it or a stage it is built FROM does. A stage without it
    is still fine when a stage that reads it (``FROM``, ``COPY --from``, ``RUN --mount=from=``)
    is fine: an intermediate build stage feeds a labelled image and is never shipped itself."""

    info = _info(
        "DL3049", "required-label-missing", Severity.INFO,
        "A label the label schema requires is missing from an image this Dockerfile builds.",
        ("Registries, scanners and deploy tooling find an image's source, owner, revision and "
         "license through its labels; an image without them cannot be traced back to its code or "
         "team, and policy gates that require them reject it."),
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}\n"
        "FROM alpine:3.20\nCMD [\"app\"]\n",
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/org/app\n"
        "CMD [\"app\"]\n")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        schema = target.config.label_schema
        if not schema:
            return
        set_by_stage: dict[int, set[str]] = {}
        for pair in label_pairs(target):
            if pair.stage is not None:
                set_by_stage.setdefault(pair.stage.index, set()).add(pair.key)
        built = _built_stage_indexes(target.model)
        for name, _kind in schema:
            for stage in _stages_missing(target.model, name, set_by_stage):
                if built is not None and stage.index not in built:
                    continue
                yield target.finding(
                    self.info,
                    f"label `{name}` of the label schema is missing from stage {stage.label}: tools "
                    f"that read labels cannot trace this image; add `LABEL {_label_key(name)}=<value>`",
                    first_word_span(stage.from_instruction, target.dockerfile.escape))


def _label_key(name: str) -> str:
    """``name`` as a LABEL key is written: quoted when it holds blanks, quotes, ``=`` or ``$``."""
    if name and not any(ch.isspace() or ch in "\"'=$\\" for ch in name):
        return name
    escaped = "".join("\\" + ch if ch in "\"\\$" else ch for ch in name)
    return f'"{escaped}"'


def _shown(value: str, limit: int = 80) -> str:
    """A label value as a message quotes it: long ones cut in the middle (the span shows it all)."""
    if len(value) <= limit:
        return value
    half = (limit - 5) // 2
    return f"{value[:half]} ... {value[-half:]}"


def _built_stage_indexes(model) -> set[int] | None:
    """With ``--target`` naming an earlier stage, the stages that build needs (the others are
    never built, so their labels cannot matter); None when the last stage is the target, where
    every stage is judged as hadolint judges it."""
    stages = model.stages
    if not stages or model.final_stage is None or model.final_stage is stages[-1]:
        return None
    return {stage.index for stage in model.required_stages()}


def _stages_missing(model, name: str, set_by_stage: dict[int, set[str]]) -> list:
    """The stages without label ``name`` whose readers are all without it too: the label is
    "covered" where a stage or one it is built FROM sets it, and from each covered stage the
    cover spreads to the stages it reads. Linear in stages and edges (a worklist, no recursion)."""
    covered: set[int] = set()
    for stage in model.stages:  # a FROM names an earlier stage, so its parent is decided already
        parent = stage.base_stage
        if name in set_by_stage.get(stage.index, ()) or (parent is not None and parent.index in covered):
            covered.add(stage.index)
    reads: dict[int, list[int]] = {}
    for edge in model.edges:
        reads.setdefault(edge.dst.index, []).append(edge.src.index)
    pending = list(covered)
    while pending:
        for source in reads.get(pending.pop(), ()):
            if source not in covered:
                covered.add(source)
                pending.append(source)
    return [stage for stage in model.stages if stage.index not in covered]


class SuperfluousLabel(DockerfileRule):
    info = _info(
        "DL3050", "label-not-in-schema", Severity.INFO,
        "With `strict-labels`, a label outside the label schema.",
        ("A strict schema is the team's contract for what images say about themselves; an extra "
         "key is usually a typo of a schema label (so the real one is missing) or metadata "
         "nobody maintains."),
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}, strict-labels: true\n"
        "FROM alpine:3.20\nLABEL source=https://github.com/org/app\n",
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}, strict-labels: true\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/org/app\n",
        " Active only with `strict-labels: true` in .hadolint.yaml or `dockwise check "
        "--strict-labels` (every label is then judged against the label schema).")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        config = target.config
        if not config.strict_labels:
            return
        known = config.label_types
        for pair in label_pairs(target):
            if pair.key not in known:
                yield target.finding(
                    self.info,
                    f"label `{pair.key}` is not in the label schema and `strict-labels` is on: "
                    "remove it, fix its name, or add it to `label-schema` in .hadolint.yaml",
                    pair.key_span)


class EmptyLabel(DockerfileRule):
    info = _info(
        "DL3051", "schema-label-empty", Severity.WARNING,
        "A label of the label schema is set to an empty value.",
        ("An empty label satisfies the letter of the schema but tells nothing: tooling that reads "
         "it (provenance, ownership, licence scans) gets a blank, usually because a build ARG "
         "was not passed."),
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.vendor: text}\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.vendor=\"\"\n",
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.vendor: text}\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.vendor=\"Example Corp\"\n")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        known = target.config.label_types
        if not known:
            return
        for pair in label_pairs(target):
            if pair.key in known and pair.known and not pair.value.strip():
                yield target.finding(
                    self.info,
                    f"label `{pair.key}` of the label schema is empty, so it tells tooling nothing; "
                    "give it a value (if it comes from a build ARG, make sure the build passes it)",
                    pair.value_span)


class _TypedLabel(DockerfileRule):
    """A schema label of type ``kind`` whose (non-empty, known) value is not of that type."""

    kind = ""
    why = ""

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        wanted = {name for name, kind in target.config.label_schema if kind == self.kind}
        if not wanted:
            return
        valid, looks_like = VALIDATORS[self.kind]
        for pair in label_pairs(target):
            value = pair.value.strip()
            if pair.key in wanted and pair.known and value and not valid(value):
                yield target.finding(
                    self.info,
                    f"label `{pair.key}` should hold {looks_like}, not `{_shown(pair.value)}`: "
                    f"{self.why}{self._legacy_hint(pair) or self._hint(value)}",
                    pair.value_span)

    def _hint(self, value: str) -> str:
        return ""

    @staticmethod
    def _legacy_hint(pair: LabelPair) -> str:
        """``LABEL key = value`` is the legacy ``LABEL key value`` form: the value is ``= value``
        (and any further "pairs" on the line), which is why it fails the type check."""
        if pair.value.startswith("=") and pair.value[1:2].isspace():
            return ("; `LABEL key = value` sets the label to everything after the key, `=` "
                    "included: write `key=value` without blanks around `=`")
        return ""


def _typed_info(code: str, name: str, kind: str, noun: str, why: str, key: str, bad: str,
                good: str) -> RuleInfo:
    head = f"# .hadolint.yaml: label-schema: {{{key}: {kind}}}\nFROM alpine:3.20\n"
    return _info(code, name, Severity.WARNING,
                 f"A label of type `{kind}` in the label schema does not hold {noun}.", why,
                 f"{head}LABEL {key}={bad}\n", f"{head}LABEL {key}={good}\n")


class LabelNotUrl(_TypedLabel):
    kind = "url"
    why = "tools link to it (registries show it as the source), so it must be a whole URL"
    info = _typed_info(
        "DL3052", "label-not-url", "url", "a URL",
        "Registries and scanners turn the label into a link to the source or docs; a value that is "
        "not an absolute URL gives a dead link or none.",
        "org.opencontainers.image.source", "github.com/org/app", "https://github.com/org/app")

    def _hint(self, value: str) -> str:
        return "; add the scheme (`https://`)" if ":" not in value and "." in value else ""


class LabelNotRfc3339(_TypedLabel):
    kind = "rfc3339"
    why = "tools parse it as a timestamp and cannot read other formats"
    info = _typed_info(
        "DL3053", "label-not-rfc3339-time", "rfc3339", "an RFC 3339 time",
        "Build-time labels are compared and sorted by tools (cleanup policies, provenance); a "
        "date in another format cannot be parsed, so the image looks undated.",
        "org.opencontainers.image.created", "\"05/01/2024 12:30\"", "2024-05-01T12:30:00Z")

    def _hint(self, value: str) -> str:
        return "; `date -u +%Y-%m-%dT%H:%M:%SZ` prints one" if value else ""


class LabelNotSpdx(_TypedLabel):
    kind = "spdx"
    why = "licence scanners read SPDX ids and treat anything else as an unknown licence"
    info = _typed_info(
        "DL3054", "label-not-spdx-license", "spdx", "an SPDX license expression",
        "Licence compliance tools match SPDX identifiers; a free-form name (`Apache 2`) is an "
        "unknown licence to them and blocks or hides the image in audits.",
        "org.opencontainers.image.licenses", "\"Apache 2\"", "Apache-2.0")


class LabelNotGitHash(_TypedLabel):
    kind = "hash"
    why = "it must name the commit the image was built from"
    info = _typed_info(
        "DL3055", "label-not-git-hash", "hash", "a git commit id",
        "The revision label ties an image to the exact commit it was built from; a branch name or "
        "tag moves, so the image can no longer be traced to its code.",
        "org.opencontainers.image.revision", "main", "43c572f1272b6b3171dd1db9e41b7027128ce080")


class LabelNotSemver(_TypedLabel):
    kind = "semver"
    why = "tools compare versions by semantic-versioning rules"
    info = _typed_info(
        "DL3056", "label-not-semver", "semver", "a semantic version",
        "Deploy and cleanup tooling orders images by the version label; a value that is not a "
        "semantic version sorts wrongly or not at all.",
        "org.opencontainers.image.version", "v1.4", "1.4.0")

    def _hint(self, value: str) -> str:
        if value[:1] in "vV" and is_semver(value[1:]):
            return f"; drop the leading `{value[0]}` (`{value[1:]}`)"
        return ""


class LabelNotEmail(_TypedLabel):
    kind = "email"
    why = "tools send notices to it, so it must be one address"
    info = _typed_info(
        "DL3058", "label-not-email", "email", "an e-mail address",
        "Owner and contact labels are how security teams reach an image's maintainers; a value "
        "that is not an e-mail address leaves them with nobody to write to.",
        "maintainer", "\"platform team\"", "platform@example.com")

    def _hint(self, value: str) -> str:
        if "<" in value and value.endswith(">") and is_email(value[value.rfind("<") + 1:-1]):
            return "; write only the address, without the name and `<>`"
        return ""
