"""The Java shape: a stage on a Maven, Gradle or JDK image that builds with ``mvn``/``mvnw`` or
``gradle``/``gradlew`` and runs ``java -jar JAR`` becomes a builder on that image (a cache mount
for the tool's repository) and a runtime on ``eclipse-temurin:<N>-jre`` holding the jar.

The Java version N is read from the image tag (``maven:3.9-eclipse-temurin-17``,
``gradle:8.5-jdk17``, ``eclipse-temurin:21-jdk``), else from pom.xml or build.gradle, or a
version given on the command line; none of them is a note, not a guess.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dockwise.fix.cure.plan import Project, Split
from dockwise.fix.cure.runtime import add_packages, package_family
from dockwise.fix.cure.shapes._split import (
    Cut, builder_and_runtime, builder_name, built_on_a_stage, copies_everything, exec_command,
    runtime_packages, system_installs,
)

from dockwise.fix.cure.draft import Line

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.fix.cure.draft import StageDraft
    from dockwise.model.shell.command import Command

CODES = ("DW401", "DW402", "DL3007", "DL3006")
TOOLS = {"mvn": "/root/.m2", "mvnw": "/root/.m2", "gradle": "/root/.gradle", "gradlew": "/root/.gradle"}
GRADLE_IMAGE_HOME = "/home/gradle/.gradle"  # the gradle image's GRADLE_USER_HOME
IMAGES = frozenset({"maven", "gradle", "eclipse-temurin", "openjdk", "amazoncorretto", "sapmachine"})
BUILD_PROGRAMS = frozenset({"javac", "jar"}) | frozenset(TOOLS)
SYSTEM = {"apt-get": ("install",), "apt": ("install",), "apk": ("add",)}
# A plain `mvn` build: these options and goals leave what go-offline must fetch unchanged.
MAVEN_FLAGS = frozenset({"-B", "--batch-mode", "-q", "--quiet", "-e", "--errors", "-ntp",
                         "--no-transfer-progress", "-U", "--update-snapshots"})
MAVEN_GOALS = frozenset({"clean", "package", "verify", "install"})
JRE_VERSIONS = frozenset({"8", "11", "17", "21", "25"})  # eclipse-temurin publishes a JRE for these
# the JDK inside a maven or gradle tag: `3.9-eclipse-temurin-17`, `8.5-jdk17`, `3-openjdk-11`
_TAG_JAVA = (re.compile(r"(?:temurin|openjdk|corretto|sapmachine|jdk|java)-?(\d+)"),)
_LEADING = re.compile(r"^(\d+)(?:[._\-]|$)")
_PROJECT_JAVA = (
    re.compile(r"<(?:maven\.compiler\.release|maven\.compiler\.target|java\.version|release)>\s*(?:1\.)?(\d+)\s*<"),
    re.compile(r"JavaLanguageVersion\.of\(\s*(\d+)\s*\)"),
    re.compile(r"JavaVersion\.VERSION_(?:1_)?(\d+)"),
    re.compile(r"(?:source|target)Compatibility\s*=\s*['\"]?(?:1\.)?(\d+)"),
)


def _tool(command: "Command") -> str | None:
    return command.name if command.name in TOOLS else None


def _builds(command: "Command") -> bool:
    return _tool(command) is not None


class JavaShape:
    name = "java"

    def plan(self, project: Project, stage: "StageDraft") -> Split | str | None:
        from dockwise.fix.cure.shapes.python import _from_line, _root_base, _split_ref

        base = _root_base(stage)
        image, tag = _split_ref(base) if base else ("", None)
        family = image.rsplit("/", 1)[-1]
        if family not in IMAGES:
            return None
        cut = Cut(project, stage, _builds)
        if built_on_a_stage(stage):
            return built_on_a_stage(stage)
        if cut.last is None:
            return None if family not in ("maven", "gradle") else \
                "the stage runs no maven or gradle build, so what the runtime must hold is not known"
        if "@" in base:
            return "the base is pinned by digest: the cure would have to pick another image"
        jar = self._jar(cut)
        if not jar.startswith("/"):
            return jar
        problem = cut.problem_after(BUILD_PROGRAMS) or cut.unmovable()
        if problem:
            return problem
        wanted, problem = runtime_packages(cut, system_installs(cut, SYSTEM), SYSTEM)
        if problem:
            return problem
        version = self._version(tag, project, family)
        if version is None:
            return ("the Java version is not known, so the JRE cannot be chosen: pin it in the image tag "
                    "(`maven:3.9-eclipse-temurin-17`), or in pom.xml/build.gradle")
        if version not in JRE_VERSIONS:
            return f"no eclipse-temurin JRE image is known for Java {version}"
        runtime_base = f"eclipse-temurin:{version}-jre" + ("-alpine" if "alpine" in (tag or "") else "")
        name = builder_name(project)
        runtime_from = _from_line(stage.from_line, runtime_base)
        # The JRE follows the builder's JDK release line, whose patch level the cure cannot
        # know; the pragma keeps the fix from adding a warning the user did not have.
        runtime_from = Line("FROM", runtime_from.comments + f"# the JRE of Java {version}: pin its patch release "
                            "with the builder's\n# hadolint ignore=DW101\n" + runtime_from.text[runtime_from.lead:],
                            runtime_from.origin)
        reordered, fetch = self._pom_first(cut, project) or (None, None)
        builder, runtime = builder_and_runtime(
            cut, f"FROM {base} AS {name}\n", runtime_from, [f"COPY --from={name} {jar} {jar}\n"],
            lambda line: [TOOLS["mvn"]] if line is fetch else self._mounts(cut, line, family),
            before=reordered)
        runtime_family = package_family(runtime_base)
        if wanted and runtime_family is not None:
            add_packages(runtime, runtime_family, wanted)
        summary = (f"the {family} build moves to a builder stage on `{base}` (cache mount); the runtime "
                   f"on `{runtime_base}` holds only {jar}")
        if reordered is None:
            return Split(builder, runtime, CODES, summary)
        return Split(builder, runtime, (*CODES, "DW701"), summary,
                     ["pom.xml is copied and its dependencies fetched before the rest of the code"])

    def _pom_first(self, cut: Cut, project: Project) -> tuple[list[Line], Line] | None:
        """The lines before the cut with ``pom.xml`` copied and its dependencies fetched
        (``mvn dependency:go-offline``, as DW701 asks) before the whole context is, so a code
        change no longer downloads them again, and the fetching line; None when the order is
        already right, the build is not a plain ``mvn`` of one pom, or the context is copied
        elsewhere than where the build runs."""
        lines = list(cut.before)
        build = next((i for i, line in enumerate(lines) if cut.builds(line)), None)
        copy_all = next((i for i, line in enumerate(lines[:build or 0]) if copies_everything(line)), None)
        if build is None or copy_all is None or not _plain_maven(cut.run_of(lines[build])):
            return None
        pom = project.read("pom.xml")
        if pom is None or "<modules>" in pom:  # a multi-module build needs every module's pom
            return None
        dest = lines[copy_all].text[lines[copy_all].lead:].split()[-1]
        if cut.absolute(dest, lines[copy_all]) != cut.workdir:
            return None
        whole = lines.pop(copy_all)
        lines.insert(copy_all, Line.new(f"COPY pom.xml {dest if dest.endswith('/') else dest + '/'}\n"))
        fetch = Line.new("RUN mvn -B dependency:go-offline\n")
        lines[build:build] = [fetch, whole]  # after a WORKDIR between them, so it runs by the pom
        return lines, fetch

    def _jar(self, cut: Cut) -> str:
        """The absolute path of the jar ``java -jar`` runs, or why it is not known."""
        words = exec_command(cut.stage)
        line = next((x for x in reversed(cut.stage.lines) if x.keyword in ("ENTRYPOINT", "CMD")), None)
        if not words or line is None or words[0].rsplit("/", 1)[-1] != "java" or "-jar" not in words[:-1]:
            return "the command is not `java -jar JAR`, so what the runtime must hold is not known"
        jar = words[words.index("-jar") + 1]
        if any(ch in jar for ch in "*?[$"):
            return f"the jar `{jar}` is a pattern: which file the build writes is not known"
        return cut.absolute(jar, line)

    def _mounts(self, cut: Cut, line: "Line", family: str) -> list[str]:
        run = cut.run_of(line) if line.origin is not None else None
        found = []
        for command in run.script.commands if run is not None else ():
            tool = _tool(command)
            if tool is not None:
                found.append(GRADLE_IMAGE_HOME if tool == "gradle" and family == "gradle" else TOOLS[tool])
        return list(dict.fromkeys(found))

    def _version(self, tag: str | None, project: Project, family: str) -> str | None:
        lowered = (tag or "").lower()
        if family not in ("maven", "gradle") and leading_version(lowered):  # eclipse-temurin:17-jdk
            return leading_version(lowered)
        for pattern in _TAG_JAVA:
            match = pattern.search(lowered)
            if match:
                return match.group(1)
        given = project.versions.get("java")
        if given:
            return given
        for name in ("pom.xml", "build.gradle", "build.gradle.kts"):
            text = project.read(name) or ""
            for pattern in _PROJECT_JAVA:
                match = pattern.search(text)
                if match:
                    return match.group(1)
        return None


def _plain_maven(run) -> bool:
    """The RUN is one ``mvn`` of lifecycle goals with no option that changes what it resolves
    (a profile, a settings file, another pom)."""
    commands = run.script.commands if run is not None else ()
    if len(commands) != 1 or commands[0].name != "mvn":
        return False
    words = [w.value for w in commands[0].args]
    return bool(words) and all(w in MAVEN_FLAGS or w in MAVEN_GOALS or (w or "").startswith("-D") for w in words) \
        and any(w in MAVEN_GOALS for w in words)


def leading_version(tag: str | None) -> str | None:
    """The major version a JDK image tag starts with (``17-jdk``, ``21.0.2_13-jdk``)."""
    match = _LEADING.match(tag or "")
    return match.group(1) if match else None
