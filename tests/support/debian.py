"""Stand-ins for official base images, made locally with debootstrap from the Debian mirror (no
registry is reachable). Each is a *recipe* (:data:`RECIPES`): the Debian packages, the tags it
answers to, how its tree is prepared and its image config. All are Debian bookworm's, so the
versions are bookworm's and a fix that moves a full image to the slim one of the same version
keeps the version:

- ``python:latest`` (and ``python:3.11`` ...): a full Debian with compilers, pip and venv, as
  the official image has them; ``python:3.11-slim``: the interpreter and venv only, docs and
  locales left out as Debian's slim images leave them. Python 3.11.
- ``node:18`` / ``node:18-bookworm`` (and ``node:latest``): Node 18 with npm and the compilers,
  python3 and git node-gyp needs, as the official full image has them; ``node:18-slim``: node and
  npm only. Both have a ``docker-entrypoint.sh`` like the official one (an argument that starts
  with ``-`` or is not a command runs with node) and a ``node`` user with ID 1000.
- ``golang:1.19`` / ``golang:1.19-bookworm`` / ``golang:latest``: Go 1.19 with git, gcc and the
  CA certificates.
- the Java build image, under the tags of ``maven:3-eclipse-temurin-17`` (and 3.8, 3.8.7),
  ``gradle:4.4-jdk17`` and ``eclipse-temurin:17-jdk``: OpenJDK 17, Maven 3.8.7 and Gradle 4.4.1
  in one tree (one debootstrap and one import instead of three); ``eclipse-temurin:17-jre``:
  the headless JRE. Both trimmed as the slim images are. No Maven Central is reachable: Maven
  resolves from ``/usr/share/maven-repo``, the repository Debian's ``lib*-java`` packages fill,
  named ``central`` in the global settings as a company points Maven at its mirror, so a plain
  ``RUN mvn -B package`` works offline when the pom pins plugin versions Debian ships
  (:data:`MAVEN_PLUGINS`). The settings sit in ``/etc/maven``, not ``/root/.m2``, which a
  ``RUN --mount=type=cache,target=/root/.m2`` would hide. Gradle 4.4 builds a project without
  dependencies offline on Java 17.

Adding a base (another language) is one :class:`Recipe` in :data:`RECIPES`; a session fixture
imports the ones it needs (:func:`import_bases`).

A root filesystem is made once per recipe and kept as a tar in a cache folder
(``DOCKWISE_TEST_CACHE``, else ``$XDG_CACHE_HOME/dockwise-tests``, else ``~/.cache/dockwise-tests``)
across runs; each test session imports it into its own buildah store once, under every name a
Dockerfile may use for it (``FROM python:latest`` resolves to ``docker.io/library/python:latest``
with ``--pull=never``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
PYTHON = "3.11"  # bookworm's python3
NODE = "18"  # bookworm's nodejs
GO = "1.19"  # bookworm's golang-go

# What Debian's slim images tell dpkg to leave out (also for packages installed later).
SLIM_DPKG_EXCLUDES = """\
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
"""
# What Debian's docker images tell apt: no package files kept after an install.
APT_CLEAN = """\
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
"""
# The official node images' entrypoint, in spirit: a first argument that is an option or not a
# command (`docker run node app.js`, `--version`) runs with node; anything else runs as given.
NODE_ENTRYPOINT = """\
#!/bin/sh
set -e
case "$1" in
  -*) set -- node "$@" ;;
  *) if [ -n "$1" ] && ! command -v "$1" >/dev/null 2>&1; then set -- node "$@"; fi ;;
esac
exec "$@"
"""
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

JAVA = "17"  # bookworm's default JDK
JAVA_HOME = f"/usr/lib/jvm/java-{JAVA}-openjdk-amd64"
GRADLE_USER_HOME = "/home/gradle/.gradle"  # as the official gradle image sets it
# Maven plugin versions Debian bookworm ships in /usr/share/maven-repo: a fixture's pom pins these.
MAVEN_PLUGINS = {
    "maven-clean-plugin": "3.2.0", "maven-resources-plugin": "3.3.0",
    "maven-compiler-plugin": "3.10.1", "maven-surefire-plugin": "2.22.3",
    "maven-jar-plugin": "3.3.0", "maven-install-plugin": "3.1.0",
    "maven-deploy-plugin": "3.0.0", "maven-site-plugin": "3.12.1",
    "maven-dependency-plugin": "3.5.0",
}
MAVEN_PLUGIN_PACKAGES = (
    "libmaven-clean-plugin-java", "libmaven-resources-plugin-java", "libmaven-compiler-plugin-java",
    "libsurefire-java", "libmaven-jar-plugin-java", "libmaven-install-plugin-java",
    "libmaven-deploy-plugin-java", "libmaven-site-plugin-java",  # go-offline resolves every lifecycle plugin
    "libmaven-dependency-plugin-java",
)
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


def _library(image: str, *tags: str) -> tuple[str, ...]:
    return tuple(f"docker.io/library/{image}:{tag}" for tag in tags)


def _drop_externally_managed(rootfs: Path) -> None:
    """pip installs into the system as it does in the official image."""
    for marker in rootfs.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
        marker.unlink()


def _slim(rootfs: Path) -> None:
    """What Debian's slim images leave out: docs, manuals, locales (and dpkg told so)."""
    (rootfs / "etc/dpkg/dpkg.cfg.d/docker-slim").write_text(SLIM_DPKG_EXCLUDES)
    for pattern in ("usr/share/man", "usr/share/groff", "usr/share/info", "usr/share/lintian",
                    "usr/share/linda", "usr/share/locale"):
        for child in (rootfs / pattern).glob("*"):
            _remove(child)
    for doc in (rootfs / "usr/share/doc").glob("*"):
        for item in doc.iterdir() if doc.is_dir() and not doc.is_symlink() else ():
            if item.name != "copyright":
                _remove(item)


