"""An image of a registry as an :class:`~dockwise.image.source.ImageSource`, and the digest a
tag points to.

A reference is ``[docker://]host[:port]/repository[:tag][@digest]`` (a Docker Hub name such as
``python:3.12`` too). An index or manifest list is resolved to one image with ``--platform``,
as for an OCI layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from dockwise.errors import ImageError
from dockwise.image.registry.client import BlobReader, Prefetched, RegistryError, Session
from dockwise.image.source import (INDEX_TYPES, MAX_INDEX_DEPTH, MAX_JSON_BYTES, ImageSource, LayerRef, _choose,
                                   _config_platform, _diff_ids)

SCHEMA1_TYPES = {"application/vnd.docker.distribution.manifest.v1+json",
                 "application/vnd.docker.distribution.manifest.v1+prettyjws"}


@dataclass(frozen=True)
class RegistryOptions:
    insecure: tuple[str, ...] = ()  # registries (host[:port]) reached without TLS verification

    def session(self, registry: str) -> Session:
        host = registry.split(":")[0] if registry.count(":") == 1 else registry
        return Session(registry, insecure=registry in self.insecure or host in self.insecure)


@dataclass(frozen=True)
class RegistryBlob:
    """Where a layer blob is: a registry repository. Picklable, like a file location; opened
    by the layer reader in whichever process reads the layer."""

    session: Session = field(compare=False)
    repository: str
    digest: str
    length: int

    @property
    def path(self) -> str:
        return f"{self.session.registry}/{self.repository}@{self.digest}"

    def open(self) -> Prefetched:
        return Prefetched(BlobReader(self.session, self.repository, self.digest, self.length))


def parse_reference(name: str):
    """The :class:`~dockwise.model.imageref.ImageRef` of ``name`` (``docker://`` removed)."""
    from dockwise.model.imageref import parse_image_ref

    text = name.removeprefix("docker://")
    ref = parse_image_ref(text)
    if ref is None:
        raise ImageError(f"not a valid image reference: {text!r} (expected [registry/]repository[:tag][@digest])")
    return ref


def open_registry_image(name: str, *, platform: str | None = None,
                        options: RegistryOptions = RegistryOptions()) -> ImageSource:
    ref = parse_reference(name)
    session = options.session(ref.registry)
    repository = ref.repository
    body, media_type, digest = session.manifest(repository, ref.digest or ref.effective_tag)
    document = _json(body, f"manifest of {name}")
    kind = media_type if media_type in INDEX_TYPES else document.get("mediaType", media_type)
    platforms: list[str] = []
    if kind in INDEX_TYPES or "manifests" in document:
        candidates = _platform_manifests(session, repository, document, name, 0)
        if not candidates:
            raise ImageError("the index lists no image manifest", path=name)
        platforms = [p for p, _ in candidates]
        chosen = candidates[_choose(platforms, platform, name)][1]
        body, media_type, digest = session.manifest(repository, str(chosen.get("digest")))
        document = _json(body, f"manifest {chosen.get('digest')}")
    return _image(session, repository, name, document, media_type, platforms)


def _image(session: Session, repository: str, name: str, manifest: dict, media_type: str,
           platforms: list[str]) -> ImageSource:
    if media_type in SCHEMA1_TYPES or manifest.get("schemaVersion") == 1:
        raise ImageError("the registry serves a schema 1 manifest, which dockwise does not read "
                         "(re-push the image with a current client)", path=name)
    config_desc = manifest.get("config")
    if not isinstance(config_desc, dict) or not isinstance(config_desc.get("digest"), str):
        raise ImageError("manifest has no config", path=name)
    config_size = _size(config_desc, name)
    if config_size > MAX_JSON_BYTES:
        raise ImageError(f"config is too large ({config_size} bytes)", path=name)
    config_digest = _digest(config_desc, name)
    config = _json(session.blob(repository, config_digest, config_size), "config")
    diff_ids = _diff_ids(config, name)
    descs = manifest.get("layers")
    if not isinstance(descs, list) or len(descs) != len(diff_ids):
        count = len(descs) if isinstance(descs, list) else 0
        raise ImageError(f"manifest lists {count} layers but the config has {len(diff_ids)} diff_ids", path=name)
    layers = []
    for i, (desc, diff_id) in enumerate(zip(descs, diff_ids)):
        if not isinstance(desc, dict):
            raise ImageError(f"layer {i + 1} of the manifest is not a descriptor", path=name)
        blob_digest = _digest(desc, name)
        location = RegistryBlob(session, repository, blob_digest, _size(desc, name))
        layers.append(LayerRef(i, location, f"layer {i + 1} ({blob_digest[:19]}…)", blob_digest, diff_id,
                               str(desc.get("mediaType", ""))))
    return ImageSource("registry", name, config_digest, config, layers, platforms or [_config_platform(config)])


def _platform_manifests(session: Session, repository: str, index: dict, name: str,
                        depth: int) -> list[tuple[str, dict]]:
    """(platform, descriptor) of every image of an index; attestation manifests left out."""
    if depth > MAX_INDEX_DEPTH:
        raise ImageError(f"image indexes nest more than {MAX_INDEX_DEPTH} levels deep", path=name)
    found = []
    for desc in index.get("manifests") or []:
        if not isinstance(desc, dict) or not isinstance(desc.get("digest"), str):
            continue
        if desc.get("mediaType") in INDEX_TYPES:
            body, _, _ = session.manifest(repository, desc["digest"])
            found.extend(_platform_manifests(session, repository, _json(body, "index"), name, depth + 1))
            continue
        annotations = desc.get("annotations") if isinstance(desc.get("annotations"), dict) else {}
        if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
            continue
        plat = desc.get("platform")
        if isinstance(plat, dict):
            label = "/".join(str(x) for x in (plat.get("os"), plat.get("architecture"), plat.get("variant")) if x)
        else:
            label = _platform_of(session, repository, desc["digest"])
        if label != "unknown/unknown":
            found.append((label, desc))
    return found


def _platform_of(session: Session, repository: str, digest: str) -> str:
    body, _, _ = session.manifest(repository, digest)
    config_desc = _json(body, "manifest").get("config")
    if not isinstance(config_desc, dict) or not isinstance(config_desc.get("digest"), str):
        return "unknown/unknown"
    size = config_desc.get("size")
    if not isinstance(size, int) or not 0 <= size <= MAX_JSON_BYTES:
        return "unknown/unknown"
    return _config_platform(_json(session.blob(repository, config_desc["digest"], size), "config"))


def _json(data: bytes, what: str) -> dict:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        raise RegistryError(f"the {what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise RegistryError(f"the {what} is not a JSON object")
    return value


def _digest(desc: dict, name: str) -> str:
    digest = desc.get("digest")
    hexpart = digest[7:] if isinstance(digest, str) and digest.startswith("sha256:") else ""
    if len(hexpart) != 64 or any(c not in "0123456789abcdef" for c in hexpart):
        raise ImageError(f"unsupported or invalid digest {digest!r}", path=name)
    return str(digest)


def _size(desc: dict, name: str) -> int:
    size = desc.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ImageError(f"descriptor of {desc.get('digest')} has no valid size", path=name)
    return size


@dataclass(frozen=True)
class Resolved:
    digest: str  # of the index (manifest list) or of the single manifest
    media_type: str
    platforms: tuple[str, ...] = ()  # of an index; empty for a single manifest
    children: tuple[str, ...] = ()  # digests of the index's manifests


def resolve_digest(name: str, *, options: RegistryOptions = RegistryOptions()) -> Resolved:
    """The digest ``name``'s tag points to now: of its index when it has one (every platform
    stays pinned), else of its manifest; with the index's platforms and manifests. A HEAD
    request answers the digest (registries do not count it against pull limits); only an
    index is then read."""
    ref = parse_reference(name)
    session = options.session(ref.registry)
    tag = ref.effective_tag or "latest"
    _, media_type, digest = session.manifest(ref.repository, tag, head=True)
    if media_type and media_type not in INDEX_TYPES:
        return Resolved(digest, media_type)
    body, media_type, fetched = session.manifest(ref.repository, digest)
    document = _json(body, f"manifest of {name}")
    if "manifests" not in document:
        return Resolved(fetched, media_type)
    found = _platform_manifests(session, ref.repository, document, name, 0)
    children = tuple(str(d.get("digest")) for d in document.get("manifests") or [] if isinstance(d, dict))
    return Resolved(fetched, media_type, tuple(p for p, _ in found), children)


def compressed_size(name: str, platform: str | None, *,
                    options: RegistryOptions = RegistryOptions()) -> tuple[str, int]:
    """(platform, compressed bytes of its layers) of ``name``'s image for ``platform`` (the
    only image when None): the manifest and config are read, no layer."""
    ref = parse_reference(name)
    session = options.session(ref.registry)
    body, media_type, _ = session.manifest(ref.repository, ref.digest or ref.effective_tag or "latest")
    document = _json(body, f"manifest of {name}")
    if "manifests" in document:
        candidates = _platform_manifests(session, ref.repository, document, name, 0)
        if not candidates:
            raise ImageError("the index lists no image manifest", path=name)
        labels = [p for p, _ in candidates]
        chosen = candidates[_choose(labels, platform, name)]
        body, media_type, _ = session.manifest(ref.repository, str(chosen[1].get("digest")))
        document = _json(body, "manifest")
        label = chosen[0]
    else:
        label = platform or ""
    layers = document.get("layers")
    if not isinstance(layers, list):
        raise ImageError("manifest has no layers list", path=name)
    size = sum(_size(desc, name) for desc in layers if isinstance(desc, dict))
    if not label:
        config_desc = document.get("config")
        if isinstance(config_desc, dict) and isinstance(config_desc.get("size"), int) \
                and 0 <= config_desc["size"] <= MAX_JSON_BYTES:
            config = _json(session.blob(ref.repository, _digest(config_desc, name), config_desc["size"]), "config")
            label = _config_platform(config)
    return label or "unknown/unknown", size

