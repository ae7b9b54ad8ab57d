"""Base-image checks that ask the registry (``dockwise check --registry``): a platform the
base has no image for, a tag re-pushed since its pinned digest, the compressed bytes a pull
costs. Without ``--registry`` the target has no registry and these rules are silent."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.base_images._images import base_images

# The example registries: what the rule examples' registry says about their base images.
EXAMPLE_NOTE = "# registry: "


def _checked_bases(target: CheckTarget):
    """(base image, platform it is built for, registry facts) of every base the registry knows."""
    if target.registry is None:
        return
    for image in base_images(target):
        if image.ref is None:
            continue
        platform = stage_platform(image.stage)
        facts = target.registry.lookup(image.text, platform)
        if facts is not None:
            yield image, platform, facts


def stage_platform(stage) -> str:
    """The platform a stage builds for: a constant ``--platform``, else the build's (this
    machine's: ``$BUILDPLATFORM`` and ``$TARGETPLATFORM`` are that unless the build says otherwise)."""
    value = stage.platform
    if value is not None and value.known and "$" not in value.text and value.text.strip():
        return value.text.strip().lower()
    from dockwise.image.source import machine_platform

    return machine_platform()


class BaseImagePlatformMissing(DockerfileRule):
    info = RuleInfo(
        code="DW105", name="base-image-platform-missing", severity=Severity.ERROR,
        summary="The base image has no image for the platform the stage builds for.",
        rationale="The build pulls an image of another architecture (and runs it under emulation, slowly, "
                  "or fails with `exec format error`), or stops at `no match for platform in manifest`. "
                  "Needs `dockwise check --registry`: the registry lists the platforms of the base.",
        bad_example=(EXAMPLE_NOTE + '{"example.org/tools:1.2": {"platforms": ["linux/amd64"]}}\n'
                     "FROM --platform=linux/arm64 example.org/tools:1.2\n"),
        good_example=(EXAMPLE_NOTE + '{"example.org/tools:1.2": {"platforms": ["linux/amd64", "linux/arm64"]}}\n'
                      "FROM --platform=linux/arm64 example.org/tools:1.2\n"),
        aliases=("buildkit:InvalidBaseImagePlatform",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image, platform, facts in _checked_bases(target):
            if facts.platforms and not facts.has_platform(platform):
                available = ", ".join(sorted(facts.platforms))
                yield target.finding(
                    self.info,
                    f"`{image.text}` has no image for {platform} (the registry lists {available}): the build "
                    f"fails or runs another architecture under emulation; pick a base published for {platform} "
                    "or build this stage for a listed platform",
                    image.word_span(), platform=platform, available=sorted(facts.platforms))


class BaseImageTagMoved(DockerfileRule):
    info = RuleInfo(
        code="DW106", name="base-image-tag-moved", severity=Severity.WARNING,
        summary="The tag of a base image pinned by digest now points to another image.",
        rationale="`name:tag@sha256:` builds the pinned bytes, but the tag has been re-pushed since (a rebuild "
                  "for a CVE, a new patch release): the pin keeps a stale base, and the tag no longer says "
                  "what is built. Review the new image and refresh the digest (`dockwise pin --update`). "
                  "Needs `dockwise check --registry`.",
        bad_example=(EXAMPLE_NOTE + '{"example.org/tools:1.2@sha256:' + "a" * 64 + '": {"digest": "sha256:'
                     + "b" * 64 + '"}}\n' + "FROM example.org/tools:1.2@sha256:" + "a" * 64 + "\n"),
        good_example=(EXAMPLE_NOTE + '{"example.org/tools:1.2@sha256:' + "a" * 64 + '": {"digest": "sha256:'
                      + "a" * 64 + '"}}\n' + "FROM example.org/tools:1.2@sha256:" + "a" * 64 + "\n"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for image, _, facts in _checked_bases(target):
            ref = image.ref
            if ref.digest is None or ref.tag is None or not facts.tag_digest:
                continue
            if facts.tag_digest != ref.digest and ref.digest not in facts.children:
                yield target.finding(
                    self.info,
                    f"the tag `{ref.tag}` of `{image.text}` now points to {facts.tag_digest}, not the pinned "
                    "digest: the build keeps a stale base; review the new image and refresh the digest "
                    "(`dockwise pin --update`)",
                    image.word_span(), current=facts.tag_digest)


class BaseImagePullSize(DockerfileRule):
    info = RuleInfo(
        code="DW107", name="base-image-pull-size", severity=Severity.INFO,
        summary="What pulling the base image costs: its compressed layers.",
        rationale="Every node without the base cached downloads these bytes before the first container "
                  "starts; at scale-out from zero, every node at once. A slimmer base (`-slim`, distroless, "
                  "alpine) cuts it. Needs `dockwise check --registry`.",
        bad_example=(EXAMPLE_NOTE + '{"example.org/tools:1.2": {"platforms": {"linux/amd64": 412000000, '
                     '"linux/arm64": 409000000}}}\nFROM --platform=linux/amd64 example.org/tools:1.2\n'),
        good_example="FROM scratch\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.units import human_bytes

        for image, platform, facts in _checked_bases(target):
            name = facts.platform_of(platform)
            size = facts.platforms.get(name, -1) if name else -1
            if size < 0:
                continue
            yield target.finding(
                self.info,
                f"pulling `{image.text}` for {name} downloads {human_bytes(size)} ({size} bytes compressed) on "
                "every node that does not have it cached",
                image.word_span(), platform=name, compressed_bytes=size)
