"""EXPOSE with a protocol BuildKit does not know."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import split_body
from dockwise.rules.base import CheckTarget, DockerfileRule

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.rules._instr_words import BodyWord
    from dockwise.syntax.tree import Instruction


PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


class InvalidExposeProtocol(DockerfileRule):
    info = RuleInfo(
        code="DW005",
        name="invalid-expose-protocol",
        severity=Severity.ERROR,
        summary="EXPOSE knows the protocols tcp, udp and sctp only.",
        rationale=("BuildKit fails with `invalid proto` when a port names another protocol "
                   "(`80/http`, `443/https`, `53/dns`): the protocol is the transport, not the "
                   "application protocol."),
        bad_example="FROM nginx:1.27\nEXPOSE 80/http\n",
        good_example="FROM nginx:1.27\nEXPOSE 80/tcp\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword != "EXPOSE" or instr.json_form:
                continue
            for word in split_body(instr.body, target.dockerfile.escape):
                yield from self._check_port(target, instr, word)

    def _check_port(self, target: CheckTarget, instr: "Instruction", word: "BodyWord") -> Iterator[Finding]:
        # BuildKit removes quotes, then Docker's port parser takes the part after the first
        # '/' as the protocol (tcp when empty).
        parts = word.value.split("/")
        if "$" in word.raw or len(parts) < 2 or not parts[0] or not parts[1]:
            return
        proto = parts[1]
        if proto.lower() in PROTOCOLS:
            return
        span = instr.span_of(word.start, word.end)
        if word.raw == word.value:
            at = word.start + len(parts[0]) + 1
            span = instr.span_of(at, at + len(proto))
        yield target.finding(
            self.info, f"unknown protocol `{proto}` in `{word.value}`: BuildKit fails with "
            "`invalid proto`; use tcp, udp or sctp (`80/tcp`), or leave it out for tcp", span)
