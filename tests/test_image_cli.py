"""`dockwise image` options and rules on hand-made images: platforms, formats, outputs, rules."""

from __future__ import annotations

import json
import time

import pytest

from dockwise.cli import main
from dockwise.image.analyze import analyze
from dockwise.engine.image import check_image
from dockwise.image.rules.base import ImageOptions
from tests.support.image_kit import (
    config_for, directory, file, hardlink, layer_tar, sha, whiteout, write_oci_layout,
)


def two_platform_layout(tmp_path):
    """One OCI layout whose index holds a linux/amd64 and a linux/arm64/v8 image."""
    amd = write_oci_layout(tmp_path / "amd", [layer_tar(file("amd", 100))])
    arm_tars = [layer_tar(file("arm", 200)), layer_tar(file("arm2", 50))]
    arm = write_oci_layout(tmp_path / "layout", arm_tars,
                           config=config_for(arm_tars, architecture="arm64", variant="v8"))
    for blob in (amd / "blobs" / "sha256").iterdir():
        (arm / "blobs" / "sha256" / blob.name).write_bytes(blob.read_bytes())
    amd_desc = json.loads((amd / "index.json").read_text())["manifests"][0]
    arm_desc = json.loads((arm / "index.json").read_text())["manifests"][0]
    amd_desc["platform"] = {"os": "linux", "architecture": "amd64"}
    arm_desc["platform"] = {"os": "linux", "architecture": "arm64", "variant": "v8"}
    (arm / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [amd_desc, arm_desc]}))
    return arm


@pytest.mark.parametrize("platform,total", [("linux/arm64", 250), ("linux/arm64/v8", 250), ("linux/amd64", 100)])
def test_platform_is_picked_from_an_index(tmp_path, platform, total):
    a = analyze(str(two_platform_layout(tmp_path)), platform=platform)
    assert a.total_bytes == total


def test_default_platform_is_this_machines(tmp_path, monkeypatch):
    import dockwise.image.source as source

    layout = two_platform_layout(tmp_path)
    monkeypatch.setattr(source, "machine_platform", lambda: "linux/arm64")
    assert analyze(str(layout)).total_bytes == 250
    monkeypatch.setattr(source, "machine_platform", lambda: "linux/s390x")
    with pytest.raises(Exception, match="several platforms.*--platform.*linux/amd64, linux/arm64/v8"):
        analyze(str(layout))


def test_unknown_platform_is_an_error(tmp_path, capsys):
    assert main(["image", str(two_platform_layout(tmp_path)), "--platform", "windows/amd64"]) == 2
    err = capsys.readouterr().err
    assert "no image for platform windows/amd64" in err and "linux/arm64/v8" in err


def test_output_file_and_sarif(tmp_path, capsys):
    layout = write_oci_layout(tmp_path / "l", [layer_tar(file("app/.env", b"TOKEN=abc123secret\n"))])
    out = tmp_path / "report.sarif"
    assert main(["image", str(layout), "--format", "sarif", "-o", str(out)]) == 1
    assert capsys.readouterr().out == ""
    sarif = json.loads(out.read_text())
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"DI001", "DI007"}
    assert "abc123secret" not in out.read_text()


def test_bad_gate_values_are_usage_errors(tmp_path, capsys):
    for args in (["--max-size", "lots"], ["--min-efficiency", "1.5"], ["--max-reclaimable", "12 parsecs"]):
        with pytest.raises(SystemExit) as exc:
            main(["image", "x", *args])
        assert exc.value.code == 2
    assert "not a size" in capsys.readouterr().err


