"""``--format html``: one self-contained page carrying the JSON report, for every command."""

from __future__ import annotations

import json
import re

from dockwise.cli import main
from tests.support.image_kit import directory, file, layer_tar, whiteout, write_docker_archive

HOSTILE = "srv/</script><script>alert(1)</script>.bin"


def image(tmp_path):
    tars = [layer_tar(directory("srv"), file("srv/big.bin", 300_000), file(HOSTILE, 20_000)),
            layer_tar(whiteout("srv/big.bin"), file("srv/app", 1000))]
    return str(write_docker_archive(tmp_path / "img.tar", tars))


def embedded(page: str, element: str):
    match = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_page_embeds_the_json_report_once_and_loads_nothing(tmp_path, capsys):
    img = image(tmp_path)
    main(["image", img, "--format", "json", "--fail-level", "none"])
    doc = json.loads(capsys.readouterr().out)
    main(["image", img, "--format", "html", "--fail-level", "none"])
    page = capsys.readouterr().out
    assert embedded(page, "report-data") == doc
    assert page.count('id="report-data"') == 1
    assert page.count("<script") == 3  # the data, the sources, the code: a file name cannot add one
    assert "</script><script>alert" not in page
    assert not re.search(r"""(src|href)\s*=|url\(|@import|https?://""", page)  # nothing to fetch
    assert "default-src 'none'" in page


def test_image_page_in_chromium(tmp_path, capsys, chromium):
    img = image(tmp_path)
    out = tmp_path / "report.html"
    assert main(["image", img, "--format", "html", "-o", str(out), "--fail-level", "none"]) == 0
    page, _ = chromium.open(out)
    try:
        assert page.console_errors() == []
        assert page.requests() == [out.resolve().as_uri()]
        assert page.evaluate("document.querySelectorAll('#layers .layer').length") == 2
        assert page.evaluate("Array.from(document.querySelectorAll('#waste tr[data-path]'), e => e.dataset.path)") \
            == ["/srv/big.bin"]
        assert page.evaluate("document.title") == f"dockwise image: {img}"
        assert page.evaluate("document.querySelectorAll('script').length") == 3
        # the filesystem map zooms into a directory and back out
        assert page.evaluate("document.querySelector('#icicle .node').dataset.path") == "/"
        page.evaluate("document.querySelector('#icicle .node[data-path=\"/srv\"]').click()")
        assert page.evaluate("document.querySelector('#icicle .node').dataset.path") == "/srv"
        assert page.evaluate("document.querySelector('#tree .crumbs').textContent").startswith("/srv")
        shown = page.evaluate("Array.from(document.querySelectorAll('#icicle .node'), e => e.dataset.path)")
        assert shown[0] == "/srv" and f"/{HOSTILE}" in shown and "/srv/app" in shown  # "/" in a name nests
        page.evaluate("document.querySelector('#icicle .node').click()")
        assert page.evaluate("document.querySelector('#icicle .node').dataset.path") == "/"
        assert page.console_errors() == []
    finally:
        page.close()


def test_check_page_lists_findings_with_their_source_frames(tmp_path, capsys, chromium):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD run\n")
    main(["check", str(dockerfile), "--format", "json", "--no-context"])
    doc = json.loads(capsys.readouterr().out)
    out = tmp_path / "check.html"
    assert main(["check", str(dockerfile), "--format", "html", "-o", str(out), "--no-context"]) == 1
    page, _ = chromium.open(out)
    try:
        assert page.console_errors() == []
        assert page.requests() == [out.resolve().as_uri()]
        codes = page.evaluate("Array.from(document.querySelectorAll('#findings .finding'), e => e.dataset.code)")
        assert sorted(codes) == sorted(f["code"] for f in doc["findings"]) and "DL3008" in codes
        marked = page.evaluate("Array.from(document.querySelectorAll('#findings .finding[data-code=DL3008] mark'),"
                               " e => e.textContent).join('')")
        finding = next(f for f in doc["findings"] if f["code"] == "DL3008")
        line = dockerfile.read_text().splitlines()[finding["line"] - 1]
        assert marked == line[finding["column"] - 1:finding["end_column"] - 1]
    finally:
        page.close()


def test_context_page_shows_what_is_sent_and_kept_out(tmp_path, chromium):
    ctx = tmp_path / "ctx"
    (ctx / "node_modules" / "x").mkdir(parents=True)
    (ctx / "node_modules" / "x" / "index.js").write_bytes(b"x" * 5000)
    (ctx / "notes.log").write_bytes(b"y" * 700)
    (ctx / ".dockerignore").write_text("*.log\n")
    (ctx / "Dockerfile").write_text("FROM debian:12.8\nCOPY . /app\n")
    out = tmp_path / "context.html"
    main(["context", str(ctx), "--format", "html", "-o", str(out)])
    page, _ = chromium.open(out)
    try:
        assert page.console_errors() == []
        assert page.requests() == [out.resolve().as_uri()]
        metrics = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('[data-metric]'),"
                                " e => [e.dataset.metric, e.dataset.value]))")
        assert int(metrics["excluded_bytes"]) == 700
        assert int(metrics["sent_bytes"]) == 5000 + len("*.log\n") + len("FROM debian:12.8\nCOPY . /app\n")
        assert page.evaluate("Array.from(document.querySelectorAll('#context tr[data-path]'), e => e.dataset.path)") \
            == ["node_modules"]
    finally:
        page.close()


def test_check_page_carries_the_sources_of_files_with_findings_only(tmp_path, capsys):
    (tmp_path / "Dockerfile.clean").write_text("FROM debian:12.8\n")
    (tmp_path / "Dockerfile.bad").write_text("FROM debian\n")
    main(["check", str(tmp_path), "--format", "html", "--no-context", "--select", "DL3006", "--fail-level", "none"])
    sources = embedded(capsys.readouterr().out, "report-sources")
    assert list(sources) == [str(tmp_path / "Dockerfile.bad")]
