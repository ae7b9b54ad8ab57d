"""Finding an image's config and layer blobs without a daemon and without extracting anything.

Three inputs, told apart by their content: a ``docker save`` tarball (``manifest.json``), an
OCI image layout directory (``oci-layout`` + ``index.json``) and an OCI archive (a tar of a
layout). ``-`` reads any of the two tar forms from stdin (spooled, as-is, to a temporary
file, because a tar's manifest may come after its layers). A multi-platform index is resolved
with ``--platform os/arch[/variant]``, else the machine's platform, else its only image.

Layer blobs are not read here: each is described by a picklable :class:`LayerRef` that a
worker process opens on its own (see :mod:`dockwise.image.layers`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform as _platform
import posixpath
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

from dockwise.errors import ImageError
from dockwise.image.blob import BlobLocation

MAX_JSON_BYTES = 16 << 20
MAX_OUTER_MEMBERS = 200_000
MAX_INDEX_DEPTH = 4  # an index of indexes of ...: real ones nest one level
INDEX_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}


@dataclass(frozen=True)
class LayerRef:
    index: int  # 0-based position in the image
    location: BlobLocation
    label: str  # "layer 3 (sha256:ab12…)" for error messages
    digest: str | None  # expected sha256 of the blob as stored (None: not recorded)
    diff_id: str | None  # expected sha256 of the uncompressed tar (from the config)
    media_type: str = ""


@dataclass
class ImageSource:
    kind: str  # "docker-archive", "oci-archive", "oci-dir"
    name: str  # what the user passed
    digest: str  # the image ID: sha256 of the config
    config: dict[str, Any]
    layers: list[LayerRef]
    platforms: list[str] = field(default_factory=list)  # every platform of the index
    _spools: list[str] = field(default_factory=list)  # temporary copies to delete on close

    @property
    def os(self) -> str:
        return str(self.config.get("os", ""))

    @property
    def architecture(self) -> str:
        return str(self.config.get("architecture", ""))

    def close(self) -> None:
        _remove(self._spools)
        self._spools = []


def machine_platform() -> str:
    machine = _platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
            "armv7l": "arm/v7", "armv6l": "arm/v6", "i686": "386", "i386": "386"}.get(machine, machine)
    return f"linux/{arch}"


# --- containers: where named files live ------------------------------------------------


class _Dir:
    def __init__(self, root: str) -> None:
        self.root = root
        self.display = root
        self.parsed_json: dict[tuple[str, str | None], tuple[Any, str]] = {}  # see _read_json

    def locate(self, name: str) -> BlobLocation | None:
        rel = _safe_name(name, self.display)
        path = os.path.join(self.root, rel)
        real = os.path.realpath(path)
        if not (real == os.path.realpath(self.root) or real.startswith(os.path.realpath(self.root) + os.sep)):
            raise ImageError(f"{name!r} points outside the image layout", path=self.display)
        try:
            size = os.stat(real).st_size
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ImageError(f"cannot read {name}: {exc.strerror or exc}", path=self.display) from None
        if not os.path.isfile(real):
            return None
        return BlobLocation(real, 0, size)


class _Tar:
    """Member index of an outer tar: names -> (offset, size), symlinks resolved inside it."""

    def __init__(self, path: str, display: str) -> None:
        import tarfile

        self.path = path
        self.display = display
        self.parsed_json: dict[tuple[str, str | None], tuple[Any, str]] = {}  # see _read_json
        self.members: dict[str, tuple[int, int]] = {}
        self.links: dict[str, str] = {}
        file_size = os.path.getsize(path)
        try:
            with tarfile.open(path, "r:") as tar:
                for count, member in enumerate(tar):
                    if count > MAX_OUTER_MEMBERS:
                        raise ImageError("archive has too many members to be an image", path=display)
                    self._add(member, file_size)
        except tarfile.TarError as exc:
            raise ImageError(f"not a readable image archive ({exc})", path=display) from None
        except EOFError:
            raise ImageError("archive is truncated", path=display) from None

    def _add(self, member: Any, file_size: int) -> None:
        name = _safe_name(member.name, self.display)
        if member.issym() or member.islnk():
            self.links[name] = member.linkname if member.issym() else "/" + member.linkname
        elif member.isfile():
            if member.offset_data + member.size > file_size:
                raise ImageError(f"archive is truncated (member {name!r} ends past the end of the file)",
                                 path=self.display)
            self.members[name] = (member.offset_data, member.size)

    def locate(self, name: str) -> BlobLocation | None:
        name = _safe_name(name, self.display)
        for _ in range(16):
            if name in self.members:
                offset, size = self.members[name]
                return BlobLocation(self.path, offset, size)
            if name not in self.links:
                return None
            target = self.links[name]
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), target)
                                        if not target.startswith("/") else target.lstrip("/"))
            if joined.startswith("..") or joined.startswith("/"):
                raise ImageError(f"archive link {name!r} points outside the archive", path=self.display)
            name = joined
        raise ImageError(f"archive link {name!r} loops", path=self.display)


def _safe_name(name: str, display: str) -> str:
    if name.startswith("/"):
        raise ImageError(f"archive member has an absolute path: {name!r}", path=display)
    parts = [p for p in name.split("/") if p and p != "."]
    if ".." in parts:
        raise ImageError(f"archive member escapes with '..': {name!r}", path=display)
    return "/".join(parts)


def _read_json(container: Any, name: str, what: str, digest: str | None = None) -> tuple[Any, str]:
    """Read, verify and parse a JSON file; returns (value, sha256 digest). Each file is parsed
    once per container: a hostile manifest may name one config a thousand times."""
    parsed = container.parsed_json
    key = (name, digest)
    if key not in parsed:
        parsed[key] = _parse_json(container, name, what, digest)
    return parsed[key]


def _parse_json(container: Any, name: str, what: str, digest: str | None) -> tuple[Any, str]:
    loc = container.locate(name)
    if loc is None:
        missing = f"blob {digest}" if digest else name
        raise ImageError(f"{what} points at a missing {missing}", path=container.display)
    subject = what if what == name else f"{what} {name}"
    if loc.length > MAX_JSON_BYTES:
        raise ImageError(f"{subject} is too large ({loc.length} bytes)", path=container.display)
    with open(loc.path, "rb") as fh:
        fh.seek(loc.offset)
        data = fh.read(loc.length)
    if len(data) != loc.length:
        raise ImageError(f"{subject} is truncated", path=container.display)
    actual = "sha256:" + hashlib.sha256(data).hexdigest()
    if digest and digest != actual:
        raise ImageError(f"{what} blob {digest} does not match its content (sha256 is {actual})",
                         path=container.display)
    try:
        return json.loads(data), actual
    except RecursionError:
        raise ImageError(f"{subject} is not valid JSON (nested too deeply)", path=container.display) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImageError(f"{subject} is not valid JSON ({exc})", path=container.display) from None


def _blob_name(digest: Any, display: str) -> str:
    if not isinstance(digest, str) or ":" not in digest:
        raise ImageError(f"invalid digest {digest!r}", path=display)
    alg, _, hexpart = digest.partition(":")
    if alg != "sha256" or len(hexpart) != 64 or any(c not in "0123456789abcdef" for c in hexpart):
        raise ImageError(f"unsupported or invalid digest {digest!r}", path=display)
    return f"blobs/{alg}/{hexpart}"


# --- opening ----------------------------------------------------------------------------


def open_image(name: str, *, platform: str | None = None) -> ImageSource:
    """Open ``name`` (path, ``oci://PATH`` or ``-``) as an image; raises ImageError/InputError
    with a clear message. (An image reference is opened by :mod:`dockwise.image.registry`.)"""
    name = name.removeprefix("oci://")
    spools: list[str] = []
    try:
        if name == "-":
            spools.append(_spool_stdin())
            path, display = spools[-1], "<stdin>"
        else:
            path, display = name, name
        if _compressed(path, display):
            spools.append(_spool_decompressed(path, display))
            path = spools[-1]
        source = _open_path(path, display, platform)
    except BaseException:
        _remove(spools)
        raise
    source._spools = spools
    return source


def is_registry_reference(name: str) -> bool:
    """``docker://...``, or a name that is no existing path and reads as an image reference
    with a registry host, a tag or a digest (``127.0.0.1:5000/app:1.4``)."""
    if name.startswith("docker://"):
        return True
    if name == "-" or name.startswith(("/", ".", "~", "oci://")) or os.path.lexists(name):
        return False
    from dockwise.model.imageref import parse_image_ref

    ref = parse_image_ref(name)
    return ref is not None and (ref.tag is not None or ref.digest is not None or ref.registry != "docker.io")


def _remove(paths: list[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _spool_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise ImageError("'-' reads an image tar from stdin, but stdin is a terminal "
                         "(pipe one in: `docker save app | dockwise image -`)")
    fd, tmp = tempfile.mkstemp(prefix="dockwise-image-", suffix=".tar")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    return tmp


def _compressed(path: str, display: str) -> bool:
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ImageError(f"cannot read: {exc.strerror or exc}", path=display) from None
    return magic.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd"))


def _spool_decompressed(path: str, display: str) -> str:
    """A compressed archive (``docker save | gzip``), decompressed as-is into a temporary
    file -- the archive, not its layers; with the same bomb limits as a layer."""
    from dockwise.image.blob import LayerStream

    stream = LayerStream(BlobLocation(path, 0, os.path.getsize(path)), f"{display}: compressed archive")
    fd, tmp = tempfile.mkstemp(prefix="dockwise-image-", suffix=".tar")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in stream.chunks():
                out.write(chunk)
        stream.raw.drain()
    except BaseException:
        _remove([tmp])
        raise
    finally:
        stream.close()
    return tmp


def _open_path(path: str, display: str, platform: str | None) -> ImageSource:
    if stat.S_ISDIR(_stat(path, display).st_mode):
        container: Any = _Dir(path)
        kind = "oci-dir"
    else:
        container = _Tar(path, display)
        kind = "docker-archive" if container.locate("manifest.json") else "oci-archive"
    if kind == "docker-archive":
        return _open_docker_archive(container, display, platform)
    if container.locate("index.json") is None:
        raise ImageError("not an image: no manifest.json (docker save) or index.json (OCI layout)",
                         path=display)
    return _open_oci(container, kind, display, platform)


def _stat(path: str, display: str) -> os.stat_result:
    """``os.stat(path)``, or an error that says why the path cannot be reached."""
    try:
        return os.stat(path)
    except OSError as exc:
        reasons = {
            errno.ENOENT: "no such file or directory",
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.ELOOP: "symlink loop (too many levels of symbolic links)",
            errno.ENOTDIR: "a component of the path is not a directory",
            errno.ENAMETOOLONG: "file name too long",
        }
        reason = reasons.get(exc.errno or 0, f"cannot read: {exc.strerror or exc}")
        raise ImageError(reason, path=display) from None


def _open_docker_archive(container: _Tar, display: str, platform: str | None) -> ImageSource:
    manifest, _ = _read_json(container, "manifest.json", "manifest.json")
    if not isinstance(manifest, list) or not manifest or not all(isinstance(m, dict) for m in manifest):
        raise ImageError("manifest.json is not a list of images", path=display)
    entries = []
    for item in _distinct(manifest):
        config_name = _field(item, "Config", str, "manifest.json", display)
        config, digest = _read_json(container, config_name, "manifest.json config")
        entries.append((item, config, digest))
    platforms = [_config_platform(c) for _, c, _ in entries]
    chosen = _choose(platforms, platform, display)
    item, config, digest = entries[chosen]
    diff_ids = _diff_ids(config, display)
    layer_names = _field(item, "Layers", list, "manifest.json", display)
    if not all(isinstance(name, str) for name in layer_names):
        raise ImageError("manifest.json field Layers has the wrong type (a list holding "
                         f"{_json_type(next(n for n in layer_names if not isinstance(n, str)))}, "
                         "expected a list of strings)", path=display)
    if len(layer_names) != len(diff_ids):
        raise ImageError(f"manifest lists {len(layer_names)} layers but the config has "
                         f"{len(diff_ids)} diff_ids", path=display)
    layers = []
    for index, (layer_name, diff_id) in enumerate(zip(layer_names, diff_ids)):
        label = f"layer {index + 1} ({diff_id[:19]}…)"
        loc = container.locate(str(layer_name))
        if loc is None:
            raise ImageError(f"{label}: manifest points at a missing blob {layer_name}", path=display)
        layers.append(LayerRef(index, loc, label, None, diff_id))
    return ImageSource("docker-archive", display, digest, config, layers, platforms)


def _distinct(items: list[dict]) -> list[dict]:
    """``items`` without repeats (a manifest.json may list one image many times)."""
    seen: set[str] = set()
    found = []
    for item in items:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            found.append(item)
    return found


def _json_type(value: Any) -> str:
    """How a JSON value is named in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _field(document: dict, key: str, kind: type, where: str, display: str) -> Any:
    """``document[key]``, which must be a ``kind`` (str: non-empty); else one clear error."""
    value = document.get(key)
    if value is None:
        raise ImageError(f"{where} has no {key} field", path=display)
    if not isinstance(value, kind) or (kind is str and not value):
        expected = {list: "a list", str: "a non-empty string", dict: "an object"}[kind]
        found = "an empty string" if value == "" else _json_type(value)
        raise ImageError(f"{where} field {key} has the wrong type ({found}, expected {expected})",
                         path=display)
    return value


def _list(value: Any) -> list:
    """``value`` when it is a JSON array, else an empty list (hostile JSON has any shape)."""
    return value if isinstance(value, list) else []


def _config_platform(config: Any) -> str:
    if not isinstance(config, dict):
        return "unknown/unknown"
    parts = [str(config.get("os", "unknown")), str(config.get("architecture", "unknown"))]
    if config.get("variant"):
        parts.append(str(config["variant"]))
    return "/".join(parts)


def _diff_ids(config: Any, display: str) -> list[str]:
    if not isinstance(config, dict):
        raise ImageError("image config is not a JSON object", path=display)
    rootfs = config.get("rootfs") or {}
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(diff_ids, list) or not all(isinstance(d, str) for d in diff_ids):
        raise ImageError("image config has no rootfs.diff_ids list", path=display)
    return diff_ids


def _choose(platforms: list[str], wanted: str | None, display: str) -> int:
    """Index of the platform to analyse (see module docstring)."""
    def matches(candidate: str, want: str) -> bool:
        c, w = candidate.split("/"), want.strip().lower().split("/")
        return c[:len(w)] == w
    if wanted:
        for i, p in enumerate(platforms):
            if matches(p.lower(), wanted):
                return i
        raise ImageError(f"no image for platform {wanted} (available: {', '.join(platforms)})", path=display)
    real = [i for i, p in enumerate(platforms) if p != "unknown/unknown"]
    if len(real) == 1 or len(platforms) == 1:
        return real[0] if real else 0
    here = machine_platform()
    for i in real:
        if matches(platforms[i], here) or platforms[i] == here:
            return i
    raise ImageError(f"several platforms and none is this machine's ({here}); pass --platform "
                     f"(available: {', '.join(platforms[i] for i in real)})", path=display)


def _open_oci(container: Any, kind: str, display: str, platform: str | None) -> ImageSource:
    index, _ = _read_json(container, "index.json", "index.json")
    candidates = _manifests(container, index, display, depth=0, seen=set())
    if not candidates:
        raise ImageError("index.json lists no image manifest", path=display)
    platforms = [p for p, _ in candidates]
    chosen = _choose(platforms, platform, display)
    descriptor = candidates[chosen][1]
    manifest, _ = _read_json(container, _blob_name(descriptor.get("digest"), display), "manifest",
                             descriptor.get("digest"))
    config_desc = manifest.get("config") if isinstance(manifest, dict) else None
    if not isinstance(config_desc, dict):
        raise ImageError("manifest has no config", path=display)
    config, digest = _read_json(container, _blob_name(config_desc.get("digest"), display), "config",
                                config_desc.get("digest"))
    diff_ids = _diff_ids(config, display)
    descs = _field(manifest, "layers", list, "manifest", display)
    if len(descs) != len(diff_ids):
        raise ImageError(f"manifest lists {len(descs)} layers but the config has {len(diff_ids)} diff_ids",
                         path=display)
    layers = []
    for i, (desc, diff_id) in enumerate(zip(descs, diff_ids)):
        blob_digest = desc.get("digest") if isinstance(desc, dict) else None
        label = f"layer {i + 1} ({str(blob_digest)[:19]}…)"
        loc = container.locate(_blob_name(blob_digest, display))
        if loc is None:
            raise ImageError(f"{label}: manifest points at a missing blob {blob_digest}", path=display)
        layers.append(LayerRef(i, loc, label, blob_digest, diff_id, str(desc.get("mediaType", ""))))
    platform_name = _config_platform(config)
    return ImageSource(kind, display, digest, config, layers,
                       [p for p in platforms if p != "unknown/unknown"] or [platform_name])


def _manifests(container: Any, index: Any, display: str, depth: int,
               seen: set[str]) -> list[tuple[str, dict]]:
    """(platform, descriptor) of every image manifest reachable from an index, each digest
    once: an index listing the same child many times, nested, would otherwise be read a
    number of times exponential in its depth."""
    if depth > MAX_INDEX_DEPTH:
        raise ImageError(f"image indexes nest more than {MAX_INDEX_DEPTH} levels deep", path=display)
    found = []
    for desc in _list(index.get("manifests")) if isinstance(index, dict) else []:
        if not isinstance(desc, dict):
            continue
        digest = desc.get("digest")
        if isinstance(digest, str):
            if digest in seen:
                continue
            seen.add(digest)
        if desc.get("mediaType") in INDEX_TYPES:
            nested, _ = _read_json(container, _blob_name(digest, display), "index", digest)
            found.extend(_manifests(container, nested, display, depth + 1, seen))
            continue
        plat = desc.get("platform")
        annotations = desc.get("annotations")
        annotations = annotations if isinstance(annotations, dict) else {}
        if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
            continue
        if isinstance(plat, dict):
            name = "/".join(str(x) for x in (plat.get("os"), plat.get("architecture"), plat.get("variant")) if x)
        else:
            name = _platform_from_config(container, desc, display)
        found.append((name, desc))
    return found


def _platform_from_config(container: Any, desc: dict, display: str) -> str:
    manifest, _ = _read_json(container, _blob_name(desc.get("digest"), display), "manifest", desc.get("digest"))
    config_desc = manifest.get("config") if isinstance(manifest, dict) else None
    if not isinstance(config_desc, dict):
        return "unknown/unknown"
    config, _ = _read_json(container, _blob_name(config_desc.get("digest"), display), "config",
                           config_desc.get("digest"))
    return _config_platform(config)
