"""Family 1: base images that do not pin what they pull.

``FROM debian`` (DL3006), ``FROM debian:latest`` (DL3007), floating tags such as ``python:3``,
``node:lts`` or ``alpine:edge`` (DW101) and, as advice, tags not pinned by digest (DW102).
Stage names and ``scratch`` are not images. When the image text comes from an ``ARG``
default, the ARG default is reported too, since that is where the fix goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule

_VAR = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
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


class BaseImage(DataRecord):
    """One FROM that names an external image, with the spans rules point at."""

    __slots__ = ("target", "stage", "text", "written", "ref", "word_start", "word_end")

    target: CheckTarget
    stage: object
    text: str  # expanded image reference
    written: str  # as written in the FROM
    ref: object | None  # ImageRef
    word_start: int  # body indexes of the image word in the FROM
    word_end: int

    def __init__(self, target: CheckTarget, stage: object, text: str, written: str,
                 ref: object | None, word_start: int, word_end: int) -> None:
        self.target = target
        self.stage = stage
        self.text = text
        self.written = written
        self.ref = ref
        self.word_start = word_start
        self.word_end = word_end

    @property
    def instruction(self):
        return self.stage.from_instruction

    def word_span(self):
        return self.instruction.span_of(self.word_start, self.word_end)

    def tag_span(self):
        """The tag as written (``latest`` in ``debian:latest``), else the whole image word."""
        tag = getattr(self.ref, "tag", None)
        if tag and "$" not in self.written and self.written.endswith(":" + tag):
            end = self.word_end
            return self.instruction.span_of(end - len(tag), end)
        if tag and "$" not in self.written and "@" in self.written:
            at = self.written.index("@")
            start = self.word_start + at - len(tag)
            return self.instruction.span_of(start, self.word_start + at)
        return self.word_span()

    @property
    def through_args(self) -> list[str]:
        return _VAR.findall(self.written)


def base_images(target: CheckTarget) -> Iterator[BaseImage]:
    """Every stage whose FROM names an image (not scratch, not an earlier stage, known value)."""
    from dockwise.model.imageref import parse_image_ref

    for stage in target.model.stages:
        if stage.is_scratch or stage.base_stage is not None:
            continue
        instr = stage.from_instruction
        found = _image_word(instr.body)
        if found is None:
            continue
        start, end = found
        written = instr.body[start:end]
        text = stage.base.text if stage.base is not None else written
        if stage.base is not None and not stage.base.known:
            continue
        if text.lower() == "scratch" or target.model.stage_by_name(text) is not None and "/" not in text \
                and ":" not in text:
            continue
        ref = stage.base_ref or parse_image_ref(text)
        yield BaseImage(target, stage, text, written, ref, start, end)


def tag_only_images(target: CheckTarget) -> Iterator[BaseImage]:
    """The base images named without a digest (so ``image.ref`` is set and may move)."""
    for image in base_images(target):
        if image.ref is not None and image.ref.digest is None and "@" not in image.text:
            yield image


def _image_word(body: str) -> tuple[int, int] | None:
    """Body indexes of the first word of a FROM (flags are not part of the body)."""
    i = 0
    while i < len(body) and body[i].isspace():
        i += 1
    j = i
    while j < len(body) and not body[j].isspace():
        j += 1
    return (i, j) if j > i else None


def arg_default_spans(target: CheckTarget, names: list[str], needle: str
                      ) -> Iterator[tuple[str, str, object]]:
    """(ARG name, default, span of the default) for the global ARGs among ``names`` whose default
    holds the problem: it contains ``needle`` (``latest``) or is part of it (``3`` of ``3-slim``)."""
    for instr in target.dockerfile.instructions:
        if instr.keyword == "FROM":
            break
        if instr.keyword != "ARG":
            continue
        for name in names:
            match = re.search(rf"(?:^|\s){re.escape(name)}=(\"[^\"]*\"|'[^']*'|\S*)", instr.body)
            if not match:
                continue
            default = match.group(1).strip("\"'")
            if default and (needle in default or default in needle):
                yield name, default, instr.span_of(match.start(1), match.end(1))


def _with_arg_findings(target: CheckTarget, info: RuleInfo, image: BaseImage, needle: str,
                       message: str, span, severity: Severity | None = None) -> Iterator[Finding]:
    yield target.finding(info, message, span, severity=severity)
    seen = target.memo(("argspans", info.code), set)
    for name, default, arg_span in arg_default_spans(target, image.through_args, needle):
        key = (arg_span.start.offset, arg_span.end.offset)
        if key in seen:
            continue
        seen.add(key)
        yield target.finding(
            info, f"ARG {name} defaults to `{default}`, which makes `FROM {image.written}` on line "
                  f"{image.instruction.line} resolve to `{image.text}`: {message}", arg_span, severity=severity)


class UntaggedBaseImage(DockerfileRule):
    info = RuleInfo(
        code="DL3006", name="base-image-untagged", severity=Severity.WARNING,
        summary="Always tag the version of a base image explicitly.",
        rationale="Without a tag Docker pulls `latest`, which moves with every upstream release: the "
                  "same Dockerfile builds a different image next week, and a major upgrade can break it.",
        bad_example="FROM debian", good_example="FROM debian:12.8-slim",
        aliases=("hadolint:DL3006",),
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
        aliases=("hadolint:DL3007",),
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


# ---------------------------------------------------------------- ARGs in FROM (BuildKit checks)

PLATFORM_PLACEHOLDERS = {
    "BUILDPLATFORM": "linux/amd64", "TARGETPLATFORM": "linux/amd64", "BUILDOS": "linux",
    "TARGETOS": "linux", "BUILDARCH": "amd64", "TARGETARCH": "amd64", "BUILDVARIANT": "",
    "TARGETVARIANT": "",
}


def global_arg_defaults(target: CheckTarget) -> tuple[set[str], dict[str, str]]:
    """(declared global ARG names, their defaults) -- the ARGs before the first FROM."""
    from dockwise.errors import DockwiseError
    from dockwise.syntax.words import process_word

    declared: set[str] = set()
    defaults: dict[str, str] = {}
    for instr in target.dockerfile.instructions:
        if instr.keyword == "FROM":
            break
        if instr.keyword == "ARG":
            for arg in instr.args:
                name, eq, value = arg.partition("=")
                declared.add(name)
                if eq:  # BuildKit processes the default as a word: quotes go, earlier ARGs expand
                    try:
                        defaults[name] = process_word(value, defaults, target.dockerfile.escape).text
                    except DockwiseError:
                        defaults[name] = value
    return declared, defaults


def from_words(instr) -> Iterator[tuple[str, int, int]]:
    """(text, body start, body end) of the image word of a FROM."""
    found = _image_word(instr.body)
    if found is not None:
        yield instr.body[found[0]:found[1]], found[0], found[1]


def _references(text: str):
    from dockwise.errors import DockwiseError
    from dockwise.syntax.words import variable_references

    try:
        return variable_references(text)
    except DockwiseError:
        return []


class UndefinedArgInFrom(DockerfileRule):
    info = RuleInfo(
        code="DW103", name="undefined-arg-in-from", severity=Severity.WARNING,
        summary="FROM must use ARGs declared before the first FROM.",
        rationale="A FROM can only see global ARGs (declared before the first FROM) and the automatic "
                  "platform ARGs; anything else expands to an empty string, so the build pulls a "
                  "different image than the one written -- or fails -- unless every caller remembers a "
                  "`--build-arg`.",
        bad_example="FROM node:22${VARIANT} AS build",
        good_example='ARG VARIANT="-alpine3.20"\nFROM node:22${VARIANT} AS build',
        aliases=("buildkit:UndefinedArgInFrom",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        declared, _ = global_arg_defaults(target)
        for stage in target.model.stages:
            instr = stage.from_instruction
            items = list(from_words(instr))
            platform = instr.flag("platform")
            for text, start, _end in items:
                for ref in _references(text):
                    written = text[ref.start:ref.end]
                    if ref.name in declared or ref.name in PLATFORM_PLACEHOLDERS or "-" in written[len(ref.name):]:
                        continue
                    yield target.finding(
                        self.info,
                        f"FROM uses ${{{ref.name}}}, but no ARG {ref.name} is declared before the first FROM: "
                        f"it expands to an empty string here; declare `ARG {ref.name}=<default>` at the top "
                        "of the Dockerfile.",
                        instr.span_of(start + ref.start, start + ref.end))
            if platform is not None and platform.value:
                for ref in _references(platform.value):
                    if ref.name not in declared and ref.name not in PLATFORM_PLACEHOLDERS:
                        yield target.finding(
                            self.info,
                            f"FROM --platform uses ${{{ref.name}}}, which is neither a declared global ARG nor "
                            "one of the automatic platform ARGs (BUILDPLATFORM, TARGETPLATFORM, ...); check "
                            "the spelling or declare it before the first FROM.",
                            platform.span)


class InvalidDefaultArgInFrom(DockerfileRule):
    info = RuleInfo(
        code="DW104", name="invalid-default-arg-in-from", severity=Severity.WARNING,
        summary="With the ARG defaults alone, every FROM must name a valid image.",
        rationale="`ARG TAG` without a default makes `FROM busybox:${TAG}` read `busybox:` unless the "
                  "caller passes `--build-arg TAG=...`: a plain `docker build` fails. A default keeps the "
                  "Dockerfile buildable as written.",
        bad_example="ARG TAG\nFROM busybox:${TAG}",
        good_example="ARG TAG=1.37.0\nFROM busybox:${TAG}",
        aliases=("buildkit:InvalidDefaultArgInFrom",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.errors import DockwiseError
        from dockwise.model.imageref import parse_image_ref
        from dockwise.syntax.words import process_word

        declared, defaults = global_arg_defaults(target)
        env = {**PLATFORM_PLACEHOLDERS, **defaults}
        for stage in target.model.stages:
            instr = stage.from_instruction
            for text, start, end in from_words(instr):
                refs = _references(text)
                if not refs or any(r.name not in declared and r.name not in PLATFORM_PLACEHOLDERS for r in refs):
                    continue  # no ARG involved, or an undeclared one (DW103 says so)
                try:
                    result = process_word(text, env, target.dockerfile.escape).text
                except DockwiseError:
                    continue
                if result.lower() == "scratch" or parse_image_ref(result) is not None or \
                        target.model.stage_by_name(result) is not None:
                    continue
                missing = sorted(r.name for r in refs if r.name not in defaults and r.name in declared)
                advice = (f"give ARG {', '.join(missing)} a default" if missing
                          else "fix the ARG default")
                yield target.finding(
                    self.info,
                    f"with the ARG defaults, `FROM {text}` becomes `{result}`, which is not a valid image "
                    f"reference: a plain `docker build` (no --build-arg) fails; {advice}.",
                    instr.span_of(start, end))


class RedundantTargetPlatform(DockerfileRule):
    info = RuleInfo(
        code="DL3065", name="redundant-target-platform", severity=Severity.WARNING,
        summary="`FROM --platform=$TARGETPLATFORM` is the default; drop the flag.",
        rationale="A stage already builds for the target platform; spelling it out adds noise and hides "
                  "the stages where `--platform` matters (`$BUILDPLATFORM` for cross-compiling builders).",
        bad_example="FROM --platform=$TARGETPLATFORM alpine:3.20.3",
        good_example="FROM alpine:3.20.3",
        aliases=("hadolint:DL3065", "buildkit:RedundantTargetPlatform"),
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.findings import Edit, Fix

        source = target.dockerfile.source
        for stage in target.model.stages:
            flag = stage.from_instruction.flag("platform")
            if flag is None or flag.value not in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
                continue
            end = flag.span.end.offset
            while end < len(source) and source[end] in " \t":
                end += 1
            yield target.finding(
                self.info,
                f"`{flag.raw}` repeats the default (every stage builds for the target platform); remove it "
                "so the stages where --platform matters (`$BUILDPLATFORM` builders) stand out.",
                flag.span, fix=Fix("remove the redundant --platform", (Edit(flag.span.start.offset, end, ""),)))
