"""dive's views and the HTML report on a real image built with buildah: ``--layer N`` lists
exactly the entries ``tar -tvf`` shows for that layer, and the DI006 findings name the files."""

from __future__ import annotations

import json
import subprocess
import tarfile

import pytest

from dockwise.cli import main
from dockwise.units import human_bytes

pytestmark = pytest.mark.buildah

DOCKERFILE = """\
FROM {base}
COPY app /app
RUN dd if=/dev/zero of=/tmp/download bs=1000 count=300 && mkdir -p /var/cache/tool && dd if=/dev/zero of=/var/cache/tool/blob bs=1000 count=150
RUN rm /tmp/download && echo -n small > /app/config.txt
RUN rm -rf /var/cache/tool && echo -n 0123456789 > /hl-a && ln /hl-a /hl-b && ln -s /hl-a /sym
USER 1000
"""


@pytest.fixture(scope="module")
def image(buildah, tmp_path_factory):
    root = tmp_path_factory.mktemp("views")
    ctx = root / "ctx"
    (ctx / "app" / "lib").mkdir(parents=True)
    (ctx / "app" / "config.txt").write_bytes(b"x" * 20_000)
    (ctx / "app" / "lib" / "code.py").write_bytes(b"print('hi')\n" * 500)
    (ctx / "Dockerfile").write_text(DOCKERFILE.format(base=buildah.base_image()))
    built = buildah.build(ctx, "dw-views")
    archive = buildah.export(built, "docker-archive", root / "views.tar")
    return {"archive": archive, "dockerfile": ctx / "Dockerfile", "root": root}


def layer_tars(archive, dest):
    """Each layer's tar, bottom first, extracted from the docker archive."""
    with tarfile.open(archive) as outer:
        names = json.load(outer.extractfile("manifest.json"))[0]["Layers"]
        paths = []
        for index, name in enumerate(names):
            path = dest / f"layer{index + 1}.tar"
            path.write_bytes(outer.extractfile(name).read())
            paths.append(path)
    return paths


def expected_from_tar(listing: str) -> list[tuple[str, ...]]:
    """(mode, owner, size, path) per ``tar -tvf --numeric-owner`` line; whiteouts as removals."""
    rows = []
    for line in listing.splitlines():
        mode, owner, size, _date, _time, name = line.split(None, 5)
        name = name.split(" -> ")[0].split(" link to ")[0]
        path = "/" + name.removeprefix("./").rstrip("/")
        parent, _, base = path.rpartition("/")
        if base == ".wh..wh..opq":
            rows.append(("-", parent + "/*"))
        elif base.startswith(".wh."):
            rows.append(("-", f"{parent}/{base[4:]}"))
        else:
            rows.append((mode, owner, human_bytes(int(size)) if mode[0] == "-" else "", path))
    return rows


def listed_by_dockwise(out: str, number: int) -> list[tuple[str, ...]]:
    rows = []
    for line in out.split(f"\nlayer {number}: ")[1].split("\n\n")[0].splitlines()[2:]:
        if line.startswith("- ") and line[2:12].strip() == "":
            path = line.split("  ")[-1] if "(opaque" not in line else line.split("  ")[-2]
            rows.append(("-", path.strip()))
            continue
        mode, owner = line[2:12], line[13:22].strip()
        size, path = line[22:34].strip(), line[34:].strip().split(" -> ")[0].split(" link to ")[0]
        rows.append((mode, owner, size, path))
    return rows


def test_layer_listing_matches_tar_tvf(image, capsys, tmp_path):
    tars = layer_tars(image["archive"], tmp_path)
    assert len(tars) == 5
    for number, layer in enumerate(tars, 1):
        listing = subprocess.run(["tar", "-tvf", str(layer), "--numeric-owner"], capture_output=True,
                                 text=True, check=True).stdout
        main(["image", str(image["archive"]), "--layer", str(number), "--fail-level", "none"])
        out = capsys.readouterr().out
        assert listed_by_dockwise(out, number) == expected_from_tar(listing), f"layer {number}"


