"""Whatever bytes a layer holds, reading it ends in a result or one clear ImageError."""

from __future__ import annotations

import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockwise.errors import ImageError
from dockwise.image.blob import BlobLocation
from dockwise.image.layers import scan_layer
from dockwise.image.merge import merge_layers
from dockwise.image.source import LayerRef
from tests.test_image_kit import directory, file, hardlink, layer_tar, symlink, whiteout

VALID = layer_tar(directory("app"), file("app/a", 3000), symlink("app/l", "a"), hardlink("app/h", "app/a"),
                  whiteout("old"), file("app/.wh..wh..opq", b""), file("b" * 150, 10))


def read(tmp_path, blob: bytes) -> None:
    path = tmp_path / "blob"
    path.write_bytes(blob)
    ref = LayerRef(0, BlobLocation(str(path), 0, len(blob)), "layer 1", None, None)
    try:
        merge_layers([scan_layer(ref).entries])
    except ImageError as exc:
        assert str(exc).startswith("layer 1")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8),
       st.integers(0, len(VALID)), st.booleans())
def test_damaged_layers_fail_cleanly(tmp_path, flips, cut, compress):
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    blob = bytes(data[:cut])
    read(tmp_path, gzip.compress(blob, mtime=0) if compress else blob)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_random_bytes_fail_cleanly(tmp_path, blob):
    read(tmp_path, blob)
