"""Image references (``python:3.12-slim``, ``ghcr.io/org/app@sha256:...``), parsed the way
Docker normalises them (the distribution/reference grammar).

* ``name[:tag][@digest]``; ``name`` is ``[registry/]path``, ``registry`` is a host name, an IPv4
  address or a bracketed IPv6 address, optionally with ``:port``.
* The first path part is a registry only if it contains ``.`` or ``:``, is ``localhost``, or has
  upper-case letters; otherwise the image is on Docker Hub (``docker.io``) and a one-part
  repository lives under ``library/``.
* Repository paths are lower-case ``[a-z0-9]`` parts joined by ``.``, ``_``, ``__`` or dashes;
  tags are ``[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}``; digests are ``sha256:`` + 64 hex digits (or
  sha384/sha512).
* ``scratch`` is not an image (it means "no base"), so :func:`parse_image_ref` rejects it.
"""

from __future__ import annotations

import re
from functools import cache

from dockwise._record import FrozenRecord

__all__ = ["ImageRef", "parse_image_ref", "DEFAULT_REGISTRY"]

DEFAULT_REGISTRY = "docker.io"
_LEGACY_REGISTRY = "index.docker.io"
_OFFICIAL_NAMESPACE = "library"
_MAX_NAME_LENGTH = 255

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """The grammar's regular expressions, compiled on first use (import time counts)."""
    return {
        "domain": re.compile(_DOMAIN),
        "path": re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"),
        "tag": re.compile(r"[\w][\w.-]{0,127}", re.ASCII),
        "digest": re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"),
        "hex64": re.compile(r"[a-f0-9]{64}"),
    }


class ImageRef(FrozenRecord):
    """A normalised image reference (immutable, compared by its fields).

    ``raw``: as written (after variable expansion); ``registry``: "docker.io" for Docker Hub;
    ``repository``: the path within the registry ("library/python", "org/app"); ``tag``;
    ``digest``: "sha256:<64 hex>".
    """

    __slots__ = ("raw", "registry", "repository", "tag", "digest")

    raw: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None

    def __init__(self, raw: str, registry: str, repository: str, tag: str | None = None,
                 digest: str | None = None) -> None:
        self._set(raw=raw, registry=registry, repository=repository, tag=tag, digest=digest)

    @property
    def name(self) -> str:
        """The last path part: ``python`` for ``docker.io/library/python``."""
        return self.repository.rsplit("/", 1)[-1]

    @property
    def pinned_by_digest(self) -> bool:
        return self.digest is not None

    @property
    def is_docker_hub(self) -> bool:
        return self.registry == DEFAULT_REGISTRY

    @property
    def is_official(self) -> bool:
        """A Docker Hub "official image" (``library/...``)."""
        return self.is_docker_hub and self.repository.startswith(_OFFICIAL_NAMESPACE + "/")

    @property
    def effective_tag(self) -> str | None:
        """The tag Docker pulls: the written one, ``latest`` if neither tag nor digest is given."""
        if self.tag is None and self.digest is None:
            return "latest"
        return self.tag

    @property
    def familiar_name(self) -> str:
        """The short name Docker prints: ``python``, ``org/app``, ``ghcr.io/org/app``."""
        if self.is_docker_hub:
            prefix = _OFFICIAL_NAMESPACE + "/"
            if self.repository.startswith(prefix) and "/" not in self.repository[len(prefix):]:
                return self.repository[len(prefix):]
            return self.repository
        return f"{self.registry}/{self.repository}"

    @property
    def full_name(self) -> str:
        """``registry/repository`` with Docker Hub spelled out: ``docker.io/library/python``."""
        return f"{self.registry}/{self.repository}"

    @property
    def familiar(self) -> str:
        """The short form with tag and digest: ``python:3.12``, ``org/app@sha256:...``."""
        return self.familiar_name + self._suffix()

    def __str__(self) -> str:
        return self.full_name + self._suffix()

    def _suffix(self) -> str:
        text = f":{self.tag}" if self.tag is not None else ""
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def parse_image_ref(text: str) -> ImageRef | None:
    """Parse and normalise ``text``; None if it is not a valid reference (or is ``scratch``)."""
    if not text or text != text.strip() or text.lower() == "scratch":
        return None
    remainder, digest = _split_digest(text)
    if digest is False:
        return None
    name, tag = _split_tag(remainder)
    if tag is False or not name:
        return None
    registry, path = _split_registry(name)
    if registry is None:
        return None
    if not _patterns()["path"].fullmatch(path):
        return None  # includes upper-case repository names, which Docker rejects
    if registry == DEFAULT_REGISTRY and "/" not in path:
        if _patterns()["hex64"].fullmatch(path):
            return None  # a bare image ID is not a reference
        path = f"{_OFFICIAL_NAMESPACE}/{path}"
    if len(registry) + 1 + len(path) > _MAX_NAME_LENGTH:
        return None  # the limit applies to the normalised name ("docker.io/library/...")
    return ImageRef(raw=text, registry=registry, repository=path, tag=tag, digest=digest)


def _split_digest(text: str) -> tuple[str, str | None | bool]:
    name, at, digest = text.partition("@")
    if not at:
        return text, None
    if not _patterns()["digest"].fullmatch(digest):
        return name, False
    algorithm, _, hex_part = digest.partition(":")
    expected = _DIGEST_HEX_LENGTH.get(algorithm)
    if expected is None or len(hex_part) != expected or hex_part != hex_part.lower():
        return name, False
    return name, digest


def _split_tag(name: str) -> tuple[str, str | None | bool]:
    colon = name.rfind(":")
    if colon < 0 or "/" in name[colon + 1:]:
        return name, None  # no tag, or the colon belongs to a registry port
    tag = name[colon + 1:]
    if not _patterns()["tag"].fullmatch(tag):
        return name, False
    return name[:colon], tag


def _split_registry(name: str) -> tuple[str | None, str]:
    slash = name.find("/")
    first = name[:slash] if slash >= 0 else ""
    is_registry = slash >= 0 and (
        "." in first or ":" in first or first == "localhost" or first.lower() != first)
    if not is_registry:
        return DEFAULT_REGISTRY, name
    if not _patterns()["domain"].fullmatch(first):
        return None, ""
    registry = DEFAULT_REGISTRY if first == _LEGACY_REGISTRY else first
    return registry, name[slash + 1:]
