"""Base images without a tag, on ``latest``, on a floating tag, or not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Edit, Finding, Fix, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.base_images._images import _with_arg_findings, base_images, tag_only_images


_LEADING_VERSION = lazy_compile(r"(\d+(?:\.\d+)*)(u\d+|_\d+)?")
_HASH_TAG = lazy_compile(r"(?i)(?:sha-?)?[0-9a-f]{7,64}")  # a commit or content hash: it names one build

FLOATING_WORDS = frozenset({
    "lts", "current", "stable", "edge", "rolling", "mainline", "nightly", "testing", "unstable",
    "sid", "next", "canary", "beta", "alpha", "rc", "experimental", "dev", "develop", "master", "main",
    "insiders", "preview",
})

# Image families that publish patch-level tags; the number is how many version parts a tag
# needs to stop moving ("python:3.12" still moves to each 3.12.x, "postgres:16.4" does not).
VERSION_PARTS = {
    "python": 3, "node": 3, "golang": 3, "ruby": 3, "php": 3, "rust": 3, "nginx": 3, "redis": 3,
    "httpd": 3, "mysql": 3, "mariadb": 3, "mongo": 3, "elixir": 3, "haproxy": 3, "alpine": 3,
    "memcached": 3, "rabbitmq": 3, "traefik": 3, "caddy": 3, "perl": 3, "erlang": 3, "maven": 3,
    "gradle": 3, "eclipse-temurin": 3, "amazoncorretto": 3, "openjdk": 3, "julia": 3, "pypy": 3,
    "bash": 3, "docker": 3, "consul": 3, "vault": 3, "kong": 3, "ghost": 3, "wordpress": 3,
    "tomcat": 3, "jetty": 3, "groovy": 3, "kibana": 3, "elasticsearch": 3, "logstash": 3,
    "postgres": 2, "busybox": 3, "influxdb": 3, "telegraf": 3, "grafana": 3, "sonarqube": 3,
    "neo4j": 3, "cassandra": 3, "couchdb": 3, "solr": 3, "zookeeper": 3, "nextcloud": 3,
    "drupal": 3, "joomla": 3, "composer": 3, "swift": 3, "dart": 3, "clojure": 3, "haskell": 3,
    "sapmachine": 3, "ibm-semeru-runtimes": 3, "bitnami/python": 3, "bitnami/node": 3,
}


class UntaggedBaseImage(DockerfileRule):
    info = RuleInfo(
        code="DL3006", name="base-image-untagged", severity=Severity.WARNING,
        summary="Always tag the version of a base image explicitly.",
        rationale="Without a tag Docker pulls `latest`, which moves with every upstream release: the "
                  "same Dockerfile builds a different image next week, and a major upgrade can break it.",
        bad_example="FROM debian", good_example="FROM debian:12.8-slim",
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image in base_images(target):
            if image.ref is None or "@" in image.text:
                continue
            if image.ref.tag is None and image.ref.digest is None:
                name = image.ref.familiar_name
                yield from _with_arg_findings(
                    target, self.info, image, image.text,
                    f"`{image.text}` has no tag, so it means `{name}:latest`, which moves with every "
                    f"release (the build is not reproducible and can break on a major upgrade); pin a "
                    f"version tag such as `{name}:<version>`.",
                    image.word_span())


class LatestBaseImage(DockerfileRule):
    info = RuleInfo(
        code="DL3007", name="base-image-latest", severity=Severity.WARNING,
        summary="Do not build FROM the `latest` tag; pin a release tag.",
        rationale="`latest` moves with every upstream release: the same Dockerfile builds a different "
                  "image next week, and a major upgrade can break the build or the application.",
        bad_example="FROM debian:latest", good_example="FROM debian:12.8-slim",
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image in tag_only_images(target):
            ref = image.ref
            if ref.tag != "latest":
                continue
            yield from _with_arg_findings(
                target, self.info, image, "latest",
                f"`{image.text}` uses the `latest` tag, which moves with every release: the build is not "
                f"reproducible and can break on a major upgrade; pin a release tag such as "
                f"`{ref.familiar_name}:<version>`.",
                image.tag_span())


def floating_reason(ref) -> tuple[str, Severity] | None:
    """Why a tag still moves, with how serious that is; None for a fixed-looking tag."""
    tag = ref.tag
    if tag is None or tag == "latest":
        return None
    parts = tag.lower().split("-")
    for part in parts:
        if part in FLOATING_WORDS:
            return f"`{part}` is a channel that follows new releases", Severity.WARNING
    family = ref.repository.removeprefix("library/")
    needed = VERSION_PARTS.get(family) or VERSION_PARTS.get(ref.name)
    match = _LEADING_VERSION.fullmatch(parts[0].removeprefix("v"))
    if match is None:
        if needed is not None and not _HASH_TAG.fullmatch(tag):
            return (f"`{tag}` names a variant but no {family.rsplit('/', 1)[-1]} version, so like "
                    f"`latest` it moves to every new release"), Severity.WARNING
        return None
    if needed is None or match.group(2):
        return None
    have = match.group(1).count(".") + 1
    if have >= needed:
        return None
    if have == 1:
        return f"`{tag}` names only a major version, so it moves to every new minor and patch release", \
            Severity.WARNING
    return f"`{tag}` has no patch-level version, so it moves with every patch release", Severity.INFO


class FloatingBaseImageTag(DockerfileRule):
    info = RuleInfo(
        code="DW101", name="base-image-floating-tag", severity=Severity.WARNING,
        summary="Pin base images to a tag that does not move (`python:3.12.7-slim`, not `python:3`).",
        rationale="Tags such as `python:3`, `node:lts` or `alpine:edge` are re-pointed at every release: "
                  "rebuilding the same Dockerfile silently changes the runtime, and a cache hit on one "
                  "machine and a fresh pull on another give different images.",
        bad_example="FROM node:lts-alpine", good_example="FROM node:20.18.1-alpine3.20",
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image in tag_only_images(target):
            ref = image.ref
            found = floating_reason(ref)
            if found is None:
                continue
            reason, severity = found
            yield from _with_arg_findings(
                target, self.info, image, ref.tag,
                f"`{image.text}`: {reason}; rebuilds silently change the base. Pin the full version "
                f"(and ideally a digest: `{ref.familiar_name}:<x.y.z>@sha256:...`).",
                image.tag_span(), severity=severity)


class BaseImageNotPinnedByDigest(DockerfileRule):
    info = RuleInfo(
        code="DW102", name="base-image-not-pinned-by-digest", severity=Severity.INFO,
        summary="Pin base images by digest for fully reproducible builds.",
        rationale="Even a full version tag can be re-pushed (rebuilt for a CVE, or replaced by mistake or "
                  "by an attacker); only `@sha256:` names exactly the bytes you tested. `dockwise pin` "
                  "writes the digest the tag points to (`name:tag@sha256:...`, keeping the tag; so does "
                  "`dockwise check --registry --fix`), `dockwise pin --check` tells when the tag has moved since, "
                  "and Renovate or Dependabot keep digests up to date.",
        bad_example="FROM python:3.12.7-slim",
        good_example="FROM python:3.12.7-slim@sha256:<digest>",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image in tag_only_images(target):
            ref = image.ref
            if ref.tag in (None, "latest") or floating_reason(ref) is not None:
                continue  # DL3006 / DL3007 / DW101 already say more
            yield target.finding(
                self.info,
                f"`{image.text}` is pinned by tag only; a tag can be re-pushed, so the bytes you get may "
                f"change. Add the digest (`{image.text}@sha256:...`): `dockwise pin` writes it, and "
                f"`dockwise pin --update` or Renovate/Dependabot keep it current.",
                image.word_span(), fix=_digest_fix(target, image))


def _digest_fix(target: CheckTarget, image) -> Fix | None:
    """With ``check --registry``: write the digest the tag points to now (what the build pulls
    today, so the fix keeps its meaning). A reference made of ARGs is `dockwise pin`'s job."""
    if target.registry is None or image.written != image.text:
        return None
    from dockwise.rules.base_images.registry_facts import stage_platform

    facts = target.registry.lookup(image.text, stage_platform(image.stage))
    if facts is None or not facts.tag_digest:
        return None
    span = image.word_span()
    return Fix(f"pin `{image.text}` to the digest its tag points to now",
               (Edit(span.start.offset, span.end.offset, f"{image.text}@{facts.tag_digest}"),))


