"""The image kit (tests/support/image_kit.py) writes exactly what its specs say: image tests
compute every expected figure from those specs, so a kit that drifted would make them agree with
a wrong analyzer. Read back here with tarfile and json only, never with dockwise."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile

import pytest

from tests.support.image_kit import (
    compress, config_for, directory, file, hardlink, layer_tar, opaque, sha, symlink, tar_directory,
    whiteout, write_docker_archive, write_oci_layout,
)


def members(data: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {info.name: info for info in tar.getmembers()}


def test_layer_holds_each_spec_as_written():
    data = layer_tar(directory("etc", 0o700), file("etc/passwd", 5), file("bin/sh", b"#!", 0o755),
                     symlink("lib", "usr/lib"), hardlink("sh2", "bin/sh"))
    entries = members(data)
    assert list(entries) == ["etc", "etc/passwd", "bin/sh", "lib", "sh2"]
    assert entries["etc"].isdir() and entries["etc"].mode == 0o700
    assert entries["etc/passwd"].size == 5 and entries["etc/passwd"].mode == 0o644
    assert entries["bin/sh"].size == 2 and entries["bin/sh"].mode == 0o755
    assert entries["lib"].issym() and entries["lib"].linkname == "usr/lib"
    assert entries["sh2"].islnk() and entries["sh2"].linkname == "bin/sh"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.extractfile("etc/passwd").read() == b"xxxxx"


def test_whiteouts_use_the_oci_names():
    assert whiteout("big")[1] == ".wh.big"
    assert whiteout("a/b/c")[1] == "a/b/.wh.c"
    assert opaque("data")[1] == "data/.wh..wh..opq"
    assert list(members(layer_tar(whiteout("a/b"), opaque("d")))) == ["a/.wh.b", "d/.wh..wh..opq"]


def test_same_specs_give_the_same_bytes():
    assert layer_tar(file("a", 3)) == layer_tar(file("a", 3))  # digests are stable across runs


@pytest.mark.parametrize("how", ["gzip", "zstd", "none"])
def test_compression_round_trips(how):
    data = layer_tar(file("a", 1000))
    packed = compress(data, how)
    if how == "gzip":
        assert gzip.decompress(packed) == data
    elif how == "zstd":
        import zstandard

        assert zstandard.ZstdDecompressor().decompress(packed, max_output_size=len(data)) == data
    else:
        assert packed == data


def test_config_lists_each_layer_by_its_diff_id():
    tars = [layer_tar(file("a", 1)), layer_tar(file("b", 2))]
    config = config_for(tars, User="app")
    assert config["rootfs"]["diff_ids"] == ["sha256:" + hashlib.sha256(t).hexdigest() for t in tars]
    assert [h["created_by"] for h in config["history"]] == ["step 0", "step 1"]
    assert config["config"] == {"User": "app"}
    assert (config["os"], config["architecture"]) == ("linux", "amd64")


def _blob(layout, digest: str) -> bytes:
    return (layout / "blobs" / "sha256" / digest.split(":")[1]).read_bytes()


@pytest.mark.parametrize("compression,media_suffix", [("gzip", "+gzip"), ("none", "")])
def test_oci_layout_is_content_addressed_from_index_to_layers(tmp_path, compression, media_suffix):
    tars = [layer_tar(file("a", 10)), layer_tar(file("b", 20))]
    layout = write_oci_layout(tmp_path / "layout", tars, compression=compression)
    assert json.loads((layout / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
    [descriptor] = json.loads((layout / "index.json").read_text())["manifests"]
    manifest_bytes = _blob(layout, descriptor["digest"])
    assert sha(manifest_bytes) == descriptor["digest"] and len(manifest_bytes) == descriptor["size"]
    manifest = json.loads(manifest_bytes)
    config = json.loads(_blob(layout, manifest["config"]["digest"]))
    assert config["rootfs"]["diff_ids"] == [sha(t) for t in tars]
    for layer, tar in zip(manifest["layers"], tars, strict=True):
        blob = _blob(layout, layer["digest"])
        assert sha(blob) == layer["digest"] and len(blob) == layer["size"]
        assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar" + media_suffix
        assert compress(tar, compression) == blob


def test_oci_layout_corruption_hooks(tmp_path):
    tars = [layer_tar(file("a", 10))]
    layout = write_oci_layout(tmp_path / "bad", tars, blobs_override={0: b"garbage"})
    manifest = json.loads(_blob(layout, json.loads((layout / "index.json").read_text())
                                ["manifests"][0]["digest"]))
    assert _blob(layout, manifest["layers"][0]["digest"]) == b"garbage"  # behind the digest's back
    raw = write_oci_layout(tmp_path / "raw", tars, raw_blobs={0: b"raw bytes"})
    manifest = json.loads(_blob(raw, json.loads((raw / "index.json").read_text())
                                ["manifests"][0]["digest"]))
    assert manifest["layers"][0]["digest"] == sha(b"raw bytes")


def test_oci_archive_is_the_layout_in_one_tar(tmp_path):
    layout = write_oci_layout(tmp_path / "layout", [layer_tar(file("a", 10))])
    archive = tar_directory(layout, tmp_path / "oci.tar")
    names = set(members(archive.read_bytes()))
    assert {"index.json", "oci-layout", "blobs", "blobs/sha256"} <= names
    blobs = {p.name for p in (layout / "blobs" / "sha256").iterdir()}
    assert {n.rpartition("/")[2] for n in names if n.startswith("blobs/sha256/")} == blobs


def test_docker_archive_names_its_config_and_layers(tmp_path):
    tars = [layer_tar(file("a", 10)), layer_tar(file("b", 20))]
    archive = write_docker_archive(tmp_path / "img.tar", tars, extra_members={"extra": b"1"})
    with tarfile.open(archive) as tar:
        [entry] = json.loads(tar.extractfile("manifest.json").read())
        assert entry["RepoTags"] == ["test:latest"]
        config = json.loads(tar.extractfile(entry["Config"]).read())
        assert config["rootfs"]["diff_ids"] == [sha(t) for t in tars]
        assert [tar.extractfile(name).read() for name in entry["Layers"]] == tars
        assert tar.extractfile("extra").read() == b"1"


def test_docker_archive_can_share_one_layer_member(tmp_path):
    tars = [layer_tar(file("a", 10)), layer_tar(file("b", 20))]
    archive = write_docker_archive(tmp_path / "img.tar", tars, layer_names=["same.tar", "same.tar"])
    with tarfile.open(archive) as tar:
        assert [m.name for m in tar.getmembers()].count("same.tar") == 1
        assert tar.extractfile("same.tar").read() == tars[0]  # the first layer's bytes are kept
