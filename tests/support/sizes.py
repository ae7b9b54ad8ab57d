"""The size of a built image as a user would quote it: the sum of its uncompressed layer tars
as ``docker save`` writes them, and of its gzip layer blobs as a registry stores them (buildah
prints sizes rounded, so both are measured from what it writes).

Test-side ground truth: nothing here uses dockwise code.
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path


def uncompressed_size(buildah, image: str, dest: Path) -> int:
    """The sum of ``image``'s layer tars in a docker-archive written under ``dest`` (removed after)."""
    dest = Path(dest)
    dest.mkdir(parents=True)
    try:
        archive = dest / "image.tar"
        buildah.run("push", "--quiet", image, f"docker-archive:{archive}:x:latest")
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            return sum(tar.getmember(name).size for name in manifest[0]["Layers"])
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def image_sizes(buildah, image: str, dest: Path) -> tuple[int, int]:
    """(uncompressed, gzip) size of ``image``, measured under ``dest`` (removed after)."""
    dest = Path(dest)
    uncompressed = uncompressed_size(buildah, image, dest / "docker")
    try:
        buildah.run("push", "--quiet", image, f"oci:{dest / 'oci'}:latest")
        index = json.loads((dest / "oci" / "index.json").read_text())
        blobs = dest / "oci" / "blobs" / "sha256"
        oci = json.loads((blobs / index["manifests"][0]["digest"].split(":")[1]).read_text())
        return uncompressed, sum(layer["size"] for layer in oci["layers"])
    finally:
        shutil.rmtree(dest, ignore_errors=True)
