"""Secret values (tokens, keys, passwords) written in the Dockerfile."""

from __future__ import annotations

import math
import re
from collections import namedtuple
from collections.abc import Iterator
from functools import lru_cache

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import all_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.secrets._advice import ADVICE
from dockwise.syntax.tree import Span


class SecretPattern(namedtuple("SecretPattern", "kind hints pattern group lower", defaults=(0, False))):
    """What a secret looks like: ``kind`` names it in messages; ``hints`` are cheap substring
    tests (the ``pattern`` regex runs only if one occurs), tested against the lower-cased text
    when ``lower``; ``group`` is the regex group that holds the secret."""

    __slots__ = ()


VALUE_PATTERNS = (
    SecretPattern("an AWS access key ID", ("AKIA", "ASIA"), r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    SecretPattern("a GitHub token", ("gh", "github_pat_"),
                  r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})"),
    SecretPattern("a private key", ("PRIVATE KEY",), r"-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----"),
    SecretPattern("a Slack token", ("xox",), r"\bxox[abposr]-[A-Za-z0-9-]{10,200}"),
    SecretPattern("a Stripe live key", ("_live_",), r"\b[sr]k_live_[0-9A-Za-z]{20,200}"),
    SecretPattern("a Google API key", ("AIza",), r"\bAIza[0-9A-Za-z_-]{35}\b"),
    SecretPattern("a password in a URL", ("://",),
                  r"\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@$]{1,100}:([^\s@/$]{6,100})@", 1),
    SecretPattern("a hard-coded password", ("pass", "pwd", "secret", "token", "key"),
                  r"(?i)\b(?:password|passwd|pwd|secret|token|api_?key)[\"']?\s{0,3}[=:]\s{0,3}[\"']?"
                  r"([A-Za-z0-9!#%^*_+.~-]{8,100})(?![^\s\"';&|])", 1, lower=True),
)


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    """Patterns are compiled on first use: most files never get past the substring hints."""
    return re.compile(pattern)


def _entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _plausible_generic(value: str) -> bool:
    """A literal that looks random enough to be a real password, not a placeholder or a path."""
    if value.startswith(("/", "<", "{", "%", "changeme", "example")) or "${" in value:
        return False
    classes = sum(any(f(ch) for ch in value) for f in (str.islower, str.isupper, str.isdigit))
    return classes >= 2 and _entropy(value) >= 3.0


def find_secret_values(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every secret-looking value in ``text``."""
    lowered = None
    for pattern in VALUE_PATTERNS:
        if pattern.lower:
            lowered = lowered if lowered is not None else text.lower()
            if not any(h in lowered for h in pattern.hints):
                continue
        elif not any(h in text for h in pattern.hints):
            continue
        for match in _compiled(pattern.pattern).finditer(text):
            start, end = match.span(pattern.group)
            if pattern.group and not _plausible_generic(match.group(pattern.group)):
                continue
            yield pattern.kind, start, end


def redact(value: str) -> str:
    return f"{value[:4]}… ({len(value)} characters, redacted)" if len(value) > 12 else "(redacted)"


class SecretValueInDockerfile(DockerfileRule):
    info = RuleInfo(
        code="DW912",
        name="secret-value-in-dockerfile",
        severity=Severity.ERROR,
        summary="A literal that looks like a real credential is written in the Dockerfile.",
        rationale=(
            "The value ships with the image (config, history or a layer) and with every copy of the "
            "Dockerfile in version control; it must be treated as leaked and rotated."),
        bad_example="FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
        good_example=("# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
                      "RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 ls\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword not in ("ARG", "ENV", "LABEL", "RUN", "COPY", "ADD"):
                continue
            yield from self._scan(target, instr, instr.body, instr.span_of)
            for heredoc in instr.heredocs:
                yield from self._scan(target, instr, heredoc.content, _heredoc_span_of(instr, heredoc))

    def _scan(self, target: CheckTarget, instr, text: str, span_of) -> Iterator[Finding]:
        taken: list[tuple[int, int]] = []
        for kind, start, end in find_secret_values(text):
            if any(start < e and s < end for s, e in taken):
                continue  # one finding per secret, by its most specific kind
            taken.append((start, end))
            yield target.finding(
                self.info,
                f"{kind} is written in this {instr.keyword} ({redact(text[start:end])}): it "
                f"ships in the image and in version control; rotate it and {ADVICE}",
                span_of(start, end), kind=kind)


def _heredoc_span_of(instr, heredoc):
    """Map heredoc content indices to the file; a `<<-` heredoc (tabs stripped) maps to its marker."""
    source = instr.source
    begin = heredoc.content_start.offset if heredoc.content_start else None
    exact = (begin is not None and not heredoc.chomp
             and source[begin - instr.span.start.offset:][:len(heredoc.content)] == heredoc.content)

    def span_of(start: int, end: int):
        if not exact:
            return heredoc.marker_span
        return Span(instr.position(begin + start), instr.position(begin + end))

    return span_of
