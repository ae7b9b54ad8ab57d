"""Schema labels whose value is not of the declared type."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.labels._pairs import LabelPair, _info, label_pairs
from dockwise.rules.labels._values import VALIDATORS, is_email, is_semver
from dockwise.rules.labels.schema import _shown


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
