"""DC003, DC008, DC009: secrets, big logs/archives/data and unreadable entries in the context."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.context.check import ContextRule, ContextTarget
from dockwise.context.rules._common import FIX_HINT, dockerignore_fix, listing
from dockwise.examples import ContextExample, NAMED_PIPE
from dockwise.findings import Finding, RuleInfo, Severity


class SecretInContext(ContextRule):
    info = RuleInfo(
        code="DC003",
        name="secret-in-build-context",
        severity=Severity.ERROR,
        summary="A secret (.env, private key, cloud/registry credentials) is sent as build context.",
        rationale=("Everything in the context is uploaded to the builder (often a remote or shared "
                   "one) and any `COPY . .` bakes it into a layer that everyone who pulls the image "
                   "can read, even if a later step deletes it."),
        bad_example=ContextExample({"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
                                    ".env": "DB_PASSWORD=hunter2\n",
                                    "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n"}),
        good_example=ContextExample({"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
                                     ".env": "DB_PASSWORD=hunter2\n",
                                     "id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
                                     ".dockerignore": ".env\n.env.*\n*.pem\nid_rsa\n"}),
        fixable=True,  # .dockerignore lines: check --fix and context --write-dockerignore add them
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        for secret in target.secrets:
            finding = target.at_context(
                self.info,
                f"{secret.path} holds {secret.what} and is sent to the builder; exclude it in "
                f".dockerignore and pass secrets with `RUN --mount=type=secret` instead; {FIX_HINT}",
                path=secret.path)
            if target.ignore is not None:  # without one, DC001's fix creates it with every line
                finding.fix = dockerignore_fix(target, [secret.path])
            yield finding


class LargeArtifactInContext(ContextRule):
    info = RuleInfo(
        code="DC008",
        name="large-artifact-in-context",
        severity=Severity.WARNING,
        summary="Log files, or large archive or data files, are sent as build context.",
        rationale=("Logs, dumps, archives and data sets are rarely needed by the build, but they are "
                   "uploaded on every build and end up in the image with `COPY . .`."),
        bad_example=ContextExample({"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
                                    "app.log": 120 << 20, "backup.sql.gz": 2 << 30}),
        good_example=ContextExample({"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
                                     "app.log": 120 << 20, "backup.sql.gz": 2 << 30,
                                     ".dockerignore": "*.log\n*.sql.gz\n"}),
        fixable=True,  # .dockerignore lines: check --fix and context --write-dockerignore add them
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        by_kind: dict[str, list[tuple[str, int]]] = {}
        for f in target.large_files:
            by_kind.setdefault(f.kind, []).append((f.path, f.size))
        for kind, items in sorted(by_kind.items()):
            items.sort(key=lambda kv: -kv[1])
            what = "log files, which change on every run and bust the cache of `COPY . .`," if kind == "log" \
                else f"large {kind} files"
            finding = target.at_context(
                self.info,
                f"{what} are sent to the builder: {listing(items)}; {FIX_HINT}",
                paths=[p for p, _ in items])
            if target.ignore is not None:  # without one, DC001's fix creates it with every line
                finding.fix = dockerignore_fix(target, [p for p, _ in items])
            yield finding


class UnsendableEntry(ContextRule):
    info = RuleInfo(
        code="DC009",
        name="unsendable-context-entry",
        severity=Severity.WARNING,
        summary="The context holds entries the builder cannot receive (unreadable, sockets, bad names).",
        rationale=("An unreadable file or directory makes `docker build` fail while sending the "
                   "context; sockets and FIFOs are skipped; names that are not UTF-8 get mangled."),
        bad_example=ContextExample({"Dockerfile": "FROM alpine:3.20\nCOPY . /app\n", "tmp/build.fifo": NAMED_PIPE}),
        good_example=ContextExample({"Dockerfile": "FROM alpine:3.20\nCOPY . /app\n", "tmp/build.fifo": NAMED_PIPE,
                                     ".dockerignore": "tmp/\n"}),
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        for problem in target.scan.problems:
            yield target.at_context(self.info, f"{problem.path}: {problem.message}", path=problem.path)
