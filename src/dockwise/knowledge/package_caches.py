"""Package-manager caches and indexes: what a package manager leaves behind that nothing reads
at run time. One list for ``check`` (DL3009, DW201, DL3042, DL3060, DW801, DW803, DW804, the
layer rules) and ``image`` (DI005).

Paths are root's; a cache under ``/root/`` is also looked for in every ``/home/*`` of an image.
"""

from __future__ import annotations

from collections import namedtuple


class PackageCache(namedtuple("PackageCache", "path what managers")):
    """``path``: the directory (absolute); ``what``: its name in messages; ``managers``: the
    commands that fill it."""

    __slots__ = ()


PACKAGE_CACHES = (
    PackageCache("/var/lib/apt/lists", "apt package lists", ("apt-get", "apt", "aptitude")),
    PackageCache("/var/cache/apt", "apt package cache", ("apt-get", "apt", "aptitude")),
    PackageCache("/var/cache/apk", "apk package cache", ("apk",)),
    PackageCache("/var/cache/yum", "yum cache", ("yum",)),
    PackageCache("/var/cache/dnf", "dnf cache", ("dnf", "microdnf")),
    PackageCache("/var/cache/zypp", "zypper cache", ("zypper",)),
    PackageCache("/root/.cache/pip", "pip cache", ("pip", "pip3")),
    PackageCache("/root/.npm/_cacache", "npm cache", ("npm",)),
    PackageCache("/root/.cache/yarn", "yarn cache", ("yarn",)),
    # the yarn cache of the official node images (HOME is /usr/local/share there)
    PackageCache("/usr/local/share/.cache/yarn", "yarn cache", ("yarn",)),
    PackageCache("/root/.cache/pypoetry", "Poetry cache", ("poetry",)),
    PackageCache("/root/.cache/pipenv", "pipenv cache", ("pipenv",)),
    PackageCache("/root/.cache/go-build", "Go build cache", ("go",)),
    PackageCache("/root/go/pkg/mod/cache", "Go module download cache", ("go",)),
    PackageCache("/root/.cargo/registry/cache", "cargo registry cache", ("cargo",)),
)

# The package index an `update` (or an install that refreshes it) writes, per manager.
INDEX_DIRS = {
    "apt-get": "/var/lib/apt/lists", "apt": "/var/lib/apt/lists", "aptitude": "/var/lib/apt/lists",
    "apk": "/var/cache/apk", "yum": "/var/cache/yum", "dnf": "/var/cache/dnf", "zypper": "/var/cache/zypp",
}


def cache_dir(manager: str) -> str:
    """The first cache directory ``manager`` fills (its index for system package managers)."""
    if manager in INDEX_DIRS:
        return INDEX_DIRS[manager]
    return next(cache.path for cache in PACKAGE_CACHES if manager in cache.managers)


def cache_named(path: str) -> PackageCache:
    return next(cache for cache in PACKAGE_CACHES if cache.path == path)


# Image paths have no leading "/": `var/lib/apt/lists`.
IMAGE_CACHE_DIRS = {cache.path[1:]: cache.what for cache in PACKAGE_CACHES}
HOME_CACHE_DIRS = {cache.path[len("/root/"):]: cache.what for cache in PACKAGE_CACHES
                   if cache.path.startswith("/root/")}
_IMAGE_PREFIXES = tuple(prefix + "/" for prefix in IMAGE_CACHE_DIRS) + ("home/",)


def image_cache_of(path: str) -> str | None:
    """The cache directory an image path (no leading ``/``) lies in, or None."""
    if not path.startswith(_IMAGE_PREFIXES):
        return None
    for prefix in IMAGE_CACHE_DIRS:
        if path.startswith(prefix + "/"):
            return prefix
    if path.startswith("home/"):
        parts = path.split("/")
        for suffix in HOME_CACHE_DIRS:
            n = suffix.count("/") + 1
            if "/".join(parts[2:2 + n]) == suffix and len(parts) > 2 + n:
                return "/".join(parts[:2 + n])
    return None


def image_cache_kind(prefix: str) -> str:
    """What the cache ``image_cache_of`` returned is called in messages."""
    if prefix in IMAGE_CACHE_DIRS:
        return IMAGE_CACHE_DIRS[prefix]
    return HOME_CACHE_DIRS.get(prefix.split("/", 2)[2], "cache")
