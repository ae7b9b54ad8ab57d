"""LABEL keys that break Docker's key format or use a reserved namespace."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._assignments import assignments
from dockwise.rules._instr_words import all_instructions, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


RESERVED_LABEL_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")
LABEL_KEY = lazy_compile(r"^[a-z](?:[a-z0-9_]|[.-](?=[a-z0-9_]))*$")


class InvalidLabelKey(DockerfileRule):
    info = RuleInfo(
        code="DL3048",
        name="invalid-label-key",
        severity=Severity.STYLE,
        summary="Label keys: lowercase letters, digits, single `.`/`-`; no Docker-reserved namespace.",
        rationale=("Tools that read labels (registries, scanners, orchestrators) expect the documented "
                   "key format; `com.docker.*`, `io.docker.*` and `org.dockerproject.*` are reserved."),
        bad_example="FROM alpine:3.20\nLABEL Version=1.0\n",
        good_example="FROM alpine:3.20\nLABEL org.opencontainers.image.version=1.0\n",
        aliases=("hadolint:DL3048",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "LABEL":
                continue
            for pair in assignments(instr, target.dockerfile.escape):
                key = pair.name_text.strip("\"'")
                if "$" in key:
                    continue
                if key.startswith(RESERVED_LABEL_PREFIXES):
                    why = "uses a namespace Docker reserves for itself"
                elif not LABEL_KEY.match(key):
                    why = ("is not lowercase letters, digits and `_` separated by single `.` or `-`, "
                           "starting with a letter")
                else:
                    continue
                yield target.finding(
                    self.info, f"label key `{key}` {why}; use e.g. `org.opencontainers.image.*` keys",
                    word_span(instr, pair.name))
