"""Family 10: secrets baked into the image (names, values, and copied credential files).

Every message redacts the secret: it names the kind of secret and where it is, never its value.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Iterator
from functools import lru_cache
from collections import namedtuple

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import BodyWord, all_instructions, instruction_words, split_body, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.syntax.tree import Span

ADVICE = "pass it at build time with `RUN --mount=type=secret,id=…` (or at run time) instead"

# BuildKit's SecretsUsedInArgOrEnv: a secret word as the whole name or an underscore-separated part.
SECRET_NAME = lazy_compile(
    r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)")
# BuildKit allows "public"; dockwise also allows names that hold a *reference* to a secret
# (`*_FILE`, `*_PATH`, `*_DIR`, `*_URL`, `*_ENDPOINT`, `SSH_AUTH_SOCK`), GPG/PGP key fingerprints
# (public by design) and settings *about* a secret (`ALLOW_EMPTY_PASSWORD`, `AUTH_TYPE`).
ALLOWED_NAME = lazy_compile(
    r"(?i)(?:_|^)(?:public|file|path|dir|url|endpoint|sock|socket|gpg|pgp|fingerprint|allow|dont|"
    r"empty|usage|enable|enabled|disable|disabled|method|mode|type|length|policy|prompt)(?:_|$)")
# Values that cannot be the secret itself: a path to it, or an on/off switch.
NOT_A_SECRET_VALUE = lazy_compile(r"(?i)^(?:/.*|true|false|yes|no|on|off|0|1)$")


CAMEL_HUMP = lazy_compile(r"([a-z0-9])([A-Z])")


def secret_looking_name(name: str) -> bool:
    """BuildKit's SecretsUsedInArgOrEnv test, with camelCase humps read as `_` (`apiKey`)."""
    name = CAMEL_HUMP.sub(r"\1_\2", name)
    return bool(SECRET_NAME.search(name)) and not ALLOWED_NAME.search(name)


class Assignment(namedtuple("Assignment", "name name_text value value_start value_end")):
    """One KEY[=value] pair: ``name`` (a BodyWord) and its text, ``value`` (None for an ARG
    without default) and the value's body index range. (namedtuple: see BodyWord.)"""

    __slots__ = ()


def assignments(instr, escape: str) -> list[Assignment]:
    """The KEY[=value] pairs of an ARG, ENV or LABEL (legacy `ENV KEY value` too), with body positions."""
    words = split_body(instr.body, escape)
    if not words:
        return []
    if instr.keyword in ("ENV", "LABEL") and "=" not in words[0].raw:
        first = words[0]
        rest_start = words[1].start if len(words) > 1 else first.end
        value = instr.body[rest_start:].strip()
        return [Assignment(first, first.value, value, rest_start, rest_start + len(value))]
    found = []
    for word in words:
        name, eq, _ = word.raw.partition("=")
        name_word = BodyWord(name, name, word.start, word.start + len(name))
        if not eq:
            found.append(Assignment(name_word, name, None, word.end, word.end))
        else:
            value = word.value.partition("=")[2]
            found.append(Assignment(name_word, name, value, word.start + len(name) + 1, word.end))
    return found


