"""Reading user files safely, and writing them back without losing anything."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from dockwise.errors import InputError
from dockwise.inputs import atomic_write, read_text, write_report


def test_read_keeps_crlf_and_bom(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_bytes(b"\xef\xbb\xbfFROM a\r\nRUN b\r\n")
    assert read_text(f) == "\ufeffFROM a\r\nRUN b\r\n"


@pytest.mark.parametrize("data, words", [
    (b"FROM a\n\x00\x01", "binary"),
    (b"FROM a\nRUN \xff\n", "not valid UTF-8 (byte 0xff on line 2)"),
])
def test_read_rejects_binary_and_bad_utf8(tmp_path, data, words):
    f = tmp_path / "Dockerfile"
    f.write_bytes(data)
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        read_text(f)


def test_read_directory_and_missing(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope")


def test_named_pipe_without_writer_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert read_text(fifo) == ""  # returns at once: nobody is writing


def test_named_pipe_with_writer_is_read(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # O_RDWR opens a FIFO without waiting for a reader (Linux), so the writer exists before
    # read_text opens it; closing it later gives the reader its end of file.
    writer = os.open(fifo, os.O_RDWR)
    os.write(writer, b"FROM a\n")
    closer = threading.Timer(0.2, os.close, args=(writer,))
    closer.daemon = True
    closer.start()
    try:
        assert read_text(fifo) == "FROM a\n"
    finally:
        closer.join(timeout=5)


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_text("old\n")
    f.chmod(0o640)
    atomic_write(f, "new\r\n")
    assert f.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]  # no temp file left


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_gives_not_0600(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "report.json", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == mode


def test_atomic_write_never_replaces_a_fifo_or_device(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        atomic_write(fifo, "x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(InputError, match="directory"):
        atomic_write(tmp_path, "x")


def test_a_report_goes_into_a_device_or_fifo_and_atomically_into_a_file(tmp_path):
    write_report(os.devnull, "report\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    write_report(str(fifo), "report\n")
    reader.join(timeout=10)
    assert received == ["report\n"] and stat.S_ISFIFO(fifo.lstat().st_mode)
    write_report(str(tmp_path / "r.json"), "{}\n")
    assert (tmp_path / "r.json").read_text() == "{}\n"


def test_atomic_write_through_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real.Dockerfile"
    real.write_text("old\n")
    link = tmp_path / "Dockerfile"
    link.symlink_to(real.name)
    atomic_write(link, "new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_atomic_write_keeps_owner(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_text("old\n")
    os.chown(f, 1234, 1234)
    atomic_write(f, "new\n")
    assert (f.stat().st_uid, f.stat().st_gid) == (1234, 1234)


def test_atomic_write_refuses_read_only_and_hard_linked_files(tmp_path):
    ro = tmp_path / "ro"
    ro.write_text("keep\n")
    ro.chmod(0o444)
    with pytest.raises(InputError, match="read-only"):
        atomic_write(ro, "new\n")
    assert ro.read_text() == "keep\n"
    linked = tmp_path / "a"
    linked.write_text("keep\n")
    os.link(linked, tmp_path / "b")
    with pytest.raises(InputError, match="hard links"):
        atomic_write(linked, "new\n")
    assert (tmp_path / "b").read_text() == "keep\n"


def test_atomic_write_into_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="directory does not exist"):
        atomic_write(tmp_path / "nodir" / "out.json", "{}")


def test_full_disk_is_one_clear_line(tmp_path):
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full not available")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "dockwise", "rules"], stdout=full,
                              stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "dockwise: error: cannot write output: No space left on device"


def test_error_line_escapes_control_characters_in_the_path(tmp_path):
    import subprocess
    import sys

    evil = tmp_path / "bad\x1b[2Jname"
    evil.mkdir()
    proc = subprocess.run([sys.executable, "-m", "dockwise", "dump", str(evil)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "bad\\x1b[2Jname" in proc.stderr
    assert proc.stderr.count("\n") == 1
