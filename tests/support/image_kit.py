"""The in-process image kit: hand-made layers and images for the image tests.

Layers are built with :mod:`tarfile` from small specs, so each test knows exactly which bytes
it put where; images are written as an OCI layout, an OCI archive or a docker-archive.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path


def file(path: str, data: bytes | int, mode: int = 0o644) -> tuple:
    """A regular file; ``data`` may be a size (that many bytes of ``x``)."""
    return ("file", path, b"x" * data if isinstance(data, int) else data, mode)


def directory(path: str, mode: int = 0o755) -> tuple:
    return ("dir", path, mode)


def symlink(path: str, target: str) -> tuple:
    return ("symlink", path, target)


def hardlink(path: str, target: str) -> tuple:
    return ("hardlink", path, target)


def whiteout(path: str) -> tuple:
    parent, _, name = path.rpartition("/")
    return ("file", f"{parent}/.wh.{name}" if parent else f".wh.{name}", b"", 0o644)


def opaque(dir_path: str) -> tuple:
    return ("file", f"{dir_path}/.wh..wh..opq", b"", 0o644)


def layer_tar(*specs: tuple) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for spec in specs:
            kind, path = spec[0], spec[1]
            info = tarfile.TarInfo(path)
            info.mtime = 0
            if kind == "file":
                info.size = len(spec[2])
                info.mode = spec[3]
                tar.addfile(info, io.BytesIO(spec[2]))
                continue
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, spec[2]
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, spec[2]
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, spec[2]
            tar.addfile(info)
    return buf.getvalue()


def compress(data: bytes, how: str) -> bytes:
    if how == "gzip":
        return gzip.compress(data, compresslevel=1, mtime=0)
    if how == "zstd":
        import zstandard

        return zstandard.ZstdCompressor().compress(data)
    return data


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_for(tars: list[bytes], **config) -> dict:
    history = config.pop("history", None) or [{"created_by": f"step {i}"} for i in range(len(tars))]
    return {
        "architecture": config.pop("architecture", "amd64"), "os": config.pop("os", "linux"),
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": [sha(t) for t in tars]},
        "history": history,
    }


def write_oci_layout(dest: Path, tars: list[bytes], *, compression: str = "gzip", config: dict | None = None,
                     blobs_override: dict[int, bytes] | None = None,
                     raw_blobs: dict[int, bytes] | None = None) -> Path:
    """An OCI layout of one image. ``blobs_override`` replaces stored layer blobs behind the
    manifest's back (corruption); ``raw_blobs`` are stored as the layers' blobs, digests and all."""
    dest = Path(dest)
    (dest / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)

    def put(data: bytes) -> str:
        digest = sha(data)
        (dest / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(data)
        return digest

    config = config or config_for(tars)
    config_bytes = json.dumps(config).encode()
    layers = []
    for i, tar in enumerate(tars):
        blob = raw_blobs[i] if raw_blobs and i in raw_blobs else compress(tar, compression)
        digest = put(blob)
        if blobs_override and i in blobs_override:
            (dest / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(blobs_override[i])
        media = "application/vnd.oci.image.layer.v1.tar" + {"gzip": "+gzip", "zstd": "+zstd"}.get(compression, "")
        layers.append({"mediaType": media, "digest": digest, "size": len(blob)})
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": put(config_bytes), "size": len(config_bytes)},
                "layers": layers}
    manifest_bytes = json.dumps(manifest).encode()
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest_bytes),
         "size": len(manifest_bytes)}]}
    (dest / "index.json").write_text(json.dumps(index))
    (dest / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return dest


def tar_directory(src: Path, dest: Path) -> Path:
    with tarfile.open(dest, "w") as tar:
        for path in sorted(Path(src).rglob("*")):
            tar.add(path, arcname=str(path.relative_to(src)), recursive=False)
    return dest


def write_docker_archive(dest: Path, tars: list[bytes], *, config: dict | None = None,
                         extra_members: dict[str, bytes] | None = None,
                         layer_names: list[str] | None = None) -> Path:
    config = config or config_for(tars)
    config_bytes = json.dumps(config).encode()
    config_name = sha(config_bytes).split(":")[1] + ".json"
    names = layer_names or [f"{sha(t).split(':')[1]}.tar" for t in tars]
    manifest = [{"Config": config_name, "RepoTags": ["test:latest"], "Layers": names}]
    members = {config_name: config_bytes, "manifest.json": json.dumps(manifest).encode()}
    for name, tar in zip(names, tars):
        members.setdefault(name, tar)
    members.update(extra_members or {})
    with tarfile.open(dest, "w") as out:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return Path(dest)
