"""Base images without a tag, on ``latest``, on a floating tag, or not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.base_images._images import _with_arg_findings, base_images, tag_only_images


_LEADING_VERSION = lazy_compile(r"(\d+(?:\.\d+)*)(u\d+|_\d+)?")

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
    match = _LEADING_VERSION.fullmatch(parts[0])
    if match is None:
        return None
    family = ref.repository.removeprefix("library/")
    needed = VERSION_PARTS.get(family) or VERSION_PARTS.get(ref.name)
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
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        first_of: dict[tuple[str, str], int] = {}  # (repository, version) -> line of its first FROM
        for image in tag_only_images(target):
            ref = image.ref
            found = floating_reason(ref)
            if found is None:
                continue
            reason, severity = found
            # `FROM node:20 AS build` and `FROM node:20-slim`: one floating version, one warning;
            # the later FROM is still shown, as information
            version = (ref.repository, ref.tag.lower().split("-")[0])
            earlier = first_of.setdefault(version, image.instruction.line)
            also = ""
            if earlier != image.instruction.line:
                severity = min(severity, Severity.INFO)
                also = f" (the version floats as on line {earlier})"
            yield from _with_arg_findings(
                target, self.info, image, ref.tag,
                f"`{image.text}`: {reason}{also}; rebuilds silently change the base. Pin the full version "
                f"(and ideally a digest: `{ref.familiar_name}:<x.y.z>@sha256:...`).",
                image.tag_span(), severity=severity)


class BaseImageNotPinnedByDigest(DockerfileRule):
    info = RuleInfo(
        code="DW102", name="base-image-not-pinned-by-digest", severity=Severity.INFO,
        summary="Pin base images by digest for fully reproducible builds.",
        rationale="Even a full version tag can be re-pushed (rebuilt for a CVE, or replaced by mistake or "
                  "by an attacker); only `@sha256:` names exactly the bytes you tested. Tools such as "
                  "Renovate or Dependabot keep digests up to date.",
        bad_example="FROM python:3.12.7-slim",
        good_example="FROM python:3.12.7-slim@sha256:<digest>",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image in tag_only_images(target):
            ref = image.ref
            if ref.tag in (None, "latest") or floating_reason(ref) is not None:
                continue  # DL3006 / DL3007 / DW101 already say more
            yield target.finding(
                self.info,
                f"`{image.text}` is pinned by tag only; a tag can be re-pushed, so the bytes you get may "
                f"change. Add the digest (`{image.text}@sha256:...`) and let Renovate/Dependabot update it.",
                image.word_span())