class CopyFromFloatingImage(DockerfileRule):
    info = RuleInfo(
        code="DW108", name="copy-from-floating-image", severity=Severity.WARNING,
        summary="`COPY --from=<image>` names an image without a fixed tag, so the copied files change with it.",
        rationale="`COPY --from=` (and `RUN --mount=from=`) with an external image pulls it like a "
                  "FROM does: with no tag it means `latest`, and `latest`, `alpine` or `3` move "
                  "to each new release, so a rebuild copies different binaries or files into the "
                  "image with no change to the Dockerfile. Pin a full version, ideally with its "
                  "digest (`--from=busybox:1.36.1@sha256:...`).",
        bad_example="COPY --from=gcr.io/distroless/static /etc/passwd /etc/passwd",
        good_example="COPY --from=gcr.io/distroless/static:nonroot@sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d /etc/passwd /etc/passwd",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for use in target.model.images:
            if use.kind == "from" or use.ref is None or not use.value.known:
                continue
            if not any(c in use.value.text for c in ":/@"):
                continue  # a bare name: DL3022 says it is no stage of this file
            ref = use.ref
            if ref.digest is not None:
                continue
            if ref.tag is None or ref.tag == "latest":
                reason, severity = ("names no tag, so it means `latest`, which moves with every release"
                                    if ref.tag is None else "uses `latest`, which moves with every release",
                                    Severity.WARNING)
            else:
                found = floating_reason(ref)
                if found is None:
                    continue
                reason, severity = found
            flag = use.instruction.flag("from") if use.kind == "copy" else None
            span = flag.span if flag is not None else use.instruction.span
            written = f"--from={use.value.text}" if use.kind == "copy" else f"--mount=...,from={use.value.text}"
            yield target.finding(
                self.info,
                f"`{written}`: {reason}; rebuilds copy different files with no change here. Pin a "
                f"full version and its digest (`{ref.familiar_name}:<version>@sha256:...`).",
                span, severity=severity)
