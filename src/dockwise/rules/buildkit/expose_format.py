"""EXPOSE written with an IP, a host port or an upper-case protocol."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import split_body, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.buildkit._fixes import _replace


VARIABLE = re.compile(r"\$\{[^}]*\}?|\$\w+")


class ExposeFormat(DockerfileRule):
    info = RuleInfo(
        code="DW907",
        name="expose-format",
        severity=Severity.WARNING,
        summary="EXPOSE takes ports (`80`, `8000/tcp`, `53/udp`): no IP address or host mapping, lowercase protocol.",
        rationale=("An IP address or host port in EXPOSE is ignored (publishing is decided by "
                   "`docker run -p`), so the file claims a mapping that never happens."),
        bad_example="FROM nginx:1.27\nEXPOSE 127.0.0.1:8080:80/TCP\n",
        good_example="FROM nginx:1.27\nEXPOSE 80/tcp\n",
        aliases=("buildkit:ExposeInvalidFormat", "buildkit:ExposeProtoCasing"),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            if instr.keyword != "EXPOSE":
                continue
            for word in split_body(instr.body, target.dockerfile.escape):
                yield from self._check_port(target, instr, word)

    def _check_port(self, target: CheckTarget, instr, word) -> Iterator[Finding]:
        port, _, proto = word.value.partition("/")
        span = word_span(instr, word)
        if ":" in VARIABLE.sub("", port):  # `${PORT:-80}` is a default, not a host mapping
            yield target.finding(
                self.info,
                f"`{word.value}` maps an IP address or host port, which EXPOSE ignores (use "
                f"`docker run -p`); expose only the container port `{port.rsplit(':', 1)[-1]}`",
                span)
        elif proto and proto != proto.lower():
            fixed = f"{port}/{proto.lower()}"
            yield target.finding(
                self.info,
                f"protocol `{proto}` should be lowercase; write `{fixed}`",
                span, fix=_replace(span, fixed, "lowercase the protocol") if word.raw == word.value else None)
