"""dive's views in the text report: the files behind the waste, one layer's entries, nested
directories listed once, and human units in the gates."""

from __future__ import annotations

import json

from dockwise.cli import main
from dockwise.image.analyze import analyze
from tests.support.image_kit import directory, file, layer_tar, opaque, whiteout, write_docker_archive

SDK = 3 << 20


def waste_image(tmp_path):
    """download, unpack, delete; a config file overwritten; a cache made opaque."""
    tars = [
        layer_tar(directory("tmp"), file("tmp/sdk.tgz", SDK), file("etc/app.conf", 50_000),
                  file("var/cache/a", 70_000), file("var/cache/b", 30_000)),
        layer_tar(file("opt/sdk/bin/sdk", 4000, 0o755), file("etc/app.conf", 10)),
        layer_tar(whiteout("tmp/sdk.tgz"), opaque("var/cache"), file("var/cache/new", 5)),
    ]
    return str(write_docker_archive(tmp_path / "img.tar", tars))


def test_wasted_files_are_named_with_the_layers_that_added_and_hid_them(tmp_path, capsys):
    main(["image", waste_image(tmp_path), "--fail-level", "none"])
    out = capsys.readouterr().out
    section = out.split("wasted files (shipped in a layer, not visible in the final filesystem)\n")[1]
    rows = section.split("\n\n")[0].splitlines()
    assert rows == [
        "     3.0 MiB  /tmp/sdk.tgz  layer 1, deleted by layer 3",
        "    68.4 KiB  /var/cache/a  layer 1, deleted by layer 3",
        "    48.8 KiB  /etc/app.conf  layer 1, overwritten by layer 2",
        "    29.3 KiB  /var/cache/b  layer 1, deleted by layer 3",
    ]


def test_every_di006_finding_names_its_files(tmp_path, capsys):
    main(["image", waste_image(tmp_path), "--format", "json", "--hidden-threshold", "1KiB"])
    doc = json.loads(capsys.readouterr().out)
    (finding,) = [f for f in doc["findings"] if f["code"] == "DI006"]
    assert "/tmp/sdk.tgz 3.0 MiB, /var/cache/a 68.4 KiB, /etc/app.conf 48.8 KiB and 1 more" in finding["message"]
    assert [f["path"] for f in finding["extra"]["files"]] == [
        "/tmp/sdk.tgz", "/var/cache/a", "/etc/app.conf", "/var/cache/b"]
    assert finding["extra"]["files"][0] == {"path": "/tmp/sdk.tgz", "bytes": SDK, "hidden_by": 3}
    wasted = doc["image"]["wasted_files"]
    assert sum(w["bytes"] for w in wasted) == doc["image"]["reclaimable_bytes"]
    assert wasted[2] == {"path": "/etc/app.conf", "bytes": 50_000, "layer": 1, "hidden_by": 2,
                         "how": "overwritten"}


def test_layer_option_lists_what_the_layer_added_changed_and_removed(tmp_path, capsys):
    assert main(["image", waste_image(tmp_path), "--layer", "3", "--fail-level", "none"]) == 0
    listing = capsys.readouterr().out.split("\nlayer 3: ")[1].split("\n\n")[0].splitlines()
    assert listing[1] == "  1 added, 0 changed, 3 removed; 5 B written, 0 B of it hidden later"
    assert listing[2].startswith("- ") and listing[2].endswith("  /tmp/sdk.tgz")
    assert listing[3].endswith("  /var/cache/*  (opaque: everything earlier layers put below)")
    assert listing[4] == "+ -rw-r--r-- 0/0              5 B  /var/cache/new"
    main(["image", waste_image(tmp_path), "--layer", "2", "--fail-level", "none"])
    listing = capsys.readouterr().out.split("\nlayer 2: ")[1].split("\n\n")[0].splitlines()
    assert listing[2:] == ["+ -rwxr-xr-x 0/0          3.9 KiB  /opt/sdk/bin/sdk",
                           "~ -rw-r--r-- 0/0             10 B  /etc/app.conf"]


def test_layer_option_beyond_the_image_is_an_error(tmp_path, capsys):
    assert main(["image", waste_image(tmp_path), "--layer", "4"]) == 2
    assert "--layer 4: the image has 3 layer(s)" in capsys.readouterr().err


