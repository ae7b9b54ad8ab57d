"""An SDK or full language image as the base of the final stage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.model.purpose import generated, image_purpose
from dockwise.rules.base import CheckTarget, DockerfileRule


SDK_NAMES = frozenset({"golang", "rust", "maven", "gradle", "gcc", "buildpack-deps", "sdk"})
JDK_FAMILIES = frozenset({"eclipse-temurin", "openjdk", "sapmachine", "ibm-semeru-runtimes", "ibmjava"})


def sdk_reason(ref: Any) -> str | None:
    tag = (ref.tag or "").lower()
    name = ref.name.lower()
    if "devel" in tag.split("-") or tag.startswith("devel") or "-devel" in tag:
        return "a `devel` image (compilers and headers included)"
    if name in SDK_NAMES:
        return f"the `{ref.familiar_name}` image is a full build toolchain"
    if name in JDK_FAMILIES and "jdk" in tag:
        return "a JDK (compiler and tools) where a JRE is enough to run"
    return None


class SdkBaseImageInFinalStage(DockerfileRule):
    info = RuleInfo(
        code="DW402", name="sdk-base-image-in-final-stage", severity=Severity.WARNING,
        summary="Do not ship a build/SDK base image (`*-devel`, `golang`, `dotnet/sdk`, JDK, full `python`).",
        rationale="SDK images (nvidia/cuda:*-devel, golang, rust, maven, mcr.microsoft.com/dotnet/sdk, "
                  "eclipse-temurin:*-jdk) are 3-10x the size of their runtime variants and carry "
                  "compilers into production. Build with them in a builder stage; run on the runtime, "
                  "distroless or slim variant.",
        bad_example="FROM golang:1.23.4\nCOPY . .\nRUN go build -o /app\nCMD [\"/app\"]",
        good_example="FROM golang:1.23.4 AS build\nRUN go build -o /app\n"
                     "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app",
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        if image_purpose(target.model) is not None:
            return  # a base, build or dev image: the SDK is what it is for
        stage = target.model.final_stage
        seen = set()
        while stage is not None and stage.base_stage is not None and stage.index not in seen:
            seen.add(stage.index)
            stage = stage.base_stage
        if stage is None or stage.base_ref is None:
            return
        from dockwise.rules.base_images._images import _image_word

        instr = stage.from_instruction
        found = _image_word(instr.body)
        span = instr.span_of(*found) if found else instr.span
        reason = sdk_reason(stage.base_ref)
        if reason is not None:
            made = generated(target.model)
            yield target.finding(
                self.info,
                f"the shipped image is built FROM `{stage.base.text}`, {reason}: it makes the image several "
                "times larger and ships compilers to production; build in this image as a builder stage and "
                "COPY --from the artefacts onto a runtime, slim or distroless image."
                + (" (This file says it is generated: its variants are the generator's choice.)" if made else ""),
                span, severity=Severity.INFO if made else None)
        elif is_full_language_image(stage.base_ref):
            name = stage.base_ref.familiar_name
            yield target.finding(
                self.info,
                f"the shipped image is built FROM `{stage.base.text}`, the full variant: it is built on "
                "buildpack-deps, so gcc, make, headers and git (about 1 GB) ship to production; run on "
                f"`{name}:<version>-slim` (build native extensions in a builder stage if you need them).",
                span, severity=Severity.INFO)


FULL_VARIANT_FAMILIES = frozenset({"python", "node", "ruby", "perl"})
LEAN_VARIANT_WORDS = ("slim", "alpine", "distroless", "minimal", "windowsservercore", "nanoserver")


def is_full_language_image(ref: Any) -> bool:
    """Official language images without a lean variant in the tag (``python:3.12``, ``node:latest``)."""
    if ref.name not in FULL_VARIANT_FAMILIES or not ref.is_official or ref.digest and not ref.tag:
        return False
    tag = (ref.tag or "latest").lower()
    return not any(word in tag for word in LEAN_VARIANT_WORDS)
