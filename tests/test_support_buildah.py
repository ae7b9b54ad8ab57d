"""The buildah test harness itself: a real build whose files we know."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.buildah


def test_build_copies_context_and_run_layers(buildah, tmp_path):
    ctx = tmp_path / "ctx"
    (ctx / "sub").mkdir(parents=True)
    (ctx / "a.txt").write_text("hello\n")
    (ctx / "sub" / "b").write_text("b\n")
    (ctx / "Dockerfile").write_text(f"FROM {buildah.base_image()}\nCOPY . /ctx\nRUN echo hi > /made && rm /ctx/a.txt\n")
    image = buildah.build(ctx, "harness-check")
    files = buildah.files(image)
    assert "ctx/sub/b" in files and "made" in files and "bin/busybox" in files
    assert "ctx/a.txt" not in files
    out = buildah.export(image, "oci-dir", tmp_path / "oci")
    assert (out / "index.json").is_file()
