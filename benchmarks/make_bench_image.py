"""Generate the image used by benchmarks/image_vs_gzip.py: an OCI layout, gzip layers,
>= 1 GiB of files in >= 100,000 entries, with the usual waste (a file deleted in a later
layer, overwrites, an opaque directory).

    python3 benchmarks/make_bench_image.py /tmp/dockwise-bench-image [--files 100000] [--bytes 1100000000]

Content is pseudo-random text (deterministic seed), which gzip compresses about 3:1 like real
images. Writing takes a minute or two; the benchmark reuses an existing layout.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import random
import tarfile
from pathlib import Path

LAYERS = 8


def corpus(seed: int = 7, size: int = 4 << 20) -> bytes:
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10)))
             for _ in range(5000)]
    out = io.StringIO()
    while out.tell() < size:
        out.write(" ".join(rng.choice(words) for _ in range(12)))
        out.write("\n")
    return out.getvalue().encode()[:size]


class BlobWriter:
    """A gzip'd tar written straight into the layout, hashed as it goes."""

    def __init__(self, blobs: Path) -> None:
        self.blobs = blobs
        self.tmp = blobs / "tmp.layer"
        self.raw = open(self.tmp, "wb")
        self.plain_hash = hashlib.sha256()
        self.blob_hash = hashlib.sha256()
        self.size = 0
        self.gz = gzip.GzipFile(fileobj=self, mode="wb", compresslevel=1, mtime=0)
        self.tar = tarfile.open(fileobj=_Tee(self.gz, self.plain_hash), mode="w|", format=tarfile.PAX_FORMAT)

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.blob_hash.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def add(self, name: str, data: bytes = b"", kind: str = "file") -> None:
        info = tarfile.TarInfo(name)
        info.mtime = 0
        if kind == "dir":
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            self.tar.addfile(info)
        else:
            info.size, info.mode = len(data), 0o644
            self.tar.addfile(info, io.BytesIO(data))

    def close(self) -> tuple[str, str, int]:
        self.tar.close()
        self.gz.close()
        self.raw.close()
        digest = "sha256:" + self.blob_hash.hexdigest()
        self.tmp.rename(self.blobs / digest.split(":")[1])
        return digest, "sha256:" + self.plain_hash.hexdigest(), self.size


class _Tee:
    def __init__(self, target, hasher) -> None:
        self.target, self.hasher = target, hasher

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return self.target.write(data)


def generate(dest: Path, files: int, total: int) -> None:
    text = corpus()
    rng = random.Random(1)
    blobs = dest / "blobs" / "sha256"
    blobs.mkdir(parents=True, exist_ok=True)
    per_layer = files // LAYERS
    mean = total // files
    layers, diff_ids = [], []
    for index in range(LAYERS):
        writer = BlobWriter(blobs)
        if index == 3:
            writer.add("srv/.wh.tmp")  # delete layer 2's tmp directory
        if index == 5:
            writer.add("srv/app0/.wh..wh..opq")  # make layer 0's app0 opaque
        for n in range(per_layer):
            directory = f"srv/app{index}/d{n // 500}" if index != 2 else f"srv/tmp/d{n // 500}"
            if n % 500 == 0:
                writer.add(directory, kind="dir")
            size = min(int(rng.expovariate(1 / mean)), len(text) - 1)
            start = rng.randrange(0, len(text) - size)
            writer.add(f"{directory}/f{n}.txt", text[start:start + size])
        if index == 6:  # overwrite some of layer 1's files
            for n in range(0, per_layer, 10):
                writer.add(f"srv/app1/d{n // 500}/f{n}.txt", b"overwritten\n")
        digest, diff_id, size = writer.close()
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
        diff_ids.append(diff_id)
        print(f"layer {index + 1}: {size} bytes stored", flush=True)
    _write_index(dest, layers, diff_ids)


def _write_index(dest: Path, layers: list[dict], diff_ids: list[str]) -> None:
    blobs = dest / "blobs" / "sha256"

    def put(document: dict) -> tuple[str, int]:
        data = json.dumps(document).encode()
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        (blobs / digest.split(":")[1]).write_bytes(data)
        return digest, len(data)

    config = {"architecture": "amd64", "os": "linux", "config": {"User": "1000"},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created_by": f"/bin/sh -c generate layer {i}"} for i in range(len(layers))]}
    config_digest, config_size = put(config)
    manifest_digest, manifest_size = put({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                   "size": config_size},
        "layers": layers})
    (dest / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
         "size": manifest_size}]}))
    (dest / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--bytes", type=int, default=1_100_000_000)
    args = parser.parse_args()
    generate(args.dest, args.files, args.bytes)


if __name__ == "__main__":
    main()
