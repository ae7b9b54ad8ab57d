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
from tests.support.image_kit import directory, file, hardlink, layer_tar, symlink, whiteout

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


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.sampled_from(["sha256:" + "0" * 64, "application/vnd.oci.image.index.v1+json", "linux"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["manifests", "digest", "mediaType", "platform", "os", "architecture", "layers",
                         "config", "rootfs", "diff_ids", "history", "Config", "Layers"]), inner, max_size=5),
    max_leaves=20)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON, JSON)
def test_arbitrary_index_and_config_json_fail_cleanly(tmp_path, index, config):
    import json

    from dockwise.errors import DockwiseError
    from dockwise.image.analyze import analyze
    from tests.support.image_kit import write_docker_archive, write_oci_layout

    tars = [layer_tar(file("a", 1))]
    layout = write_oci_layout(tmp_path / "layout", tars)
    (layout / "index.json").write_text(json.dumps(index))
    archive = write_docker_archive(tmp_path / "d.tar", tars, config=config if isinstance(config, dict) else None,
                                   extra_members={"manifest.json": json.dumps(index).encode()}
                                   if isinstance(index, list) else None)
    for image in (layout, archive):
        try:
            analyze(str(image))
        except DockwiseError:
            pass


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["User", "Healthcheck", "Entrypoint", "Cmd", "Env", "Labels"]), JSON),
       JSON)
def test_rules_survive_any_config(tmp_path, runtime_config, history):
    from dockwise.image.analyze import analyze
    from dockwise.image.checks import check_image
    from tests.support.image_kit import config_for, write_oci_layout

    tars = [layer_tar(file("etc/shadow", b"root::1:::::\n:::\nx"), file("a", 1))]
    config = config_for(tars, **runtime_config)
    config["history"] = history
    findings = check_image(analyze(str(write_oci_layout(tmp_path / "l", tars, config=config))))
    assert "DI009" in {f.code for f in findings}
