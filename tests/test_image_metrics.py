"""Byte accounting on hand-made layers: whiteouts, opaque directories, overwrites, a directory
replaced by a file and back, hard links -- in every export form and compression."""

from __future__ import annotations

import json
import os

import pytest

from dockwise.cli import main
from dockwise.image.analyze import analyze
from tests.support.image_kit import (
    directory, file, hardlink, layer_tar, opaque, symlink, tar_directory, whiteout, write_docker_archive,
    write_oci_layout,
)

KB = 1024

LAYERS = [
    # 1: base
    (directory("etc"), file("etc/passwd", 100), directory("data"), file("data/a", 10 * KB),
     file("data/b", 20 * KB), directory("data/sub"), file("data/sub/c", 5 * KB), file("big", 50 * KB),
     symlink("bin", "usr/bin"), file("x", 3 * KB), directory("d2"), file("d2/inner", 7 * KB)),
    # 2: overwrite etc/passwd, delete big (whiteout), hard link to data/a, new file
    (file("etc/passwd", 150), whiteout("big"), hardlink("a-link", "data/a"), file("tmp.tgz", 30 * KB),
     file("app/main", 4 * KB), hardlink("app/main2", "app/main")),
    # 3: delete tmp.tgz, opaque data (hides a, b, sub/c), re-add data/new; x: file -> directory
    (whiteout("tmp.tgz"), opaque("data"), directory("data"), file("data/new", 2 * KB),
     directory("x"), file("x/y", 1 * KB), file("d2", 6 * KB)),
    # 4: d2: file -> directory again; delete the whole /app directory
    (directory("d2"), file("d2/z", 8 * KB), whiteout("app")),
]


def expected() -> dict:
    total = (100 + 10 * KB + 20 * KB + 5 * KB + 50 * KB + 3 * KB + 7 * KB) + (150 + 30 * KB + 4 * KB) \
        + (2 * KB + 1 * KB + 6 * KB) + (8 * KB)
    # Final: etc/passwd(150) + a-link keeps data/a's inode alive (10K) + data/new(2K) + x/y(1K) + d2/z(8K)
    final = 150 + 10 * KB + 2 * KB + 1 * KB + 8 * KB
    return {"total": total, "final": final}


def build(tmp_path, form: str, compression: str = "gzip"):
    tars = [layer_tar(*specs) for specs in LAYERS]
    if form == "docker-archive":
        return str(write_docker_archive(tmp_path / "img.tar", tars))
    layout = write_oci_layout(tmp_path / "layout", tars, compression=compression)
    if form == "oci-archive":
        return str(tar_directory(layout, tmp_path / "oci.tar"))
    return str(layout)


@pytest.mark.parametrize("form,compression", [
    ("docker-archive", "none"), ("oci-dir", "gzip"), ("oci-dir", "zstd"), ("oci-dir", "none"),
    ("oci-archive", "gzip"),
])
def test_totals_match_the_files_put_in(tmp_path, form, compression):
    a = analyze(build(tmp_path, form, compression))
    want = expected()
    assert a.source.kind == form
    assert a.total_bytes == want["total"]
    assert a.final_bytes == want["final"]
    assert a.reclaimable_bytes == want["total"] - want["final"]
    assert a.efficiency == pytest.approx(want["final"] / want["total"])


def test_per_layer_accounting(tmp_path):
    a = analyze(build(tmp_path, "oci-dir"))
    s = [layer.stats for layer in a.layers]
    assert [x.total_bytes for x in s] == [100 + 95 * KB, 150 + 34 * KB, 9 * KB, 8 * KB]
    # layer 1 keeps only data/a (alive through layer 2's hard link); d2/inner, x, big, passwd are gone
    assert s[0].reclaimable_bytes == 100 + 85 * KB
    # layer 2: tmp.tgz deleted by 3, app/main deleted by 4 (with its hard link): only passwd stays
    assert s[1].reclaimable_bytes == 34 * KB
    assert s[2].reclaimable_bytes == 6 * KB  # d2 the file, replaced by d2/ the directory
    assert s[3].reclaimable_bytes == 0
    # what each layer hid of earlier layers
    assert s[1].hidden_bytes == 100 + 50 * KB  # old passwd + big
    assert s[2].hidden_bytes == 30 * KB + 20 * KB + 5 * KB + 3 * KB + 7 * KB  # tmp.tgz, b, sub/c, x, d2/inner
    assert s[3].hidden_bytes == 6 * KB + 4 * KB  # d2 file, app/main (both paths)
    assert (s[1].added, s[1].changed, s[1].removed) == (4, 1, 1)
    assert sum(x.reclaimable_bytes for x in s) == a.reclaimable_bytes


def test_final_filesystem_and_hard_links(tmp_path):
    a = analyze(build(tmp_path, "oci-dir"))
    paths = {f.path: f.size for f in a.final_files}
    assert paths == {"etc/passwd": 150, "a-link": 10 * KB, "data/new": 2 * KB, "x/y": 1 * KB, "d2/z": 8 * KB}
    assert a.merged.lookup("bin").kind == "l"
    assert a.merged.lookup("data/a") is None
    assert [f.path for f in a.largest_files(2)] == ["a-link", "d2/z"]
    assert a.largest_directories(1) == [("/d2", 8 * KB)]
    [passwd] = a.repeated_files()
    assert (passwd.path, passwd.layers, passwd.written_bytes, passwd.wasted_bytes) == ("etc/passwd", [0, 1], 250, 100)


