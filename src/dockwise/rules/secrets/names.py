"""ARG or ENV names that look like secrets."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.words import assignments
from dockwise.model.words import word_span
from dockwise.model.stages import all_instructions
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.secrets._advice import ADVICE


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


PLACEHOLDER_WORDS = frozenset({"changeme", "change_me", "change-me", "xxx",
                               "todo", "tbd", "none", "null", "dummy", "example", "placeholder"})


def placeholder(value: str) -> bool:
    """``changeme``, ``<your-key>``, ``FFFFFFFF00000000``: a dummy default that says the real
    value comes at run time (`docker run -e`), not a secret baked into the image."""
    text = value.strip("\"'")
    if text.lower() in PLACEHOLDER_WORDS or (text.startswith("<") and text.endswith(">")):
        return True
    return len(text) >= 8 and len(set(text.lower())) <= 2


CAMEL_HUMP = lazy_compile(r"([a-z0-9])([A-Z])")


def secret_looking_name(name: str) -> bool:
    """BuildKit's SecretsUsedInArgOrEnv test, with camelCase humps read as `_` (`apiKey`)."""
    name = CAMEL_HUMP.sub(r"\1_\2", name)
    return bool(SECRET_NAME.search(name)) and not ALLOWED_NAME.search(name)


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
                if pair.value and (NOT_A_SECRET_VALUE.match(pair.value.strip())
                                   or placeholder(pair.value.strip())):
                    continue  # a flag, a path, or a dummy default overridden at run time
                if instr.keyword == "ENV" and pair.value is not None and not pair.value.strip():
                    continue  # `ENV DB_PASSWORD=""` declares it for `docker run -e`; nothing stored
                where = ("is stored in the image config (`docker inspect` shows it)"
                         if instr.keyword == "ENV" else "is recorded in the image history of every RUN that uses it")
                yield target.finding(
                    self.info,
                    f"`{instr.keyword} {pair.name_text}` looks like a secret; its value {where}; {ADVICE}",
                    word_span(instr, pair.name))
