"""Reading one layer blob as a stream: verify its digests, decompress it, refuse bombs.

Nothing is ever written to disk. The raw (possibly compressed) bytes are hashed as they are
read and checked against the manifest's digest; the decompressed bytes are hashed and checked
against the config's ``diff_id``. Compression is recognised by its magic bytes, not by the
media type (``docker save`` writes plain tars whatever the manifest says).

Every problem raises :class:`~dockwise.errors.ImageError` naming the layer.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from dockwise.errors import ImageError

READ_CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

#: Decompressed output may exceed the compressed size by this factor before it is a bomb ...
BOMB_RATIO = 200
#: ... but only once it is past this many bytes (tiny layers compress very well).
BOMB_FLOOR = 1 << 30


@dataclass(frozen=True)
class BlobLocation:
    """Where a blob's bytes are: ``length`` bytes at ``offset`` in ``path`` (picklable)."""

    path: str
    offset: int
    length: int

    def open(self):
        """A file positioned at the blob (a registry blob's location opens a download instead)."""
        fh = open(self.path, "rb")
        try:
            fh.seek(self.offset)
        except OSError:
            fh.close()
            raise
        return fh


class RawReader:
    """Reads exactly one blob's bytes from its file, hashing them on the way."""

    def __init__(self, location: BlobLocation, label: str,
                 on_read: Callable[[int], None] | None = None) -> None:
        self.label = label
        self.on_read = on_read  # told how many bytes each read took (progress)
        self.remaining = location.length
        self.sha256 = hashlib.sha256()
        try:
            self._fh = location.open()
        except OSError as exc:
            raise ImageError(f"{label}: cannot read blob: {exc.strerror or exc}", path=location.path) from None

    def read(self, size: int = READ_CHUNK) -> bytes:
        if self.remaining <= 0:
            return b""
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self._fh.read(size)
        if not data:
            raise ImageError(f"{self.label}: blob is truncated ({self.remaining} bytes missing)")
        self.remaining -= len(data)
        self.sha256.update(data)
        if self.on_read is not None:
            self.on_read(len(data))
        return data

    def drain(self) -> None:
        while self.read(READ_CHUNK):
            pass

    def close(self) -> None:
        self._fh.close()


class _GzipReader:
    """Multi-member gzip with bounded output per call (a bomb never lands in memory at once)."""

    def __init__(self, raw: RawReader, head: bytes) -> None:
        self.raw = raw
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._tail = head

    def read(self, size: int) -> bytes:
        label = self.raw.label
        while True:
            if self._d.eof and not self._start_next_member():
                return b""
            data = self._tail or self.raw.read(READ_CHUNK)
            if not data:
                raise ImageError(f"{label}: gzip stream is truncated")
            try:
                out = self._d.decompress(data, size)
            except zlib.error as exc:
                raise ImageError(f"{label}: corrupt gzip data ({exc})") from None
            self._tail = self._d.unconsumed_tail
            if out:
                return out

    def _start_next_member(self) -> bool:
        rest = self._d.unused_data or self.raw.read(READ_CHUNK)
        if not rest:
            return False
        if not rest.strip(b"\0"):
            self._drain_padding()
            return False
        if not rest.startswith(GZIP_MAGIC):
            raise ImageError(f"{self.raw.label}: trailing garbage after gzip data")
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._tail = rest
        return True

    def _drain_padding(self) -> None:
        while chunk := self.raw.read(READ_CHUNK):
            if chunk.strip(b"\0"):
                raise ImageError(f"{self.raw.label}: trailing garbage after gzip data")


class _PlainReader:
    def __init__(self, raw: RawReader, head: bytes) -> None:
        self.raw = raw
        self._head = head

    def read(self, size: int) -> bytes:
        if self._head:
            out, self._head = self._head, b""
            return out
        return self.raw.read(size)


class _ZstdReader:
    """Zstandard frames one after another, with bounded output per call.

    python-zstandard's stream reader ends quietly when the blob stops inside a frame, so the
    frames are fed by hand to a decompression object whose ``eof`` tells a finished frame
    from a cut-off one. Input goes in small slices: one slice can only inflate so far (a
    zstd block expands at most ~32768x), which keeps a bomb out of memory.
    """

    SLICE = 1024

    def __init__(self, raw: RawReader, head: bytes) -> None:
        import zstandard

        self._zstd = zstandard
        self.raw = raw
        self._carry = head  # input to feed before ``_pending`` (never more than a slice or so)
        self._pending = memoryview(b"")
        self._d = zstandard.ZstdDecompressor().decompressobj()
        self._fed = bool(head)  # the current frame has been given input
        self._done = False

    def read(self, size: int) -> bytes:
        out: list[bytes] = []
        produced = 0
        while produced < size and not self._done:
            if self._d.eof:
                self._next_frame()
                continue
            if self._carry:
                piece, self._carry = self._carry, b""
            elif self._pending:
                piece, self._pending = self._pending[:self.SLICE], self._pending[self.SLICE:]
            else:
                self._pending = memoryview(self.raw.read(READ_CHUNK))
                if not self._pending:
                    self._end_of_input()
                continue
            self._fed = True
            try:
                chunk = self._d.decompress(piece)
            except self._zstd.ZstdError as exc:
                raise ImageError(f"{self.raw.label}: corrupt zstd data ({exc})") from None
            if chunk:
                out.append(chunk)
                produced += len(chunk)
        return b"".join(out)

    def _next_frame(self) -> None:
        """The frame ended; what follows it (if anything) is the next frame."""
        self._carry = self._d.unused_data
        self._d = self._zstd.ZstdDecompressor().decompressobj()
        self._fed = False

    def _end_of_input(self) -> None:
        if self._fed and not self._d.eof:
            raise ImageError(f"{self.raw.label}: truncated zstd stream (the blob ends inside a frame)")
        self._done = True