def test_gates_print_human_units_and_json_keeps_the_numbers(tmp_path, capsys):
    image = waste_image(tmp_path)
    assert main(["image", image, "--max-size", "1MB", "--max-reclaimable", "2MiB", "--fail-level", "none"]) == 1
    gates = capsys.readouterr().out.split("CI gates\n")[1].split("\n\n")[0].splitlines()
    assert gates == ["  FAIL  max-size: 3.1 MiB (limit 976.6 KiB)",
                     "  FAIL  max-reclaimable: 3.1 MiB (limit 2.0 MiB)"]
    main(["image", image, "--max-size", "1MB", "--format", "json", "--fail-level", "none"])
    (gate,) = json.loads(capsys.readouterr().out)["image"]["gates"]
    assert (gate["limit_value"], gate["actual_value"]) == (1_000_000, analyze(image).total_bytes)


def test_nested_directories_are_listed_once_as_a_tree(tmp_path, capsys):
    tars = [layer_tar(file("usr/lib/a/big", 60_000), file("usr/lib/b/big", 50_000), file("usr/share/x", 40_000))]
    main(["image", str(write_docker_archive(tmp_path / "i.tar", tars)), "--fail-level", "none"])
    section = capsys.readouterr().out.split("largest directories\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "   146.5 KiB  /usr",
        "   107.4 KiB    lib",
        "    58.6 KiB      a",
        "    48.8 KiB      b",
        "    39.1 KiB    share",
    ]


def test_tree_counts_every_final_byte_once_and_stays_within_its_budget(tmp_path):
    from dockwise.image.tree import filesystem_tree

    specs = [file(f"srv/d{d}/f{i}", 100 + i) for d in range(30) for i in range(40)]
    tars = [layer_tar(*specs[:600]), layer_tar(*specs[600:], file("srv/huge", 500_000))]
    a = analyze(str(write_docker_archive(tmp_path / "i.tar", tars)))
    tree = filesystem_tree(a.merged, max_nodes=50)

    def nodes(node):
        return 1 + sum(nodes(c) for c in node.get("children", ()))

    def leaves_bytes(node):
        return node["bytes"] if "children" not in node else sum(leaves_bytes(c) for c in node["children"])

    assert nodes(tree) <= 50
    assert tree["bytes"] == leaves_bytes(tree) == a.final_bytes
    srv = tree["children"][0]
    assert srv["children"][0] == {"name": "huge", "bytes": 500_000, "files": 1, "layer": 2}
    assert srv["layer"] == 2 and tree["files"] == 1201


def test_compare_and_context_join_the_report(tmp_path, capsys):
    import jsonschema

    from tests.test_report_document import SCHEMA_PATH

    before = waste_image(tmp_path)
    after = str(write_docker_archive(tmp_path / "after.tar", [layer_tar(file("opt/sdk/bin/sdk", 4000, 0o755))]))
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "big.log").write_bytes(b"z" * 3000)
    (ctx / ".dockerignore").write_text("*.log\n")
    main(["image", before, "--compare", after, "--context", str(ctx), "--format", "json", "--fail-level", "none"])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.load(open(SCHEMA_PATH)))
    assert doc["image"]["compare"]["total_bytes"] == 4000
    assert doc["image"]["compare"]["layers"][0]["total_bytes"] == 4000
    assert (doc["context"]["excluded_files"], doc["context"]["excluded_bytes"]) == (1, 3000)
    assert doc["files"] == [before, after]
    main(["image", before, "--compare", after, "--fail-level", "none"])
    section = capsys.readouterr().out.split(f"compared with {after}\n")[1].split("\n\n")[0].splitlines()
    assert section[1:3] == ["  total              3.1 MiB       3.9 KiB      -3.1 MiB",
                            "  final              3.9 KiB       3.9 KiB         -15 B"]


def test_layer_listing_is_text_only(tmp_path, capsys):
    assert main(["image", waste_image(tmp_path), "--layer", "1", "--format", "json"]) == 2
    assert "--layer lists a layer's entries in the text report" in capsys.readouterr().err


def test_unreadable_image_still_writes_a_page_naming_the_error(tmp_path, capsys):
    (tmp_path / "bad.tar").write_bytes(b"not a tar")
    out = tmp_path / "r.html"
    assert main(["image", str(tmp_path / "bad.tar"), "--format", "html", "-o", str(out)]) == 2
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "bad.tar: error:" in page


def test_tree_counts_a_hard_linked_file_once_at_its_first_path(tmp_path):
    from dockwise.image.tree import filesystem_tree
    from tests.support.image_kit import hardlink

    tars = [layer_tar(file("a/data", 9000), hardlink("z/data", "a/data"))]
    tree = filesystem_tree(analyze(str(write_docker_archive(tmp_path / "i.tar", tars))).merged)
    assert tree["bytes"] == 9000
    assert [(c["name"], c["bytes"]) for c in tree["children"]] == [("a", 9000)]  # z holds no new bytes
