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


APT_LISTS = "/var/lib/apt/lists"
APT_ARCHIVES = "/var/cache/apt"
APK_CACHE = "/var/cache/apk"
DNF_CACHE = "/var/cache/dnf"
YUM_CACHE = "/var/cache/yum"
ZYPPER_CACHE = "/var/cache/zypp"
PIP_CACHE = "/root/.cache/pip"
NPM_CACHE = "/root/.npm/_cacache"  # ~/.npm also holds logs; the cache is _cacache
YARN_CACHE = "/usr/local/share/.cache/yarn"  # the official node images' HOME is /usr/local/share
POETRY_CACHE = "/root/.cache/pypoetry"
PIPENV_CACHE = "/root/.cache/pipenv"
UV_CACHE = "/root/.cache/uv"

PACKAGE_CACHES = (
    PackageCache(APT_LISTS, "apt package lists", ("apt-get", "apt", "aptitude")),
    PackageCache(APT_ARCHIVES, "apt package cache", ("apt-get", "apt", "aptitude")),
    PackageCache(APK_CACHE, "apk package cache", ("apk",)),
    PackageCache(DNF_CACHE, "dnf cache", ("dnf", "microdnf")),
    # dnf on RHEL 8 keeps yum's directory too; dnf5 has its own
    PackageCache(YUM_CACHE, "yum cache", ("yum", "dnf")),
    PackageCache("/var/cache/libdnf5", "dnf5 cache", ("dnf", "dnf5")),
    PackageCache(ZYPPER_CACHE, "zypper cache", ("zypper",)),
    PackageCache(PIP_CACHE, "pip cache", ("pip", "pip3")),
    PackageCache(NPM_CACHE, "npm cache", ("npm",)),
    PackageCache(YARN_CACHE, "yarn cache", ("yarn",)),
    PackageCache("/root/.cache/yarn", "yarn cache", ("yarn",)),
    PackageCache(POETRY_CACHE, "Poetry cache", ("poetry",)),
    PackageCache(PIPENV_CACHE, "pipenv cache", ("pipenv",)),
    PackageCache(UV_CACHE, "uv cache", ("uv",)),
    PackageCache("/root/.cache/go-build", "Go build cache", ("go",)),
    PackageCache("/root/go/pkg/mod/cache", "Go module download cache", ("go",)),
    PackageCache("/root/.cargo/registry/cache", "cargo registry cache", ("cargo",)),
)

# The package index an `update` (or an install that refreshes it) writes, per manager.
INDEX_DIRS = {
    "apt-get": APT_LISTS, "apt": APT_LISTS, "aptitude": APT_LISTS,
    "apk": APK_CACHE, "yum": YUM_CACHE, "dnf": DNF_CACHE, "zypper": ZYPPER_CACHE,
}


def cache_dir(manager: str) -> str:
    """The first cache directory ``manager`` fills (its index for system package managers)."""
    if manager in INDEX_DIRS:
        return INDEX_DIRS[manager]
    return next(cache.path for cache in PACKAGE_CACHES if manager in cache.managers)


def cache_dirs(manager: str) -> tuple[str, ...]:
    """Every cache directory ``manager`` fills, in the order of :data:`PACKAGE_CACHES`."""
    return tuple(cache.path for cache in PACKAGE_CACHES if manager in cache.managers)


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
