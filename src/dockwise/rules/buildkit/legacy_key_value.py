"""``ENV key value`` instead of ``ENV key=value``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules._instr_words import split_body, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


SAFE_LEGACY_VALUE = re.compile(r"[^\"'$\\`\n]*")


class LegacyKeyValueFormat(DockerfileRule):
    info = RuleInfo(
        code="DW902",
        name="legacy-key-value-format",
        severity=Severity.INFO,
        summary="`ENV key value` / `LABEL key value`: use the `key=value` form.",
        rationale=("The legacy form takes the whole rest of the line as one value, so `ENV A b C=d` "
                   "silently sets A to \"b C=d\"; it is deprecated and ambiguous to readers."),
        bad_example="FROM alpine:3.20\nENV APP_HOME /srv/app\n",
        good_example="FROM alpine:3.20\nENV APP_HOME=/srv/app\n",
        aliases=("buildkit:LegacyKeyValueFormat",),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in target.dockerfile.instructions:
            nested = instr.onbuild or instr
            if nested.keyword not in ("ENV", "LABEL"):
                continue
            words = split_body(nested.body, target.dockerfile.escape)
            if not words or "=" in words[0].raw:
                continue
            key = words[0]
            value = nested.body[key.end:].strip()
            yield target.finding(
                self.info,
                f"`{nested.keyword} {key.raw} …` uses the legacy space-separated form, which takes "
                f"the whole rest of the line as the value; write `{nested.keyword} {key.raw}=…`",
                word_span(nested, key), fix=self._fix(nested, key, value))

    @staticmethod
    def _fix(instr, key, value: str) -> Fix | None:
        """``KEY value`` -> ``KEY=value`` (quoted when it holds blanks). Only the gap after the
        key and the end of the value are edited, so a value continued over several lines keeps
        its lines (and the comment lines between them) instead of being joined into one."""
        if "\n" in instr.body or not value or not SAFE_LEGACY_VALUE.fullmatch(value):
            return None
        quote = '"' if any(c.isspace() for c in value) else ""
        body = instr.body
        value_start = key.end + (len(body[key.end:]) - len(body[key.end:].lstrip()))
        value_end = len(body.rstrip())
        gap = Edit(instr.source_offset(key.end), instr.source_offset(value_start), "=" + quote)
        if not quote:
            return Fix("rewrite as key=value", (gap,))
        end = instr.source_offset(value_end - 1) + 1
        return Fix("rewrite as key=value", (gap, Edit(end, end, quote)))
