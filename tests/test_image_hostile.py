"""Every image is hostile: each bad input gives one clear error naming the layer, exit code 2."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest

from dockwise.cli import main
from dockwise.image.layers import ScanLimits, scan_layers
from dockwise.image.source import open_image
from tests.support.image_kit import (
    config_for, file, hardlink, layer_tar, sha, symlink, write_docker_archive, write_oci_layout,
)


def run_image(capsys, *args: str) -> tuple[int, str]:
    code = main(["image", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def raw_member(name: str, data: bytes = b"", *, typeflag: bytes = b"0", linkname: str = "",
               size_field: bytes | None = None) -> bytes:
    """One tar header (+ data) written by hand, so that it can say anything."""
    header = bytearray(512)
    header[0:len(name)] = name.encode()
    header[100:108] = b"0000644\0"
    header[108:116] = b"0000000\0"
    header[116:124] = b"0000000\0"
    header[124:136] = size_field if size_field is not None else b"%011o\0" % len(data)
    header[136:148] = b"00000000000\0"
    header[156:157] = typeflag
    header[157:157 + len(linkname)] = linkname.encode()
    header[257:263] = b"ustar\0"
    header[263:265] = b"00"
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    padding = b"\0" * (-len(data) % 512)
    return bytes(header) + data + padding


def raw_tar(*members: bytes) -> bytes:
    return b"".join(members) + b"\0" * 1024


def image_of(tmp_path, tar: bytes, **kw) -> str:
    return str(write_oci_layout(tmp_path / "layout", [layer_tar(file("ok", 10)), tar], **kw))


@pytest.mark.parametrize("member,message", [
    (raw_member("../../etc/passwd", b"x"), "escapes the root with '..'"),
    (raw_member("/etc/passwd", b"x"), "absolute path"),
    (raw_member("app/link", typeflag=b"2", linkname="../../../etc/shadow"), "points outside the image"),
    (raw_member("app/hl", typeflag=b"1", linkname="../etc/passwd"), "escapes the root"),
    (raw_member("app/hl", typeflag=b"1", linkname="/etc/passwd"), "absolute path"),
    (raw_member("app/hl", typeflag=b"1", linkname="nowhere"), "not a file of the image"),
    (raw_member("huge", size_field=b"77777777777\0"), "absurd size"),
])
def test_hostile_entries_are_refused(tmp_path, capsys, member, message):
    code, err = run_image(capsys, image_of(tmp_path, raw_tar(member)))
    assert code == 2
    assert "layer 2" in err and message in err
    assert err.count("\n") == 1


def test_truncated_tar(tmp_path, capsys):
    tar = layer_tar(file("big", 100_000))[:50_000]
    code, err = run_image(capsys, image_of(tmp_path, tar))
    assert code == 2 and "layer 2" in err and "truncated" in err and "'big'" in err


def test_corrupt_header_checksum(tmp_path, capsys):
    tar = bytearray(layer_tar(file("a", 10)))
    tar[0] = ord("b")
    code, err = run_image(capsys, image_of(tmp_path, bytes(tar), compression="none"))
    assert code == 2 and "layer 2" in err and "checksum" in err


@pytest.mark.parametrize("compression,damage,message", [
    ("gzip", lambda b: b[: len(b) // 2], "truncated"),
    ("gzip", lambda b: b[:20] + bytes(x ^ 0x5A for x in b[20:60]) + b[60:], "corrupt gzip"),
    ("zstd", lambda b: b[: len(b) // 2], "truncated zstd stream"),
    ("zstd", lambda b: b[:8] + b"\xff" * 16 + b[24:], "zstd"),
])
def test_truncated_or_corrupt_compression(tmp_path, capsys, compression, damage, message):
    from tests.support.image_kit import compress

    tar = layer_tar(file("data", b"".join(b"line %d of a compressible file\n" % i for i in range(2000))))
    blob = damage(compress(tar, compression))
    image = image_of(tmp_path, tar, compression=compression, blobs_override={1: blob})
    code, err = run_image(capsys, image)
    assert code == 2 and "layer 2" in err and message in err


def test_blob_whose_sha256_does_not_match_its_digest(tmp_path, capsys):
    tar = layer_tar(file("a", b"good"))
    evil = gzip.compress(layer_tar(file("a", b"evil")), mtime=0)
    code, err = run_image(capsys, image_of(tmp_path, tar, blobs_override={1: evil}))
    assert code == 2 and "layer 2" in err and "does not match its digest" in err


def test_diff_id_mismatch(tmp_path, capsys):
    tars = [layer_tar(file("a", 1)), layer_tar(file("b", 2))]
    config = config_for(tars)
    config["rootfs"]["diff_ids"][1] = sha(b"something else")
    code, err = run_image(capsys, str(write_oci_layout(tmp_path / "l", tars, config=config)))
    assert code == 2 and "layer 2" in err and "diff_id" in err


def test_manifest_pointing_at_a_missing_blob(tmp_path, capsys):
    tars = [layer_tar(file("a", 1)), layer_tar(file("b", 2))]
    layout = write_oci_layout(tmp_path / "l", tars)
    digest = sha(gzip.compress(tars[1], compresslevel=1, mtime=0))
    (layout / "blobs" / "sha256" / digest.split(":")[1]).unlink()
    code, err = run_image(capsys, str(layout))
    assert code == 2 and "layer 2" in err and "missing blob" in err and digest in err


def test_docker_archive_missing_layer_member(tmp_path, capsys):
    tars = [layer_tar(file("a", 1))]
    archive = write_docker_archive(tmp_path / "d.tar", tars, layer_names=["nothere/layer.tar"],
                                   extra_members={})
    # write_docker_archive adds members for the names it is given: rebuild without the layer
    with tarfile.open(archive) as src:
        keep = [(m, src.extractfile(m).read()) for m in src.getmembers() if m.name != "nothere/layer.tar"]
    with tarfile.open(archive, "w") as out:
        for member, data in keep:
            out.addfile(member, io.BytesIO(data))
    code, err = run_image(capsys, str(archive))
    assert code == 2 and "layer 1" in err and "missing blob" in err


def test_decompression_bomb_is_stopped(tmp_path, capsys):
    """A gzip of ~1.2 MB that inflates past 1 GiB: refused with bounded memory."""
    header = raw_member("zeros", size_field=b"%011o\0" % (1000 << 20))
    zeros = gzip.compress(b"\0" * (1 << 20), compresslevel=9, mtime=0)
    blob = gzip.compress(header, mtime=0) + zeros * 1100
    layout = write_oci_layout(tmp_path / "l", [layer_tar(file("ok", 1))], compression="none")
    manifest_path = next(p for p in (layout / "blobs" / "sha256").iterdir()
                         if b'"schemaVersion"' in p.read_bytes())
    manifest = json.loads(manifest_path.read_bytes())
    manifest["layers"][0].update(digest=sha(blob), size=len(blob))
    (layout / "blobs" / "sha256" / sha(blob).split(":")[1]).write_bytes(blob)
    new_manifest = json.dumps(manifest).encode()
    (layout / "blobs" / "sha256" / sha(new_manifest).split(":")[1]).write_bytes(new_manifest)
    index = json.loads((layout / "index.json").read_text())
    index["manifests"][0].update(digest=sha(new_manifest), size=len(new_manifest))
    (layout / "index.json").write_text(json.dumps(index))
    # The peak is read from /proc/self/status (VmHWM: this process's own high-water mark), not
    # getrusage's ru_maxrss: Linux carries that across exec, and subprocess starts the child
    # with vfork, so it would report pytest's own peak after a few thousand tests.
    probe = ("import sys\nfrom dockwise.cli import main\ncode = main(['image', sys.argv[1]])\n"
             "hwm = next(int(line.split()[1]) for line in open('/proc/self/status')\n"
             "           if line.startswith('VmHWM:'))\n"
             "print(code, hwm)")
    proc = subprocess.run([sys.executable, "-c", probe, str(layout)], capture_output=True, text=True)
    code, peak_kib = map(int, proc.stdout.split())
    assert code == 2 and "layer 1" in proc.stderr and "decompression bomb" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert peak_kib < 300 * 1024  # the gigabyte never lands in memory


def test_bomb_limits_are_configurable(tmp_path):
    tar = layer_tar(file("zeros", b"\0" * 200_000))
    source = open_image(str(write_oci_layout(tmp_path / "l", [tar])))
    with pytest.raises(Exception, match="decompression bomb"):
        scan_layers(source.layers, limits=ScanLimits(bomb_ratio=10, bomb_floor=4096))


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(os.urandom(3000)), "not a readable image archive"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: p.mkdir(), "not an image"),
    (lambda p: p.write_bytes(gzip.compress(b"x" * 100)), "not a readable image archive"),
    (lambda p: None, "no such file"),
])
def test_not_an_image(tmp_path, capsys, make, message):
    target = tmp_path / "thing"
    make(target)
    code, err = run_image(capsys, str(target))
    assert code == 2 and message in err and str(target) in err


def test_invalid_index_json(tmp_path, capsys):
    layout = write_oci_layout(tmp_path / "l", [layer_tar(file("a", 1))])
    (layout / "index.json").write_text("{not json")
    code, err = run_image(capsys, str(layout))
    assert code == 2 and "index.json" in err and "not valid JSON" in err


def test_archive_member_escaping_with_dotdot(tmp_path, capsys):
    tars = [layer_tar(file("a", 1))]
    archive = write_docker_archive(tmp_path / "d.tar", tars, extra_members={"../evil": b"x"})
    code, err = run_image(capsys, str(archive))
    assert code == 2 and "escapes" in err


def test_symlink_inside_the_image_is_fine(tmp_path, capsys):
    tar = layer_tar(symlink("usr/lib/x", "../../lib/x"), symlink("bin/sh", "/bin/busybox"),
                    file("lib/x", 5), hardlink("lib/y", "lib/x"))
    code, _ = run_image(capsys, image_of(tmp_path, tar))
    assert code == 0


def test_unknown_option_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["image", "x.tar", "--no-such-flag"])
    assert exc.value.code == 2


def test_overlong_paths_are_refused(tmp_path, capsys):
    tar = layer_tar(file("a/" * 3000 + "x", 1))  # pax header carries the long name
    code, err = run_image(capsys, image_of(tmp_path, tar))
    assert code == 2 and "layer 2" in err and "longer than 4096 bytes" in err


def test_too_many_entries_are_refused(tmp_path, monkeypatch):
    import dockwise.image.tarscan as tarscan

    monkeypatch.setattr(tarscan, "MAX_ENTRIES", 50)
    tar = layer_tar(*[file(f"f{i}", 1) for i in range(51)])
    source = open_image(image_of(tmp_path, tar))
    with pytest.raises(Exception, match=r"layer 2 .*: more than 50 entries"):
        scan_layers(source.layers)


def test_multi_member_gzip_with_zero_padding_is_read(tmp_path):
    from dockwise.image.analyze import analyze

    tar = layer_tar(file("a", 70_000), file("b", 30_000))
    blob = gzip.compress(tar[:40_000], mtime=0) + gzip.compress(tar[40_000:], mtime=0) + b"\0" * 700
    a = analyze(str(write_oci_layout(tmp_path / "l", [tar], raw_blobs={0: blob})))
    assert (a.total_bytes, a.layers[0].compression, a.layers[0].compressed_bytes) == (100_000, "gzip", len(blob))


def test_trailing_garbage_after_gzip(tmp_path, capsys):
    tar = layer_tar(file("a", 100))
    blob = gzip.compress(tar, mtime=0) + b"garbage"
    code, err = run_image(capsys, image_of(tmp_path, tar, blobs_override={1: blob}))
    assert code == 2 and "layer 2" in err and "trailing garbage" in err


@pytest.mark.parametrize("cut", [4, 1, 700])
def test_cut_off_zstd_layer_is_truncated_not_silently_short(tmp_path, capsys, cut):
    """The blob's digest matches (it was stored cut off), and with only the frame checksum
    missing every byte of the tar is there: only the unfinished frame tells."""
    import zstandard

    tar = layer_tar(file("data", b"".join(b"line %d of a compressible file\n" % i for i in range(2000))))
    blob = zstandard.ZstdCompressor(write_checksum=True).compress(tar)[:-cut]
    layout = write_oci_layout(tmp_path / "l", [layer_tar(file("ok", 10)), tar], compression="zstd",
                              raw_blobs={1: blob})
    code, err = run_image(capsys, str(layout))
    assert code == 2 and "layer 2" in err and "truncated zstd stream" in err and err.count("\n") == 1


def test_zstd_layer_of_several_frames_is_read(tmp_path):
    import zstandard

    from dockwise.image.analyze import analyze

    tar = layer_tar(file("a", 70_000), file("b", 300_000))
    compressor = zstandard.ZstdCompressor(write_checksum=True)
    skippable = b"\x50\x2a\x4d\x18" + (6).to_bytes(4, "little") + b"notes!"
    blob = compressor.compress(tar[:40_000]) + skippable + compressor.compress(tar[40_000:])
    a = analyze(str(write_oci_layout(tmp_path / "l", [tar], compression="zstd", raw_blobs={0: blob})))
    assert (a.total_bytes, a.layers[0].compression) == (370_000, "zstd")


def docker_archive_with_manifest(tmp_path, manifest: bytes):
    tars = [layer_tar(file("a", 1))]
    return write_docker_archive(tmp_path / "d.tar", tars, extra_members={"manifest.json": manifest})


def test_invalid_manifest_json_names_the_file_once(tmp_path, capsys):
    code, err = run_image(capsys, str(docker_archive_with_manifest(tmp_path, b"[{not json")))
    assert code == 2 and "manifest.json is not valid JSON" in err
    assert "manifest.json manifest.json" not in err


@pytest.mark.parametrize("layers,found", [('"abc"', "a string"), ("{}", "an object"), ("[1, 2]", "a number")])
def test_layers_of_the_wrong_type_say_so(tmp_path, capsys, layers, found):
    tars = [layer_tar(file("a", 1))]
    config = json.dumps(config_for(tars)).encode()
    config_name = sha(config).split(":")[1] + ".json"
    manifest = b'[{"Config": "%s", "Layers": %s}]' % (config_name.encode(), layers.encode())
    archive = write_docker_archive(tmp_path / "d.tar", tars, config=json.loads(config),
                                   extra_members={"manifest.json": manifest})
    code, err = run_image(capsys, str(archive))
    assert code == 2 and "field Layers has the wrong type" in err and found in err
    assert "lists" not in err


def test_oci_manifest_layers_of_the_wrong_type_say_so(tmp_path, capsys):
    layout = write_oci_layout(tmp_path / "l", [layer_tar(file("a", 1))])
    blobs = layout / "blobs" / "sha256"
    manifest_path = next(p for p in blobs.iterdir() if b'"schemaVersion"' in p.read_bytes())
    manifest = json.loads(manifest_path.read_bytes())
    manifest["layers"] = "abc"
    data = json.dumps(manifest).encode()
    (blobs / sha(data).split(":")[1]).write_bytes(data)
    index = json.loads((layout / "index.json").read_text())
    index["manifests"][0].update(digest=sha(data), size=len(data))
    (layout / "index.json").write_text(json.dumps(index))
    code, err = run_image(capsys, str(layout))
    assert code == 2 and "field layers has the wrong type (a string" in err


def test_symlink_loop_is_named(tmp_path, capsys):
    loop = tmp_path / "loop.tar"
    loop.symlink_to(loop)
    code, err = run_image(capsys, str(loop))
    assert code == 2 and "symlink loop" in err and "no such file" not in err


def test_image_under_an_unreadable_directory_is_permission_denied(tmp_path, capsys, monkeypatch):
    import errno

    locked = tmp_path / "locked"
    locked.mkdir()
    write_docker_archive(locked / "app.tar", [layer_tar(file("a", 1))])
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads through mode 000: fail the lookup as the kernel does for a user
        real_stat = os.stat

        def stat(path, *args, **kwargs):
            if os.fspath(path).startswith(str(locked) + os.sep):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
            return real_stat(path, *args, **kwargs)
        monkeypatch.setattr(os, "stat", stat)
    try:
        code, err = run_image(capsys, str(locked / "app.tar"))
    finally:
        monkeypatch.undo()
        locked.chmod(0o755)
    assert code == 2 and "permission denied" in err and "no such file" not in err