class LayerStream:
    """The decompressed bytes of one layer blob, with exact and skip reads for a tar parser.

    ``compression`` is ``"gzip"``, ``"zstd"`` or ``"none"`` (from the magic bytes);
    ``media_type`` what the manifest says the blob is. After :meth:`finish`,
    ``digest``/``diff_id`` are the sha256 of the raw and decompressed bytes.
    """

    def __init__(self, location: BlobLocation, label: str, *, bomb_ratio: int = BOMB_RATIO,
                 bomb_floor: int = BOMB_FLOOR, on_read: Callable[[int], None] | None = None,
                 media_type: str = "") -> None:
        self.label = label
        self.media_type = media_type
        self.raw = RawReader(location, label, on_read)
        self.compressed_size = location.length
        self.limit = max(bomb_floor, bomb_ratio * location.length)
        head = self.raw.read(4) if location.length else b""
        if head.startswith(GZIP_MAGIC):
            self.compression = "gzip"
            self._source = _GzipReader(self.raw, head)
        elif head.startswith(ZSTD_MAGIC):
            self.compression = "zstd"
            self._source = _ZstdReader(self.raw, head)
        else:
            self.compression = "none"
            self._source = _PlainReader(self.raw, head)
        self.head = head
        self.plain_sha256 = hashlib.sha256()
        self.plain_size = 0
        self._buf = b""
        self._pos = 0
        self._eof = False
        self.digest = ""
        self.diff_id = ""

    def not_a_tar(self, problem: str) -> ImageError:
        """The error for a blob whose first tar header is unreadable: when the manifest says
        the blob is compressed but its magic bytes say otherwise, that is the real problem
        (``docker save`` writes plain tars under a gzip media type, so a valid tar is fine)."""
        declared = next((kind for kind in ("zstd", "gzip") if kind in self.media_type), None)
        if self.compression != "none" or declared is None:
            return ImageError(f"{self.label}: {problem}")
        magic = ZSTD_MAGIC if declared == "zstd" else GZIP_MAGIC
        return ImageError(
            f"{self.label}: the manifest says the blob is {declared}-compressed ({self.media_type}), "
            f"but it starts with {self.head.hex(' ') or 'nothing'} instead of {declared}'s magic "
            f"bytes {magic.hex(' ')}: the blob is damaged or mislabelled")

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._source.read(READ_CHUNK)
        if not data:
            self._eof = True
            return False
        self.plain_size += len(data)
        if self.plain_size > self.limit:
            raise ImageError(
                f"{self.label}: decompression bomb: over {self.limit} bytes from a "
                f"{self.compressed_size}-byte blob")
        if self.compression != "none":  # a plain tar's digest is its diff_id: hash it once
            self.plain_sha256.update(data)
        rest = self._buf[self._pos:]
        self._buf = rest + data if rest else data
        self._pos = 0
        return True

    def read_exact(self, size: int) -> bytes:
        """``size`` bytes, or fewer only at the very end of the stream."""
        while len(self._buf) - self._pos < size:
            if not self._fill():
                break
        out = self._buf[self._pos:self._pos + size]
        self._pos += len(out)
        return out

    def skip(self, size: int) -> int:
        """Skip ``size`` bytes; returns how many could be skipped (less means truncated)."""
        skipped = 0
        while skipped < size:
            available = len(self._buf) - self._pos
            if available == 0:
                if not self._fill():
                    break
                continue
            step = min(available, size - skipped)
            self._pos += step
            skipped += step
        return skipped

    def chunks(self):
        """The decompressed bytes, chunk by chunk (for copying a whole compressed archive)."""
        while self._fill():
            chunk = self._buf[self._pos:]
            self._pos = len(self._buf)
            yield chunk

    def finish(self) -> None:
        """Read to the end of the blob (tar padding, trailing members) and compute digests."""
        while self._fill():
            self._pos = len(self._buf)
        self.raw.drain()
        self.digest = "sha256:" + self.raw.sha256.hexdigest()
        plain = self.raw.sha256 if self.compression == "none" else self.plain_sha256
        self.diff_id = "sha256:" + plain.hexdigest()

    def close(self) -> None:
        self.raw.close()