class SecretNameInArgOrEnv(DockerfileRule):
    info = RuleInfo(
        code="DW911",
        name="secret-in-arg-or-env",
        severity=Severity.WARNING,
        summary="An ARG or ENV name says it holds a secret.",
        rationale=(
            "ENV values are stored in the image config and ARG values in its build history: anyone "
            "who can pull the image reads them with `docker history` or `docker inspect`."),
        bad_example="FROM python:3.12-slim\nARG GITHUB_TOKEN\nRUN git clone https://$GITHUB_TOKEN@github.com/org/repo\n",
        good_example=("# syntax=docker/dockerfile:1\nFROM python:3.12-slim\n"
                      "RUN --mount=type=secret,id=github_token \\\n"
                      "    git clone https://$(cat /run/secrets/github_token)@github.com/org/repo\n"),
        aliases=("buildkit:SecretsUsedInArgOrEnv", "hadolint:DL3064"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword not in ("ARG", "ENV"):
                continue
            for pair in assignments(instr, target.dockerfile.escape):
                if not secret_looking_name(pair.name_text):
                    continue
                if pair.value and NOT_A_SECRET_VALUE.match(pair.value.strip()):
                    continue
                if instr.keyword == "ENV" and pair.value is not None and not pair.value.strip():
                    continue  # `ENV DB_PASSWORD=""` declares it for `docker run -e`; nothing stored
                where = ("is stored in the image config (`docker inspect` shows it)"
                         if instr.keyword == "ENV" else "is recorded in the image history of every RUN that uses it")
                yield target.finding(
                    self.info,
                    f"`{instr.keyword} {pair.name_text}` looks like a secret; its value {where}; {ADVICE}",
                    word_span(instr, pair.name))


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


SECRET_FILE_GLOBS = (
    ".env", ".env.*", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "*.key",
    "*.p12", "*.pfx", "*.keystore", "keystore.jks", ".npmrc", ".pypirc", ".netrc", ".git-credentials",
    "credentials", "config.json", "kubeconfig", "*.kubeconfig", "htpasswd", ".htpasswd",
    "secrets.yml", "secrets.yaml", "secrets.json",
)
NOT_SECRET = (".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults")
# Files that are only secret in their usual folder.
FOLDER_BOUND = {"credentials": (".aws",), "config.json": (".docker",), "config": (".kube",)}


# A .pem holds certificates (public) as often as keys: only names that say "key" count.
PEM_KEY_HINTS = ("key", "priv", "_pk", "-pk", "secret", "cred")
PUBLIC_HINTS = ("pub", "cert", "chain", "trust", "ca.", "ca-", "ca_")


def secret_file_kind(path: str) -> bool:
    norm = path.replace("\\", "/").rstrip("/")
    base = norm.rsplit("/", 1)[-1]
    lower = base.lower()
    if base in NOT_SECRET or lower.endswith(".pub"):
        return False
    if lower.endswith((".pem", ".key", ".jks")):
        if any(h in lower for h in PUBLIC_HINTS) and "priv" not in lower:
            return False
        if lower.endswith(".pem"):
            return any(h in lower for h in PEM_KEY_HINTS)
    if base in FOLDER_BOUND:
        parent = norm.rsplit("/", 2)[-2] if "/" in norm else ""
        return parent in FOLDER_BOUND[base]
    return any(fnmatch.fnmatchcase(base, glob) for glob in SECRET_FILE_GLOBS)


class SecretFileCopied(DockerfileRule):
    info = RuleInfo(
        code="DW913",
        name="secret-file-copied-into-image",
        severity=Severity.ERROR,
        summary="COPY/ADD puts a credentials file (.env, private key, .npmrc, cloud config) into the image.",
        rationale=(
            "A file copied into a layer stays in the image even if a later RUN deletes it: anyone "
            "who pulls the image can extract it with `docker save`."),
        bad_example="FROM node:22-slim\nCOPY .npmrc /root/.npmrc\nRUN npm ci\n",
        good_example=("# syntax=docker/dockerfile:1\nFROM node:22-slim\n"
                      "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        # `COPY . .` with a .env in an un-ignored context is the context check's finding (DC007),
        # which reads the real .dockerignore; this rule judges the sources the Dockerfile names.
        for instr in all_instructions(target.model):
            if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None or instr.heredocs:
                continue
            words = instruction_words(instr, target.dockerfile.escape)
            for word in words[:-1]:
                if word.value.startswith(("http://", "https://", "git@")):
                    continue
                if secret_file_kind(word.value):
                    yield target.finding(
                        self.info,
                        f"`{word.value}` looks like a credentials file and is copied into a layer, "
                        f"where anyone who pulls the image can read it; {ADVICE}",
                        word_span(instr, word))
