"""Family 11: runtimes that size themselves from the host's memory, not the container's limit.

JDK 8 before 8u191 and JDK 9 (and older) ignore cgroup limits unless told otherwise; Node.js before
12 sizes its heap without looking at the container. Both get OOM-killed under a memory limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._assignments import assignments
from dockwise.rules._instr_words import all_instructions, instruction_words, stage_chain, word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


JAVA_IMAGES = {"openjdk", "java", "adoptopenjdk", "zulu-openjdk", "azul/zulu-openjdk", "ibmjava",
               "adoptopenjdk/openjdk8", "adoptopenjdk/openjdk9", "sapmachine"}
NODE_IMAGES = {"node", "mhart/alpine-node", "circleci/node"}
NODE_CODENAMES = {"argon": 4, "boron": 6, "carbon": 8, "dubnium": 10}

JAVA_ARG = lazy_compile(r"(?i)^(?:open)?(?:java|jdk|jre)(?:_major)?_?(?:version|ver)$|^(?:java|jdk|jre)$")
NODE_ARG = lazy_compile(r"(?i)^node(?:js)?_?(?:major_?)?(?:version|ver)$")

# 8u181, 8u181-jre, 1.8.0_181, 8-jdk, 9.0.4, 7u80, jdk8u181
JAVA_UPDATE = lazy_compile(r"^(?:jdk|jre|openjdk)?-?(?:1\.)?(\d{1,2})(?:u(\d{1,4})|\.0_(\d{1,4}))?(?:$|[-.b_+])")
NODE_VERSION = lazy_compile(r"^v?(\d{1,2})(?:$|[-.])")


def java_problem(tag: str, image: str | None = None) -> str | None:
    """Why a JDK version string is not container-aware, or None."""
    m = JAVA_UPDATE.match(tag)
    if m is None:
        return None
    major = int(m.group(1))
    update = m.group(2) or m.group(3)
    if major in (6, 7) or major == 9:
        return f"JDK {major} does not read the container's memory or CPU limits"
    if major != 8:
        return None
    if update is None:
        # `openjdk:8` today is a late 8u; the retired `java:8` image stopped at 8u111.
        return ("the retired `java` image stops at JDK 8u111, which ignores container limits"
                if image == "java" else None)
    if int(update) < 191:
        return f"JDK 8u{int(update)} predates 8u191, the first JDK 8 that reads cgroup memory limits"
    return None


def node_problem(tag: str) -> str | None:
    major = NODE_CODENAMES.get(tag.split("-", 1)[0].lower())
    shown = str(major)
    if major is None:
        m = NODE_VERSION.match(tag)
        if m is None:
            return None
        major = int(m.group(1))
        shown = ".".join(tag.lstrip("v").split("-", 1)[0].split(".")[:2]) if major == 0 else str(major)
    if major < 12:
        return f"Node.js {shown} sizes its heap without looking at the container's memory limit"
    return None


JAVA_ADVICE = "use JDK 8u191+ / 11+ (e.g. `eclipse-temurin:21-jre`), or set `-XX:MaxRAM=` explicitly"
NODE_ADVICE = "use Node.js 20+ (e.g. `node:22-slim`), or set `--max-old-space-size` explicitly"


class _RuntimeRule(DockerfileRule):
    images: set[str] = set()
    arg_pattern: re.Pattern[str]
    advice = ""

    def problem(self, tag: str, image: str | None) -> str | None:
        raise NotImplementedError

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        # Only the image that runs matters: a builder stage on an old runtime is not memory-limited.
        runtime = list(stage_chain(target.model.final_stage))
        for stage in runtime:
            yield from self._check_from(target, stage)
        for instr in all_instructions(target.model):
            stage = target.model.stage_of(instr)
            if instr.keyword in ("ARG", "ENV") and (stage is None or stage in runtime):
                yield from self._check_version_variable(target, instr)

    def _check_from(self, target: CheckTarget, stage) -> Iterator[Finding]:
        ref = stage.base_ref
        if ref is None or ref.tag is None:
            return
        image = ref.repository.removeprefix("library/")
        if image not in self.images:
            return
        instr = stage.from_instruction
        words = instruction_words(instr, target.dockerfile.escape)
        if not words:
            return
        word = words[0]
        if "$" in word.raw and _uses_version_arg(word.raw, self.arg_pattern):
            return  # reported on the ARG that sets the version
        why = self.problem(ref.tag, image)
        if why is None:
            return
        span = word_span(instr, word)
        at = word.raw.rfind(":" + ref.tag)
        if at >= 0 and "$" not in word.raw:
            span = instr.span_of(word.start + at + 1, word.start + at + 1 + len(ref.tag))
        yield target.finding(
            self.info,
            f"`{ref.familiar}`: {why}, so under `--memory` it sizes itself from the host's RAM and "
            f"gets OOM-killed; {self.advice}",
            span)

    def _check_version_variable(self, target: CheckTarget, instr) -> Iterator[Finding]:
        for pair in assignments(instr, target.dockerfile.escape):
            if not pair.value or not self.arg_pattern.match(pair.name_text):
                continue
            why = self.problem(pair.value.strip(), None)
            if why is None:
                continue
            yield target.finding(
                self.info,
                f"`{pair.name_text}={pair.value}`: {why}, so under `--memory` it sizes itself from "
                f"the host's RAM and gets OOM-killed; {self.advice}",
                instr.span_of(pair.value_start, pair.value_end))


VAR_NAME = lazy_compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _uses_version_arg(text: str, pattern: re.Pattern[str]) -> bool:
    return any(pattern.match(name) for name in VAR_NAME.findall(text))


class JvmNotContainerAware(_RuntimeRule):
    info = RuleInfo(
        code="DW921",
        name="jvm-not-container-aware",
        severity=Severity.WARNING,
        summary="The JDK (8 before 8u191, or 9 and older) ignores the container's memory limit.",
        rationale=(
            "These JVMs size their default heap from the host's RAM: on a 64 GB node a container "
            "limited to 1 GB starts with a 16 GB max heap and is OOM-killed under load."),
        bad_example="FROM openjdk:8u181-jre\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
        good_example="FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
    )
    images = JAVA_IMAGES
    arg_pattern = JAVA_ARG
    advice = JAVA_ADVICE

    def problem(self, tag: str, image: str | None) -> str | None:
        return java_problem(tag, image)


class NodeNotContainerAware(_RuntimeRule):
    info = RuleInfo(
        code="DW922",
        name="node-not-container-aware",
        severity=Severity.WARNING,
        summary="Node.js before 12 sizes its heap without the container's memory limit.",
        rationale=(
            "Old Node.js picks a fixed heap size regardless of the cgroup limit: a container with "
            "less memory than that is OOM-killed instead of garbage-collecting."),
        bad_example="FROM node:10-alpine\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n",
        good_example="FROM node:22-alpine\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n",
    )
    images = NODE_IMAGES
    arg_pattern = NODE_ARG
    advice = NODE_ADVICE

    def problem(self, tag: str, image: str | None) -> str | None:
        return node_problem(tag)