def _remove(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def _node(rootfs: Path) -> None:
    """The official node images' entrypoint script and their ``node`` user (1000:1000)."""
    script = rootfs / "usr/local/bin/docker-entrypoint.sh"
    script.write_text(NODE_ENTRYPOINT)
    script.chmod(0o755)
    with open(rootfs / "etc/group", "a") as group:
        group.write("node:x:1000:\n")
    with open(rootfs / "etc/passwd", "a") as passwd:
        passwd.write("node:x:1000:1000::/home/node:/bin/bash\n")
    (rootfs / "home/node").mkdir(parents=True, exist_ok=True)
    os.chown(rootfs / "home/node", 1000, 1000)


def _golang(rootfs: Path) -> None:
    """Without the toolchain's own compiled packages (``pkg/linux_amd64/cmd``, 145 MB), which
    only a build of Go itself reads; the official images since Go 1.20 ship no pkg/ at all."""
    for folder in rootfs.glob("usr/lib/go-*/pkg/*/cmd"):
        shutil.rmtree(folder)


def _maven(rootfs: Path) -> None:
    """Maven's global settings name Debian's repository (/etc/maven is what
    /usr/share/maven/conf links to); Gradle's user home exists as in the gradle image."""
    (rootfs / "etc/maven/settings.xml").write_text(MAVEN_SETTINGS)
    (rootfs / GRADLE_USER_HOME.lstrip("/")).mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class Recipe:
    """One stand-in image: ``version`` is part of its cache key -- bump it when ``prepare``
    (or anything else that shapes the tree beyond the package list) changes, and the cached
    tar is remade."""

    name: str  # the cache file's stem
    packages: tuple[str, ...]  # installed by debootstrap
    tags: tuple[str, ...]  # the first is the name it is committed under
    prepare: tuple[Callable[[Path], None], ...] = ()
    env: tuple[str, ...] = (PATH_ENV, "LANG=C.UTF-8")
    cmd: str | None = '["/bin/bash"]'  # None: the image sets no CMD
    entrypoint: str | None = None
    version: str = "1"
    # installed with apt-get in the new tree afterwards: debootstrap's own resolver cannot
    # install packages that depend on virtual packages (npm's node-* dependencies)
    apt: tuple[str, ...] = ()


PYTHON_SLIM = ("python3", "python3-venv", "python-is-python3")
NODE_SLIM = ("nodejs", "ca-certificates")
RECIPES: dict[str, Recipe] = {recipe.name: recipe for recipe in (
    Recipe("python-full", (*PYTHON_SLIM, "python3-pip", "build-essential", "gcc", "libc6-dev"),
           _library("python", "latest", "3", PYTHON, f"{PYTHON}-{SUITE}"),
           (_drop_externally_managed,), cmd='["python3"]'),
    Recipe("python-slim", PYTHON_SLIM,
           _library("python", f"{PYTHON}-slim", f"{PYTHON}-slim-{SUITE}", "slim", "3-slim"),
           (_slim,), cmd='["python3"]'),
    Recipe("node-full", (*NODE_SLIM, "build-essential", "python3", "git", "ca-certificates"),
           _library("node", NODE, f"{NODE}-{SUITE}", "latest", f"lts-{SUITE}"),
           (_node,), env=(PATH_ENV, "LANG=C.UTF-8", f"NODE_VERSION={NODE}"), cmd='["node"]',
           entrypoint='["docker-entrypoint.sh"]', apt=("npm",)),
    Recipe("node-slim", NODE_SLIM,
           _library("node", f"{NODE}-slim", f"{NODE}-{SUITE}-slim", "slim", "lts-slim"),
           (_slim, _node), env=(PATH_ENV, "LANG=C.UTF-8", f"NODE_VERSION={NODE}"), cmd='["node"]',
           entrypoint='["docker-entrypoint.sh"]', apt=("npm",)),
    Recipe("golang-full", ("golang-go", "ca-certificates", "git", "gcc", "libc6-dev"),
           _library("golang", GO, f"{GO}-{SUITE}", "latest", SUITE), (_golang,),
           env=("PATH=/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8", "GOPATH=/go", f"GOLANG_VERSION={GO}")),
    Recipe("java-jdk", (f"openjdk-{JAVA}-jdk-headless", "maven", *MAVEN_PLUGIN_PACKAGES, "gradle"),
           (*_library("maven", f"3-eclipse-temurin-{JAVA}", f"3.8-eclipse-temurin-{JAVA}",
                      f"3.8.7-eclipse-temurin-{JAVA}"),
            *_library("gradle", f"4.4-jdk{JAVA}", f"4.4.1-jdk{JAVA}"),
            *_library("eclipse-temurin", f"{JAVA}-jdk", JAVA)),
           (_slim, _maven), cmd='["mvn"]', version="2",
           env=(PATH_ENV, "LANG=C.UTF-8", f"JAVA_HOME={JAVA_HOME}", "MAVEN_HOME=/usr/share/maven",
                f"GRADLE_USER_HOME={GRADLE_USER_HOME}")),
    Recipe("java-jre", (f"openjdk-{JAVA}-jre-headless",), _library("eclipse-temurin", f"{JAVA}-jre"),
           (_slim,), cmd=None, env=(PATH_ENV, "LANG=C.UTF-8", f"JAVA_HOME={JAVA_HOME}")),
)}


class DebootstrapUnavailable(RuntimeError):
    pass


def cache_dir() -> Path:
    if os.environ.get("DOCKWISE_TEST_CACHE"):
        return Path(os.environ["DOCKWISE_TEST_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dockwise-tests"


def _key(recipe: Recipe) -> str:
    kind = recipe.name.removeprefix("python-")  # the Python tars keep the keys they had
    text = "|".join((recipe.version, SUITE, kind, *recipe.packages, *(("apt", *recipe.apt) if recipe.apt else ())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rootfs_tar(name: str) -> Path:
    """The cached root filesystem tar of the recipe ``name``, made when missing."""
    if shutil.which("debootstrap") is None:
        raise DebootstrapUnavailable("debootstrap is not installed (apt-get install debootstrap)")
    recipe = RECIPES[name]
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tar = cache / f"{recipe.name}-{SUITE}-{_key(recipe)}.tar"
    if tar.is_file():
        return tar
    (cache / "debs").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"debootstrap-{name}-", dir=cache))
    try:
        rootfs = work / "rootfs"
        proc = subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(recipe.packages)}",
             f"--cache-dir={cache / 'debs'}", SUITE, str(rootfs), MIRROR],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise DebootstrapUnavailable(f"debootstrap failed: {(proc.stdout + proc.stderr)[-2000:]}")
        if recipe.apt:
            _apt_install(rootfs, recipe.apt)
        _prepare(rootfs, recipe)
        partial = work / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "--numeric-owner", "--exclude=./dev/*",
                        "--exclude=./proc/*", "--exclude=./sys/*", "-cf", str(partial), "."], check=True)
        os.replace(partial, tar)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tar


