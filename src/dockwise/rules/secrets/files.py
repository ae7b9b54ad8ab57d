"""Credential files copied into the image."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import all_instructions, instruction_words, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.secrets._advice import ADVICE


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
