"""Reading user files safely and writing them atomically.

Every problem becomes an :class:`~dockwise.errors.InputError` naming the file: a directory,
an unreadable path, a binary file, text that is not UTF-8. Writes go to a temporary file in
the same directory and are renamed over the target, so a crash never leaves half a file.
"""

from __future__ import annotations

import os
import stat

from dockwise.errors import InputError

MAX_TEXT_BYTES = 16 * 1024 * 1024


def read_text(path: str | os.PathLike[str], *, what: str = "file") -> str:
    """Read a UTF-8 text file (BOM allowed), keeping line endings exactly as they are.

    A named pipe with no writer reads as empty instead of blocking forever; a pipe that has
    a writer (``<(generate)``) is read as usual.
    """
    name = os.fspath(path)
    try:
        data = _read_bytes(name, what)
    except IsADirectoryError:
        raise InputError(f"is a directory, expected a {what}", path=name) from None
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    return decode_text(data, name=name, what=what)


def _read_bytes(name: str, what: str) -> bytes:
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(name)
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise InputError(f"not a regular file, expected a {what}", path=name)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_TEXT_BYTES + 1)
    finally:
        os.close(fd)


def decode_text(data: bytes, *, name: str, what: str = "file") -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"too large for a {what} (over {MAX_TEXT_BYTES // (1024 * 1024)} MiB)", path=name)
    if _utf16_without_bom(data[2:] if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data):
        raise InputError(f"UTF-16 text, not UTF-8: save the {what} as UTF-8 (BuildKit reads UTF-8 only)",
                         path=name)
    if b"\0" in data:
        raise InputError(f"binary file (contains NUL bytes), not a {what}", path=name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})", path=name) from None
    return text


def _utf16_without_bom(data: bytes) -> bool:
    """ASCII text saved as UTF-16 (after its byte-order mark, if any): every other byte of its
    start is NUL."""
    head = data[:200]
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) == len(odd) and 0 not in even) or (even.count(0) == len(even) and 0 not in odd)


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines untouched) atomically.

    A symlink is written through to its target; the target keeps its mode and owner. A file
    with no write permission bit, or with several hard links (which a rename would split
    apart), is refused with a clear error rather than silently changed.
    """
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):  # a rename would replace a device or FIFO by a file
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise InputError(f"is {kind}; not replacing it", path=os.fspath(path))
        if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise InputError("is read-only; not rewriting it", path=os.fspath(path))
        if info.st_nlink > 1:
            raise InputError(f"has {info.st_nlink} hard links; rewriting it would split them apart "
                             "(edit one copy by hand)", path=os.fspath(path))
    import tempfile  # only writers pay for it (it pulls in random, shutil, ...)

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise InputError("directory does not exist", path=directory) from None
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror}", path=directory) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if info is None:  # a new file: the mode open() would give it, not mkstemp's 0600
            os.chmod(tmp, 0o666 & ~_current_umask())
        else:
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
            if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.chown(tmp, info.st_uid, info.st_gid)
                except PermissionError:
                    pass  # not ours to give away; the content still lands with our ownership
        os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise InputError(f"cannot write: {exc.strerror or exc}", path=os.fspath(path)) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


def write_report(path: str, text: str) -> None:
    """Write a report to ``-o path``: a regular file (or a new one) atomically, a device or FIFO
    (``/dev/stdout``, ``/dev/null``, a named pipe) by writing into it -- never replacing it.
    Raises OSError when the write itself fails (``/dev/full``)."""
    try:
        is_stream = not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path)
    except OSError:
        is_stream = False
    if not is_stream:
        atomic_write(path, text)
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def _current_umask() -> int:
    """The process umask (reading it means setting it; it is put back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