def _apt_install(rootfs: Path, packages: tuple[str, ...]) -> None:
    script = ("apt-get update -qq && apt-get install -y -qq --no-install-recommends "
              + " ".join(packages) + " >/dev/null")
    proc = subprocess.run(["chroot", str(rootfs), "/bin/sh", "-c", script], capture_output=True, text=True,
                          env={"PATH": PATH_ENV.partition("=")[2], "DEBIAN_FRONTEND": "noninteractive",
                               "LANG": "C.UTF-8"})
    if proc.returncode != 0:
        raise DebootstrapUnavailable(f"apt-get install {' '.join(packages)} failed: "
                                     f"{(proc.stdout + proc.stderr)[-2000:]}")


def _prepare(rootfs: Path, recipe: Recipe) -> None:
    """Make the debootstrap tree look like the official image it stands in for."""
    (rootfs / "etc/apt/apt.conf.d/docker-clean").write_text(APT_CLEAN)
    for step in recipe.prepare:
        step(rootfs)
    for pattern in ("var/lib/apt/lists/*", "var/cache/apt/*.bin", "var/cache/apt/archives/*.deb",
                    "var/log/*.log", "var/log/apt/*"):
        for path in rootfs.glob(pattern):
            if path.is_file() or path.is_symlink():
                path.unlink()


def import_bases(buildah, *names: str) -> dict[str, str]:
    """The recipes ``names`` in ``buildah``'s store under every tag; {name: first tag}."""
    made = {}
    for name in names:
        recipe = RECIPES[name]
        tar = rootfs_tar(name)
        container = buildah.run("from", "scratch").stdout.strip().splitlines()[-1]
        try:
            buildah.run("add", container, str(tar), "/")
            args = ["config", *(("--cmd", recipe.cmd) if recipe.cmd else ())]
            if recipe.entrypoint:
                args += ["--entrypoint", recipe.entrypoint]
            for env in recipe.env:
                args += ["--env", env]
            buildah.run(*args, container)
            buildah.run("commit", "--format", "docker", container, recipe.tags[0])
        finally:
            buildah.run("rm", container)
        for tag in recipe.tags[1:]:
            buildah.run("tag", recipe.tags[0], tag)
        made[name] = recipe.tags[0]
    return made
