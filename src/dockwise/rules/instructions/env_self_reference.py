"""ENV that refers to a variable the same instruction sets."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._assignments import assignments
from dockwise.rules._instr_words import all_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule


VAR_REF = lazy_compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}$]*\}?|([A-Za-z_][A-Za-z0-9_]*))")


class EnvSelfReference(DockerfileRule):
    info = RuleInfo(
        code="DL3044",
        name="env-refers-to-same-instruction",
        severity=Severity.ERROR,
        summary="An ENV value uses a variable set earlier in the same ENV instruction.",
        rationale=("All values of one ENV are expanded before any is set: `ENV A=1 B=$A` gives B "
                   "the old value of A (usually empty), not 1."),
        bad_example="FROM debian:12\nENV APP=/app LOGS=$APP/logs\n",
        good_example="FROM debian:12\nENV APP=/app\nENV LOGS=$APP/logs\n",
        aliases=("hadolint:DL3044",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "ENV":
                continue
            defined: set[str] = set()
            for pair in assignments(instr, target.dockerfile.escape):
                raw = instr.body[pair.value_start:pair.value_end]
                for m in VAR_REF.finditer(raw):
                    name = m.group(1) or m.group(2)
                    if name in defined:
                        start = pair.value_start + m.start()
                        yield target.finding(
                            self.info,
                            f"`${name}` here is expanded before this ENV sets `{name}`, so it gets "
                            f"the previous value, not the one on this line; move `{pair.name_text}` "
                            "into its own ENV after this one",
                            instr.span_of(start, pair.value_start + m.end()))
                defined.add(pair.name_text)
