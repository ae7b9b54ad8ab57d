"""EXPOSE ports outside 0-65535."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import all_instructions, split_body, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


PORT_RANGE = lazy_compile(r"^(\d+)(?:-(\d+))?$")


class PortOutOfRange(DockerfileRule):
    info = RuleInfo(
        code="DL3011",
        name="expose-port-out-of-range",
        severity=Severity.ERROR,
        summary="EXPOSE a port between 0 and 65535.",
        rationale="A port above 65535 does not exist; the EXPOSE documents nothing real.",
        bad_example="FROM nginx:1.27\nEXPOSE 80000\n",
        good_example="FROM nginx:1.27\nEXPOSE 8000\n",
        aliases=("hadolint:DL3011",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "EXPOSE":
                continue
            for word in split_body(instr.body, target.dockerfile.escape):
                m = PORT_RANGE.match(word.value.split("/", 1)[0])
                if m and any(int(p) > 65535 for p in m.groups() if p):
                    yield target.finding(
                        self.info,
                        f"`{word.value}` is not a valid port (ports run from 0 to 65535); fix the number",
                        word_span(instr, word))
