"""Stand-ins for the official Java images, made locally with debootstrap from the Debian mirror
(no container registry and no Maven Central are reachable here):

- the build image, under the tags of ``maven:3-eclipse-temurin-17`` (and 3.8, 3.8.7),
  ``gradle:4.4-jdk17`` and ``eclipse-temurin:17-jdk``: Debian bookworm's OpenJDK 17, Maven 3.8.7
  and Gradle 4.4.1 in one root filesystem (one debootstrap and one import instead of three);
- the runtime image ``eclipse-temurin:17-jre``: the headless OpenJDK 17 JRE.

Both are trimmed as Debian's slim images are (no docs, man pages or locales, also for packages
installed later), as the official images' minimized Ubuntu base is.

Maven resolves from ``/usr/share/maven-repo``, the Maven repository Debian's ``lib*-java``
packages fill, named in the global ``settings.xml`` as ``central`` the way a company points
Maven at its own mirror; so a plain ``RUN mvn -B package`` works offline, provided the pom pins
plugin versions Debian ships (PLUGINS). The settings sit in ``/etc/maven`` rather than
``/root/.m2``, which a ``RUN --mount=type=cache,target=/root/.m2`` would hide. Debian's Gradle
4.4 runs on Java 17 and builds a project without dependencies offline.

Root filesystems are cached as tars beside the Python ones (tests/support/debian.py), and each
test session imports them into its own buildah store.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.debian import (
    APT_CLEAN, CONFIG_ENV, MIRROR, SUITE, DebootstrapUnavailable, _prepare, cache_dir,
)

JAVA = "17"  # bookworm's default JDK
JAVA_HOME = f"/usr/lib/jvm/java-{JAVA}-openjdk-amd64"

# Maven plugin versions Debian bookworm ships in /usr/share/maven-repo: a fixture's pom pins these.
PLUGINS = {
    "maven-clean-plugin": "3.2.0", "maven-resources-plugin": "3.3.0",
    "maven-compiler-plugin": "3.10.1", "maven-surefire-plugin": "2.22.3",
    "maven-jar-plugin": "3.3.0", "maven-install-plugin": "3.1.0",
    "maven-deploy-plugin": "3.0.0", "maven-site-plugin": "3.12.1",
    "maven-dependency-plugin": "3.5.0",
}
PLUGIN_PACKAGES = (
    "libmaven-clean-plugin-java", "libmaven-resources-plugin-java", "libmaven-compiler-plugin-java",
    "libsurefire-java", "libmaven-jar-plugin-java", "libmaven-install-plugin-java",
    "libmaven-deploy-plugin-java", "libmaven-site-plugin-java",  # go-offline resolves every lifecycle plugin
    "libmaven-dependency-plugin-java",
)
JDK_PACKAGES = (f"openjdk-{JAVA}-jdk-headless", "maven", *PLUGIN_PACKAGES, "gradle")
JRE_PACKAGES = (f"openjdk-{JAVA}-jre-headless",)

JDK_TAGS = (f"docker.io/library/maven:3-eclipse-temurin-{JAVA}",
            f"docker.io/library/maven:3.8-eclipse-temurin-{JAVA}",
            f"docker.io/library/maven:3.8.7-eclipse-temurin-{JAVA}",
            f"docker.io/library/gradle:4.4-jdk{JAVA}", f"docker.io/library/gradle:4.4.1-jdk{JAVA}",
            f"docker.io/library/eclipse-temurin:{JAVA}-jdk", f"docker.io/library/eclipse-temurin:{JAVA}")
JRE_TAGS = (f"docker.io/library/eclipse-temurin:{JAVA}-jre",)

MAVEN_SETTINGS = """\
<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
  <!-- Debian's Maven repository stands in for Maven Central, as a company mirror would;
       it has no checksum files, hence checksumPolicy ignore. -->
  <profiles>
    <profile>
      <id>debian-repository</id>
      <repositories>
        <repository>
          <id>central</id>
          <url>file:///usr/share/maven-repo</url>
          <releases><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        </repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository>
          <id>central</id>
          <url>file:///usr/share/maven-repo</url>
          <releases><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        </pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>debian-repository</activeProfile>
  </activeProfiles>
</settings>
"""
RECIPE_VERSION = "2"  # bump when the preparation below changes: cached tars are remade
GRADLE_USER_HOME = "/home/gradle/.gradle"  # as the official gradle image sets it
JDK_ENV = (*CONFIG_ENV, f"JAVA_HOME={JAVA_HOME}", "MAVEN_HOME=/usr/share/maven",
           f"GRADLE_USER_HOME={GRADLE_USER_HOME}")
JRE_ENV = (*CONFIG_ENV, f"JAVA_HOME={JAVA_HOME}")


def _key(kind: str, packages: tuple[str, ...]) -> str:
    text = "|".join((RECIPE_VERSION, APT_CLEAN, MAVEN_SETTINGS, SUITE, kind, *packages))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rootfs_tar(kind: str) -> Path:
    """The cached root filesystem tar of ``kind`` ("jdk" or "jre"), made when missing."""
    if shutil.which("debootstrap") is None:
        raise DebootstrapUnavailable("debootstrap is not installed (apt-get install debootstrap)")
    packages = JDK_PACKAGES if kind == "jdk" else JRE_PACKAGES
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tar = cache / f"java-{kind}-{SUITE}-{_key(kind, packages)}.tar"
    if tar.is_file():
        return tar
    (cache / "debs").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"debootstrap-java-{kind}-", dir=cache))
    try:
        rootfs = work / "rootfs"
        proc = subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(packages)}",
             f"--cache-dir={cache / 'debs'}", SUITE, str(rootfs), MIRROR],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise DebootstrapUnavailable(f"debootstrap failed: {(proc.stdout + proc.stderr)[-2000:]}")
        _prepare_java(rootfs, kind)
        partial = work / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "--numeric-owner", "--exclude=./dev/*",
                        "--exclude=./proc/*", "--exclude=./sys/*", "-cf", str(partial), "."], check=True)
        os.replace(partial, tar)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tar


def _prepare_java(rootfs: Path, kind: str) -> None:
    """Trimmed like a slim image; Maven's global settings point at Debian's repository
    (/etc/maven is what /usr/share/maven/conf links to)."""
    _prepare(rootfs, "slim")
    if kind == "jdk":
        (rootfs / "etc/maven/settings.xml").write_text(MAVEN_SETTINGS)
        (rootfs / GRADLE_USER_HOME.lstrip("/")).mkdir(parents=True, exist_ok=True)


def import_java_bases(buildah) -> dict[str, str]:
    """Both stand-ins in ``buildah``'s store under every tag; {"jdk": name, "jre": name}."""
    made = {}
    for kind, tags, env, cmd in (("jdk", JDK_TAGS, JDK_ENV, '["mvn"]'), ("jre", JRE_TAGS, JRE_ENV, None)):
        tar = rootfs_tar(kind)
        container = buildah.run("from", "scratch").stdout.strip().splitlines()[-1]
        try:
            buildah.run("add", container, str(tar), "/")
            args = ["config", *(("--cmd", cmd) if cmd else ())]
            for item in env:
                args += ["--env", item]
            buildah.run(*args, container)
            buildah.run("commit", "--format", "docker", container, tags[0])
        finally:
            buildah.run("rm", container)
        for tag in tags[1:]:
            buildah.run("tag", tags[0], tag)
        made[kind] = tags[0]
    return made
