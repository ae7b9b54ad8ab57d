"""Reading user files safely and writing them atomically.

Every problem becomes an :class:`~dockwise.errors.InputError` naming the file: a directory,
an unreadable path, a binary file, text that is not UTF-8. Writes go to a temporary file in
the same directory and are renamed over the target, so a crash never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dockwise.errors import InputError

MAX_TEXT_BYTES = 16 * 1024 * 1024


def read_text(path: str | os.PathLike[str], *, what: str = "file") -> str:
    """Read a UTF-8 text file (BOM allowed), keeping line endings exactly as they are."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read(MAX_TEXT_BYTES + 1)
    except IsADirectoryError:
        raise InputError(f"is a directory, expected a {what}", path=name) from None
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from None
    return decode_text(data, name=name, what=what)


def decode_text(data: bytes, *, name: str, what: str = "file") -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"too large for a {what} (over {MAX_TEXT_BYTES // (1024 * 1024)} MiB)", path=name)
    if b"\0" in data:
        raise InputError(f"binary file (contains NUL bytes), not a {what}", path=name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})", path=name) from None
    return text


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines untouched) atomically, keeping its mode."""
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
