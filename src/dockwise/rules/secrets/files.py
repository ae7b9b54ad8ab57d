"""Credential files copied into the image."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.secrets import secret_by_name
from dockwise.model.copies import all_copy_sources
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
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        # `COPY . .` with a .env in an un-ignored context is the context check's finding (DC007),
        # which reads the real .dockerignore; this rule judges the sources the Dockerfile names.
        for source in all_copy_sources(target.model):
            if not source.from_context:
                continue  # a URL, or another stage's or image's file
            if secret_by_name(source.text):
                yield target.finding(
                    self.info,
                    f"`{source.text}` looks like a credentials file and is copied into a layer, "
                    f"where anyone who pulls the image can read it; {ADVICE}",
                    source.span)