def test_di006_names_the_wasted_files(image, capsys):
    main(["image", str(image["archive"]), "--dockerfile", str(image["dockerfile"]), "--format", "json",
          "--hidden-threshold", "10KB"])
    doc = json.loads(capsys.readouterr().out)
    named = {f["line"]: [w["path"] for w in f["extra"]["files"]] for f in doc["findings"] if f["code"] == "DI006"}
    assert named == {2: ["/app/config.txt"], 3: ["/tmp/download", "/var/cache/tool/blob"]}
    main(["image", str(image["archive"]), "--dockerfile", str(image["dockerfile"]), "--hidden-threshold", "10KB"])
    out = capsys.readouterr().out
    assert "/tmp/download 293.0 KiB, /var/cache/tool/blob 146.5 KiB;" in out
    assert "   293.0 KiB  /tmp/download  layer 3 (line 3), deleted by layer 4 (line 4)" in out


def test_html_report_shows_what_the_json_report_says(image, chromium, tmp_path, capsys):
    archive, dockerfile = str(image["archive"]), str(image["dockerfile"])
    common = ["image", archive, "--dockerfile", dockerfile, "--hidden-threshold", "10KB", "--fail-level", "none"]
    main([*common, "--format", "json", "-o", str(tmp_path / "report.json")])
    main([*common, "--format", "html", "-o", str(tmp_path / "report.html")])
    text = (tmp_path / "report.json").read_text()
    doc = json.loads(text)
    page, seconds = chromium.open(tmp_path / "report.html")
    shot = page.screenshot(tmp_path / "image-report.png")
    print(f"screenshot: {shot}")
    try:
        assert page.console_errors() == []
        assert page.requests() == [(tmp_path / "report.html").resolve().as_uri()]  # nothing else, ever
        assert page.evaluate("JSON.parse(document.getElementById('report-data').textContent)") == doc
        layers = page.evaluate("Array.from(document.querySelectorAll('#layers .layer')).map("
                               "e => [+e.dataset.index, +e.dataset.bytes, +e.dataset.reclaimable])")
        assert layers == [[l["index"], l["total_bytes"], l["reclaimable_bytes"]] for l in doc["image"]["layers"]]
        assert len(layers) == 5
        metrics = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('[data-metric]'))"
                                ".map(e => [e.dataset.metric, e.dataset.value]))")
        for key in ("total_bytes", "final_bytes", "reclaimable_bytes", "compressed_bytes"):
            assert int(metrics[key]) == doc["image"][key], key
        wasted = page.evaluate("Array.from(document.querySelectorAll('#waste tr[data-path]'))"
                               ".map(e => [e.dataset.path, +e.dataset.bytes, e.cells[2].textContent, e.cells[3].textContent])")
        lines = {l["index"]: l["dockerfile_line"] for l in doc["image"]["layers"]}
        assert wasted == [[w["path"], w["bytes"], f"layer {w['layer']} (line {lines[w['layer']]})",
                           f"{w['how']} by layer {w['hidden_by']} (line {lines[w['hidden_by']]})"]
                          for w in doc["image"]["wasted_files"]]
        assert [w[0] for w in wasted] == ["/tmp/download", "/var/cache/tool/blob", "/app/config.txt"]
        assert wasted[0][2:] == ["layer 3 (line 3)", "deleted by layer 4 (line 4)"]
        gutter = page.evaluate("Array.from(document.querySelectorAll('#dockerfile tr[data-added]'))"
                               ".map(e => [+e.dataset.line, +e.dataset.added, +(e.dataset.hidden || 0)])")
        by_line = {}
        for l in doc["image"]["layers"]:
            added, hidden = by_line.get(l["dockerfile_line"], (0, 0))
            by_line[l["dockerfile_line"]] = (added + l["total_bytes"], hidden + l["reclaimable_bytes"])
        assert gutter == [[line, *by_line[line]] for line in sorted(by_line)]
        assert doc["image"]["tree"]["bytes"] == doc["image"]["final_bytes"]
        top = page.evaluate("Array.from(document.querySelectorAll('#icicle .node')).map(e => e.dataset.path)")
        assert top[0] == "/" and "/bin/busybox" in top
        assert seconds < 5
    finally:
        page.close()
    assert shot.stat().st_size > 10_000