def test_repeated_files_count_every_hidden_copy_once(tmp_path):
    """dive's #684: a path written N times wastes N-1 copies, not N; a deleted path wastes all."""
    tars = [layer_tar(file("lib/big", 1000), file("tmp/x", 300)),
            layer_tar(file("lib/big", 1000)),
            layer_tar(file("lib/big", 1200), file("tmp/x", 50)),
            layer_tar(whiteout("tmp/x"))]
    a = analyze(str(write_oci_layout(tmp_path / "l", tars)))
    table = {r.path: (r.layers, r.written_bytes, r.wasted_bytes) for r in a.repeated_files()}
    assert table == {"lib/big": ([0, 1, 2], 3200, 2000), "tmp/x": ([0, 2], 350, 350)}
    assert a.reclaimable_bytes == 2000 + 350


def test_hard_link_counted_once_in_a_layer(tmp_path):
    tars = [layer_tar(file("a", 1000), hardlink("b", "a"), hardlink("c", "b"))]
    a = analyze(str(write_oci_layout(tmp_path / "l", tars)))
    assert a.total_bytes == a.final_bytes == 1000
    assert a.largest_directories() == []


def test_empty_image_is_fully_efficient(tmp_path):
    a = analyze(str(write_oci_layout(tmp_path / "l", [layer_tar(directory("etc"))])))
    assert (a.total_bytes, a.final_bytes, a.efficiency) == (0, 0, 1.0)


def test_json_output_has_the_documented_shape(tmp_path, capsys):
    image = build(tmp_path, "oci-archive")
    assert main(["image", image, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    want = expected()
    img = doc["image"]
    assert {"digest", "os", "architecture", "compressed_bytes", "total_bytes", "final_bytes",
            "reclaimable_bytes", "efficiency", "layers", "largest_files"} <= set(img)
    assert (img["total_bytes"], img["final_bytes"]) == (want["total"], want["final"])
    assert img["largest_files"][0] == {"path": "/a-link", "bytes": 10 * KB, "layer": 2}
    layer = img["layers"][0]
    assert {"index", "digest", "diff_id", "compressed_bytes", "total_bytes", "reclaimable_bytes",
            "created_by", "dockerfile_line"} <= set(layer)
    assert layer["created_by"] == "step 0" and layer["dockerfile_line"] is None
    assert sum(layer["compressed_bytes"] for layer in img["layers"]) == img["compressed_bytes"]


@pytest.mark.parametrize("how", ["gzip", "zstd"])
def test_compressed_archives_are_read_as_is(tmp_path, how):
    """`docker save | gzip > app.tar.gz` reads like the plain tar (no temporary file is left)."""
    import tempfile

    from tests.support.image_kit import compress

    plain = build(tmp_path, "docker-archive")
    packed = tmp_path / f"img.tar.{how}"
    packed.write_bytes(compress(open(plain, "rb").read(), how))
    before = set(os.listdir(tempfile.gettempdir()))
    a = analyze(str(packed))
    assert (a.source.kind, a.total_bytes, a.final_bytes) == ("docker-archive", expected()["total"], expected()["final"])
    assert set(os.listdir(tempfile.gettempdir())) - before == set()


def test_docker_archive_layers_named_through_symlinks(tmp_path):
    """Older `docker save` names layers `<id>/layer.tar`, stored as symlinks to `<diff_id>.tar`."""
    import io
    import tarfile

    tars = [layer_tar(*specs) for specs in LAYERS]
    plain = write_docker_archive(tmp_path / "plain.tar", tars)
    with tarfile.open(plain) as src:
        members = [(m, src.extractfile(m).read()) for m in src.getmembers()]
    manifest = json.loads(next(d for m, d in members if m.name == "manifest.json"))
    names = manifest[0]["Layers"]
    manifest[0]["Layers"] = [f"id{i}/layer.tar" for i in range(len(names))]
    with tarfile.open(tmp_path / "linked.tar", "w") as out:
        for member, data in members:
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
        for i, name in enumerate(names):
            link = tarfile.TarInfo(f"id{i}/layer.tar")
            link.type, link.linkname = tarfile.SYMTYPE, f"../{name}"
            out.addfile(link)
    a = analyze(str(tmp_path / "linked.tar"))
    assert (a.total_bytes, a.final_bytes) == (expected()["total"], expected()["final"])


def test_parallel_workers_give_the_same_figures(tmp_path):
    image = build(tmp_path, "oci-dir")
    serial, parallel = analyze(image, jobs=1), analyze(image, jobs=2)
    assert (parallel.total_bytes, parallel.final_bytes) == (serial.total_bytes, serial.final_bytes)
    assert [l.stats for l in parallel.layers] == [l.stats for l in serial.layers]
    assert [l.diff_id for l in parallel.layers] == [l.diff_id for l in serial.layers]


def test_a_worker_error_names_the_layer(tmp_path, capsys):
    from dockwise.cli import main as cli

    tars = [layer_tar(file("a", 10)), layer_tar(file("b", 10)), layer_tar(file("c", 10))]
    layout = write_oci_layout(tmp_path / "l", tars)
    index = json.loads((layout / "index.json").read_text())
    manifest_digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.loads((layout / "blobs" / "sha256" / manifest_digest).read_text())
    (layout / "blobs" / "sha256" / manifest["layers"][2]["digest"].split(":")[1]).write_bytes(b"\x1f\x8bjunk")
    assert cli(["image", str(layout), "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dockwise: error: layer 3 (") and "Traceback" not in err


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_reports_blob_bytes_up_to_the_total(tmp_path, jobs):
    tars = [layer_tar(file(f"f{i}", os.urandom(1_500_000))) for i in range(3)]
    layout = write_oci_layout(tmp_path / "l", tars, compression="none")
    calls = []
    a = analyze(str(layout), jobs=jobs, progress=lambda scan, done, total: calls.append((done, total)))
    total = a.compressed_bytes
    assert calls and all(t == total for _, t in calls)
    assert calls[-1][0] == total or jobs == 2  # workers' last chunk may land after the last poll
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
