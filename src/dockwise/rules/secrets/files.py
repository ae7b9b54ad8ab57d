"""Credential files copied into the image."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.secrets import (
    CONTENT_SCAN_LIMIT, is_public_key_content, secret_by_name, secret_in_content,
)
from dockwise.model.copies import all_copy_sources
from dockwise.model.stages import ships
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.secrets._advice import ADVICE


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
        other_severities=(Severity.WARNING,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        # `COPY . .` with a .env in an un-ignored context is the context check's finding (DC007),
        # which reads the real .dockerignore; this rule judges the sources the Dockerfile names.
        for source in all_copy_sources(target.model):
            if not source.from_context:
                continue  # a URL, or another stage's or image's file
            what = _secret(target, source.text)
            if what is None:
                continue
            shipped = ships(target.model, source.instruction)
            where = ("a layer, where anyone who pulls the image can read it" if shipped else
                     f"a layer of a stage that does not ship, but stays in the build cache and in "
                     f"any cache exported with `--cache-to`")
            yield target.finding(
                self.info,
                f"`{source.text}` {what} and is copied into {where}; {ADVICE}",
                source.span, severity=None if shipped else Severity.WARNING)


def _secret(target: CheckTarget, path: str) -> str | None:
    """How ``path`` is a secret: by its content when the build context is at hand and the file
    is small enough to be a key or token file (a private key named `deploy_key` is one, a PGP
    public key named `gpg.key` is not), else by its name alone."""
    head = target.context.head(path, CONTENT_SCAN_LIMIT + 1) if target.context is not None else None
    if head is not None and len(head) <= CONTENT_SCAN_LIMIT:
        found = secret_in_content(head)
        if found is not None:
            return f"holds {found}"
        if is_public_key_content(head):
            return None
    by_name = secret_by_name(path)
    return "looks like a credentials file" if by_name else None
