"""Stand-ins for the official Python images, made locally with debootstrap from the Debian
mirror (no registry is reachable): ``python:latest`` (a full Debian with compilers, pip and
venv, as the official image has them) and ``python:3.11-slim`` (the interpreter and venv only,
docs and locales left out as Debian's slim images leave them). Both are Debian bookworm's
Python 3.11, so a fix that moves ``python:latest`` to ``python:3.11-slim`` keeps the version.

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
from pathlib import Path

MIRROR = "http://deb.debian.org/debian"
SUITE = "bookworm"
PYTHON = "3.11"  # bookworm's python3

SLIM_PACKAGES = ("python3", "python3-venv", "python-is-python3")
FULL_PACKAGES = (*SLIM_PACKAGES, "python3-pip", "build-essential", "gcc", "libc6-dev")

FULL_TAGS = ("docker.io/library/python:latest", "docker.io/library/python:3",
             f"docker.io/library/python:{PYTHON}", f"docker.io/library/python:{PYTHON}-{SUITE}")
SLIM_TAGS = (f"docker.io/library/python:{PYTHON}-slim", f"docker.io/library/python:{PYTHON}-slim-{SUITE}",
             "docker.io/library/python:slim", "docker.io/library/python:3-slim")

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
RECIPE_VERSION = "1"  # bump when the preparation below changes: cached tars are remade
CONFIG_ENV = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8")


class DebootstrapUnavailable(RuntimeError):
    pass


def cache_dir() -> Path:
    if os.environ.get("DOCKWISE_TEST_CACHE"):
        return Path(os.environ["DOCKWISE_TEST_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dockwise-tests"


def _key(kind: str, packages: tuple[str, ...]) -> str:
    text = "|".join((RECIPE_VERSION, SUITE, kind, *packages))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rootfs_tar(kind: str) -> Path:
    """The cached root filesystem tar of ``kind`` ("full" or "slim"), made when missing."""
    if shutil.which("debootstrap") is None:
        raise DebootstrapUnavailable("debootstrap is not installed (apt-get install debootstrap)")
    packages = FULL_PACKAGES if kind == "full" else SLIM_PACKAGES
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tar = cache / f"python-{kind}-{SUITE}-{_key(kind, packages)}.tar"
    if tar.is_file():
        return tar
    (cache / "debs").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"debootstrap-{kind}-", dir=cache))
    try:
        rootfs = work / "rootfs"
        proc = subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(packages)}",
             f"--cache-dir={cache / 'debs'}", SUITE, str(rootfs), MIRROR],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise DebootstrapUnavailable(f"debootstrap failed: {(proc.stdout + proc.stderr)[-2000:]}")
        _prepare(rootfs, kind)
        partial = work / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "--numeric-owner", "--exclude=./dev/*",
                        "--exclude=./proc/*", "--exclude=./sys/*", "-cf", str(partial), "."], check=True)
        os.replace(partial, tar)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tar


def _prepare(rootfs: Path, kind: str) -> None:
    """Make the debootstrap tree look like the official image it stands in for."""
    (rootfs / "etc/apt/apt.conf.d/docker-clean").write_text(APT_CLEAN)
    if kind == "full":
        # pip installs into the system as it does in the official image
        for marker in rootfs.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
            marker.unlink()
    else:
        (rootfs / "etc/dpkg/dpkg.cfg.d/docker-slim").write_text(SLIM_DPKG_EXCLUDES)
        for pattern in ("usr/share/man", "usr/share/groff", "usr/share/info", "usr/share/lintian",
                        "usr/share/linda", "usr/share/locale"):
            for child in (rootfs / pattern).glob("*"):
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        for doc in (rootfs / "usr/share/doc").glob("*"):
            for item in doc.iterdir() if doc.is_dir() and not doc.is_symlink() else ():
                if item.name != "copyright":
                    shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
    for pattern in ("var/lib/apt/lists/*", "var/cache/apt/*.bin", "var/cache/apt/archives/*.deb",
                    "var/log/*.log", "var/log/apt/*"):
        for path in rootfs.glob(pattern):
            if path.is_file() or path.is_symlink():
                path.unlink()


def import_python_bases(buildah) -> dict[str, str]:
    """Both stand-ins in ``buildah``'s store under every tag; {"full": name, "slim": name}."""
    made = {}
    for kind, tags in (("full", FULL_TAGS), ("slim", SLIM_TAGS)):
        tar = rootfs_tar(kind)
        container = buildah.run("from", "scratch").stdout.strip().splitlines()[-1]
        try:
            buildah.run("add", container, str(tar), "/")
            args = ["config", "--cmd", '["python3"]']
            for env in CONFIG_ENV:
                args += ["--env", env]
            buildah.run(*args, container)
            buildah.run("commit", "--format", "docker", container, tags[0])
        finally:
            buildah.run("rm", container)
        for tag in tags[1:]:
            buildah.run("tag", tags[0], tag)
        made[kind] = tags[0]
    return made