def test_text_without_dockerfile_shows_created_by(tmp_path, capsys):
    tars = [layer_tar(file("a", 10)), layer_tar(file("tmp", 5000)), layer_tar(whiteout("tmp"))]
    config = config_for(tars, history=[
        {"created_by": "/bin/sh -c #(nop) ADD file:abc in /"},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": True},
        {"created_by": "RUN /bin/sh -c wget big # buildkit"},
        {"created_by": "RUN /bin/sh -c rm tmp # buildkit"}])
    layout = write_oci_layout(tmp_path / "l", tars, config=config)
    assert main(["image", str(layout), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "reclaimable  4.9 KiB (5000 bytes)" in out
    assert "RUN /bin/sh -c rm tmp # buildkit" in out
    assert "efficiency   0.20%" in out


def rule_findings(tmp_path, tars, **options):
    a = analyze(str(write_oci_layout(tmp_path / "l", tars)))
    return check_image(a, ImageOptions(**options))


def test_secrets_in_deleted_layers_are_still_reported(tmp_path):
    key = b"-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n"
    found = rule_findings(tmp_path, [
        layer_tar(file("root/.ssh/id_ed25519", 100), file("srv/tls.key", key), file("srv/cert.pem", b"-----BEGIN CERTIFICATE-----\n"),
                  file("app/.env.example", 10), file("app/.env.production", 10), file("root/.aws/credentials", 10),
                  directory("app/.git"), file("app/.git/config", 10), file("app/.git/HEAD", 10)),
        layer_tar(whiteout("srv/tls.key")),
    ])
    secrets = {(f.extra["path"], f.extra["layer"]) for f in found if f.code == "DI007"}
    assert secrets == {("/root/.ssh/id_ed25519", 1), ("/srv/tls.key", 1), ("/app/.env.production", 1),
                       ("/root/.aws/credentials", 1), ("/app/.git", 1)}
    deleted = next(f for f in found if f.code == "DI007" and f.extra["path"] == "/srv/tls.key")
    assert "deleted later" in deleted.message and "MIIE" not in deleted.message


def test_package_caches_and_build_tools(tmp_path):
    found = rule_findings(tmp_path, [
        layer_tar(file("var/lib/apt/lists/lock", 0), file("var/lib/apt/lists/x_Packages", 4000),
                  file("root/.cache/pip/http/abc", 3000), file("home/app/.npm/_cacache/index", 100),
                  file("usr/bin/gcc-12", 900, mode=0o755), file("usr/bin/make", 300, mode=0o755),
                  file("usr/share/doc/make", 10), *[file(f"usr/include/h{i}.h", 10) for i in range(25)]),
    ])
    caches = {f.extra["path"]: f.extra["bytes"] for f in found if f.code == "DI005"}
    assert caches == {"/var/lib/apt/lists": 4000, "/root/.cache/pip": 3000, "/home/app/.npm/_cacache": 100}
    tools = {f.extra["tool"] for f in found if f.code == "DI004"}
    assert tools == {"gcc", "make", "headers"}


def test_hidden_content_threshold_and_size_budget(tmp_path):
    tars = [layer_tar(file("big", 3000), file("small", 10)), layer_tar(whiteout("big"))]
    found = rule_findings(tmp_path, tars, hidden_threshold=2000, max_size=100)
    hidden = [f for f in found if f.code == "DI006"]
    assert len(hidden) == 1 and hidden[0].extra["layer"] == 1 and hidden[0].extra["hidden_by"] == [2]
    budget = [f for f in found if f.code == "DI010"]
    assert len(budget) == 1 and "3010 bytes" in budget[0].message
    quiet = rule_findings(tmp_path / "q", tars, hidden_threshold=4000, max_size=3010)
    assert not [f for f in quiet if f.code in ("DI006", "DI010")]


def test_setuid_and_shadow(tmp_path):
    found = rule_findings(tmp_path, [
        layer_tar(file("usr/bin/passwd", 10, mode=0o4755), file("usr/bin/wall", 10, mode=0o2755),
                  file("etc/shadow", b"root:*:19000::::::\nbob::19000::::::\nsvc:!:19000::::::\n")),
        layer_tar(hardlink("usr/bin/passwd2", "usr/bin/passwd")),
    ])
    setuid = {f.extra["path"]: f.extra["mode"] for f in found if f.code == "DI008"}
    assert setuid == {"/usr/bin/passwd": "4755", "/usr/bin/wall": "2755", "/usr/bin/passwd2": "4755"}
    assert [f.extra["account"] for f in found if f.code == "DI009"] == ["bob"]


@pytest.mark.parametrize("config,codes", [
    ({"User": "", "Cmd": ["/bin/sh", "-c", "run"]}, {"DI001", "DI002", "DI003"}),
    ({"User": "0:0", "Entrypoint": ["/bin/bash", "-c", "x"], "Healthcheck": {"Test": ["NONE"]}},
     {"DI001", "DI002", "DI003"}),
    ({"User": "app", "Cmd": ["python", "app.py"], "Healthcheck": {"Test": ["CMD", "true"]}}, set()),
    ({"User": "1000", "Entrypoint": ["tini", "--"], "Cmd": ["/bin/sh", "-c", "x"],
      "Healthcheck": {"Test": ["CMD-SHELL", "true"]}}, set()),
])
def test_config_rules(tmp_path, config, codes):
    tars = [layer_tar(file("a", 1))]
    a = analyze(str(write_oci_layout(tmp_path / "l", tars, config=config_for(tars, **config))))
    assert {f.code for f in check_image(a)} == codes


def test_catalog_lists_image_rules():
    from dockwise.catalog import all_rules

    codes = [r.info.code for r in all_rules() if r.info.code.startswith("DI")]
    assert codes == [f"DI{n:03d}" for n in range(1, 11)]


def test_digest_reported_is_the_config_digest(tmp_path, capsys):
    tars = [layer_tar(file("a", 1))]
    config = config_for(tars)
    layout = write_oci_layout(tmp_path / "l", tars, config=config)
    main(["image", str(layout), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["image"]["digest"] == sha(json.dumps(config).encode())


def test_progress_bar_on_a_terminal_leaves_stdout_alone(tmp_path, capsys, monkeypatch):
    tars = [layer_tar(file("a", 1000)), layer_tar(directory("d"), file("d/b", 500))]
    layout = str(write_oci_layout(tmp_path / "l", tars))
    assert main(["image", layout, "--format", "json", "--no-progress"]) == 0
    plain = capsys.readouterr().out
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["image", layout, "--format", "json", "--jobs", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out == plain
    assert "reading layers" in terminal.getvalue()
    assert json.loads(plain)["image"]["layers"][1]["uncompressed_bytes"] == len(tars[1])


def test_text_lists_largest_directories(tmp_path, capsys):
    tars = [layer_tar(file("srv/app/big", 3000), file("srv/small", 10), file("etc/x", 100))]
    assert main(["image", str(write_oci_layout(tmp_path / "l", tars))]) == 0  # warnings only
    out = capsys.readouterr().out
    section = out.split("largest directories\n", 1)[1]
    # /srv is all /srv/app: the chain is listed once, at its deepest useful directory
    assert section.splitlines()[:2] == ["     2.9 KiB  /srv/app", "       100 B  /etc"]


@pytest.mark.parametrize("created_by,keyword", [
    ("/bin/sh -c #(nop) COPY file:ab12 in /app ", "COPY"),
    ("/bin/sh -c #(nop)  CMD [\"sh\"]", "CMD"),
    ("|1 VERSION=1 /bin/sh -c make", "RUN"),
    ("/bin/sh -c apt-get update", "RUN"),
    ("RUN /bin/sh -c pip install . # buildkit", "RUN"),
    ("COPY . /src # buildkit", "COPY"),
    ("ENV PATH=/venv/bin:/usr/bin", "ENV"),
    ("WORKDIR /app", "WORKDIR"),
])
def test_history_keywords(created_by, keyword):
    from dockwise.image.align import created_by_keyword

    assert created_by_keyword(created_by) == keyword


def test_buildkit_history_aligns_to_lines(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.12-slim AS deps\nRUN pip install flask\n\n"
                          "FROM deps\nWORKDIR /app\nCOPY . .\nENV X=1\nRUN python -m compileall .\n"
                          "CMD [\"python\", \"app.py\"]\n")
    tars = [layer_tar(file(f"l{i}", 10 * (i + 1))) for i in range(6)]
    history = [
        {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": True},
        {"created_by": "/bin/sh -c apt-get update && rm -rf /var/lib/apt/lists/*"},
        {"created_by": "RUN /bin/sh -c pip install flask # buildkit"},
        {"created_by": "WORKDIR /app", "comment": "buildkit.dockerfile.v0"},
        {"created_by": "COPY . . # buildkit"},
        {"created_by": "ENV X=1", "empty_layer": True},
        {"created_by": "RUN /bin/sh -c python -m compileall . # buildkit"},
        {"created_by": "CMD [\"python\", \"app.py\"]", "empty_layer": True},
    ]
    layout = write_oci_layout(tmp_path / "l", tars, config=config_for(tars, history=history))
    a = analyze(str(layout), dockerfile=str(dockerfile))
    assert [a.dockerfile_line(layer) for layer in a.layers] == [1, 1, 2, 5, 6, 8]
    assert [layer.base for layer in a.layers] == [True, True, False, False, False, False]


def test_warns_when_the_dockerfile_did_not_build_the_image(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine\nRUN apk add curl\nCOPY app /app\nRUN make\nCMD [\"/app\"]\n")
    tars = [layer_tar(file("a", 1)), layer_tar(file("b", 1))]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:x in /"}, {"created_by": "RUN /bin/sh -c make # buildkit"}]
    layout = write_oci_layout(tmp_path / "l", tars, config=config_for(tars, history=history))
    assert main(["image", str(layout), "--dockerfile", str(dockerfile), "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "2 RUN/COPY/ADD instruction(s) (line 2, 3) match no layer" in err
    dockerfile.write_text("FROM alpine\nRUN make\n")
    main(["image", str(layout), "--dockerfile", str(dockerfile), "--format", "json"])
    assert capsys.readouterr().err == ""


def test_stdin_from_a_terminal_is_an_error(capsys, monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    assert main(["image", "-"]) == 2
    assert "stdin is a terminal" in capsys.readouterr().err


def test_target_picks_the_stage_that_was_built(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine AS app\nCOPY . /app\nRUN build\n\nFROM app AS test\nRUN run-tests\n")
    tars = [layer_tar(file("base", 1)), layer_tar(file("app/x", 1)), layer_tar(file("out", 1))]
    history = [{"created_by": "ADD file:x in /"}, {"created_by": "COPY . /app # buildkit"},
               {"created_by": "RUN /bin/sh -c build # buildkit"}]
    layout = str(write_oci_layout(tmp_path / "l", tars, config=config_for(tars, history=history)))
    a = analyze(layout, dockerfile=str(dockerfile), target="app")
    assert [a.dockerfile_line(layer) for layer in a.layers] == [1, 2, 3]
    main(["image", layout, "--dockerfile", str(dockerfile), "--format", "json"])
    assert "line 6" in capsys.readouterr().err  # without --target: the last stage's RUN matches nothing


def test_buildkit_attestation_manifests_are_not_platforms(tmp_path, monkeypatch):
    import dockwise.image.source as source

    layout = two_platform_layout(tmp_path)
    index = json.loads((layout / "index.json").read_text())
    amd = index["manifests"][0]
    attestation = {**amd, "platform": {"os": "unknown", "architecture": "unknown"},
                   "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [amd, attestation]}))
    monkeypatch.setattr(source, "machine_platform", lambda: "linux/arm64")
    a = analyze(str(layout))
    assert a.total_bytes == 100 and a.source.platforms == ["linux/amd64"]


# --- -o never destroys an input; errors still give a document ---------------------------


def run_image(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["image", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    return code, out, err


def small_archive(tmp_path):
    from tests.support.image_kit import write_docker_archive

    return write_docker_archive(tmp_path / "app.tar", [layer_tar(file("a", 10))])


def test_output_that_is_the_image_is_refused(tmp_path, capsys):
    archive = small_archive(tmp_path)
    before = archive.read_bytes()
    (tmp_path / "link.tar").symlink_to(archive)
    for output in (str(archive), str(tmp_path / "." / "app.tar"), str(tmp_path / "link.tar")):
        code, out, err = run_image(capsys, str(archive), "-o", output)
        assert code == 2 and "is the image itself" in err and err.count("\n") == 1
    assert archive.read_bytes() == before


def test_output_inside_an_oci_layout_is_refused(tmp_path, capsys):
    layout = write_oci_layout(tmp_path / "layout", [layer_tar(file("a", 10))])
    before = sorted(p.name for p in layout.rglob("*"))
    for output in (layout / "report.json", layout / "blobs" / "sha256" / "x.json", layout):
        code, _, err = run_image(capsys, str(layout) + "/", "--format", "json", "-o", str(output))
        assert code == 2 and "-o" in err and str(output) in err
    assert sorted(p.name for p in layout.rglob("*")) == before


def test_output_that_is_the_dockerfile_is_refused(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine\n")
    code, _, err = run_image(capsys, str(small_archive(tmp_path)), "--dockerfile", str(dockerfile),
                             "-o", str(dockerfile))
    assert code == 2 and "is the Dockerfile itself" in err
    assert dockerfile.read_text() == "FROM alpine\n"


@pytest.mark.parametrize("where,message", [
    ("nodir/x.json", "directory does not exist"),
    ("adir", "is a directory"),
])
def test_output_that_cannot_be_written_is_one_clear_line(tmp_path, capsys, where, message):
    (tmp_path / "adir").mkdir()
    code, _, err = run_image(capsys, str(small_archive(tmp_path)), "-o", str(tmp_path / where))
    assert code == 2 and message in err and err.count("\n") == 1
    assert (tmp_path / "adir").is_dir()


def broken_layout(tmp_path):
    """An OCI layout whose second layer blob is gone."""
    import gzip

    tars = [layer_tar(file("a", 1)), layer_tar(file("b", 2))]
    layout = write_oci_layout(tmp_path / "l", tars)
    digest = sha(gzip.compress(tars[1], compresslevel=1, mtime=0))
    (layout / "blobs" / "sha256" / digest.split(":")[1]).unlink()
    return layout


def test_unreadable_image_still_prints_a_json_document(tmp_path, capsys):
    code, out, err = run_image(capsys, str(broken_layout(tmp_path)), "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["image"] is None and doc["findings"] == []
    assert len(doc["errors"]) == 1 and "missing blob" in doc["errors"][0] and "layer 2" in doc["errors"][0]
    assert "missing blob" in err and err.count("\n") == 1


def test_unreadable_image_still_writes_a_valid_sarif_file(tmp_path, capsys, sarif_schema):
    import jsonschema

    out_file = tmp_path / "dockwise.sarif"
    code, out, err = run_image(capsys, str(broken_layout(tmp_path)), "--format", "sarif", "-o", str(out_file))
    assert code == 2 and out == "" and "missing blob" in err
    doc = json.loads(out_file.read_text())
    jsonschema.validate(doc, sarif_schema)
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == 1 and notes[0]["level"] == "error" and "missing blob" in notes[0]["message"]["text"]
    assert doc["runs"][0]["results"] == []


def test_json_document_lists_no_errors_when_the_image_is_read(tmp_path, capsys):
    code, out, _ = run_image(capsys, str(small_archive(tmp_path)), "--format", "json")
    assert code in (0, 1) and json.loads(out)["errors"] == []


def test_target_that_is_no_stage_is_an_error(tmp_path, capsys):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine AS build\nRUN make\nFROM build AS final\n")
    archive = str(small_archive(tmp_path))
    code, out, err = run_image(capsys, archive, "--dockerfile", str(dockerfile), "--target", "nope")
    assert code == 2 and out == ""
    assert "no stage named 'nope'" in err and "build, final" in err and err.count("\n") == 1
    code, out, err = run_image(capsys, archive, "--dockerfile", str(dockerfile), "--target", "nope",
                               "--format", "json")
    assert code == 2 and "no stage named 'nope'" in json.loads(out)["errors"][0]
    assert main(["image", archive, "--dockerfile", str(dockerfile), "--target", "BUILD"]) in (0, 1)


def test_target_without_dockerfile_is_a_usage_error(tmp_path, capsys):
    code, out, err = run_image(capsys, str(small_archive(tmp_path)), "--target", "build")
    assert code == 2 and out == "" and "--target" in err and "--dockerfile" in err


# --- names and history from the image cannot drive the terminal --------------------------


def hostile_names_layout(tmp_path):
    tars = [layer_tar(file("evil\x1b]0;pwned\x07\nfake line", 10)),
            layer_tar(file("usr/bin/su\x1b[2J", 10, mode=0o4755))]
    config = config_for(tars, history=[{"created_by": "/bin/sh -c echo \x1b[2J\x1b]0;title\x07"},
                                       {"created_by": "RUN \x9b31m # buildkit"}])
    return write_oci_layout(tmp_path / "l", tars, config=config)


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_control_characters_are_escaped_in_text_output(tmp_path, capsys, fmt):
    code, out, err = run_image(capsys, str(hostile_names_layout(tmp_path)), "--format", fmt, "--top", "5")
    assert code in (0, 1)
    for raw in ("\x1b", "\x07", "\x9b", "fake line\n"):
        assert raw not in out
    assert r"/usr/bin/su\x1b[2J" in out  # in the DI008 finding
    if fmt == "text":
        assert '"/evil\\x1b]0;pwned\\x07\\nfake line"  (layer 1)' in out
        assert r"echo \x1b[2J\x1b]0;title\x07" in out and r"\x9b31m" in out
        assert not any(line.startswith("fake line") for line in out.splitlines())


def test_json_keeps_names_and_history_exact(tmp_path, capsys):
    code, out, _ = run_image(capsys, str(hostile_names_layout(tmp_path)), "--format", "json")
    doc = json.loads(out)
    assert "/evil\x1b]0;pwned\x07\nfake line" in {f["path"] for f in doc["image"]["largest_files"]}
    assert doc["image"]["layers"][0]["created_by"] == "/bin/sh -c echo \x1b[2J\x1b]0;title\x07"
    assert "\x1b" not in out  # JSON escapes it


def test_names_that_are_not_utf8_are_printed_and_kept(tmp_path, capsys):
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        info = tarfile.TarInfo("caf\udce9")  # the byte 0xe9: Latin-1, not UTF-8
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    layout = str(write_oci_layout(tmp_path / "l", [buf.getvalue()]))
    code, out, _ = run_image(capsys, layout)
    assert code in (0, 1) and r'"/caf\xe9"' in out
    report = tmp_path / "r.json"
    code, _, _ = run_image(capsys, layout, "--format", "json", "-o", str(report))
    assert code in (0, 1)
    assert json.loads(report.read_text(encoding="utf-8"))["image"]["largest_files"][0]["path"] == "/caf\udce9"


# -- .dive-ci that is hostile or wrong ---------------------------------------------------------

YAML_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi"))


def _image(tmp_path) -> str:
    return str(write_oci_layout(tmp_path / "layout", [layer_tar(file("ok", 10))]))


@pytest.mark.parametrize("text,message", [
    (YAML_BOMB + "rules:\n  lowestEfficiency: *i\n", "lowestEfficiency"),
    (YAML_BOMB + "rules:\n  highestWastedBytes: *i\n", "highestWastedBytes"),
    ("rules:\n  highestUserWastedPercent: true\n", "highestUserWastedPercent"),
    ("rules: [1\n", "not valid YAML (line 2)"),
    ("rules:\n  lowestEfficiency: " + "[" * 5000 + "\n", "not valid YAML"),
    ("- rules\n", "mapping"),
    ("rules: 5\n", "rules"),
])
def test_a_bad_dive_ci_is_one_line_naming_file_and_key(tmp_path, capsys, text, message):
    (tmp_path / ".dive-ci").write_text(text)
    started = time.monotonic()
    code = main(["image", _image(tmp_path), "--ci-config", str(tmp_path / ".dive-ci")])
    err = capsys.readouterr().err
    assert time.monotonic() - started < 10
    assert code == 2 and message in err and ".dive-ci" in err
    assert err.count("\n") == 1 and "\\n" not in err and "Traceback" not in err
