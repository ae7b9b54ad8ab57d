"""Real images built with buildah (one layer per instruction), read in their three export forms.

Every expected figure is computed here from the files the Dockerfile puts in; the final
filesystem is compared with buildah's own mount of the image.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockwise.cli import main
from dockwise.image.analyze import analyze

pytestmark = pytest.mark.buildah

SECRET = "hunter2-do-not-print-me"
PAYLOAD = 12345
DOWNLOAD = 40_000
CACHE_BLOB = 7_000
APT_LIST = 3_000
BASE_FILE = 5_000
SHADOW = "root::19000:0:99999:7:::\n"
GCC = "#!/bin/sh\necho fake\n"
KEY = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}\n-----END OPENSSH PRIVATE KEY-----\n"

BASE_DOCKERFILE = """\
FROM {busybox}
RUN mkdir -p /opt/base && dd if=/dev/zero of=/opt/base/file bs=1000 count=5
"""

APP_DOCKERFILE = """\
# a multi-stage build on a base image of several layers
FROM {base} AS build
RUN echo built > /artifact && dd if=/dev/zero of=/junk bs=1000 count=3

FROM {base}
ARG VERSION=1
ENV APP_HOME=/app
LABEL org.example.team=dockwise
COPY --from=build /artifact /app/artifact
COPY payload.bin /app/payload.bin
COPY src /src
RUN dd if=/dev/zero of=/tmp/download bs=1000 count=40
RUN rm /tmp/download
RUN echo -n new > /app/payload.bin
RUN mkdir -p /data/cache && dd if=/dev/zero of=/data/cache/blob bs=1000 count=7 && echo -n hi > /data/keep
RUN rm -rf /data/cache
RUN echo -n 0123456789 > /hl-a && ln /hl-a /hl-b
RUN mkdir -p /var/lib/apt/lists /usr/local/bin /usr/bin && dd if=/dev/zero of=/var/lib/apt/lists/deb_Packages bs=1000 count=3
RUN echo -n su > /usr/local/bin/su && chmod 4755 /usr/local/bin/su
RUN printf 'root::19000:0:99999:7:::\\n' > /etc/shadow && printf '#!/bin/sh\\necho fake\\n' > /usr/bin/gcc && chmod 755 /usr/bin/gcc
USER root
CMD echo hi
"""

SRC_FILES = {
    "main.py": b"print('hello')\n" * 10,
    ".env": f"TOKEN={SECRET}\n".encode(),
    "deploy.pem": KEY.encode(),
    ".git/HEAD": b"ref: refs/heads/main\n",
    ".git/config": b"[core]\n\tbare = false\n",
}


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(needle):
            return number
    raise AssertionError(needle)


@pytest.fixture(scope="module")
def built(buildah, tmp_path_factory):
    """The app image exported three ways, plus what the test knows about it."""
    root = tmp_path_factory.mktemp("image-build")
    base_ctx = root / "base"
    base_ctx.mkdir()
    (base_ctx / "Dockerfile").write_text(BASE_DOCKERFILE.format(busybox=buildah.base_image()))
    base = buildah.build(base_ctx, "dw-base")

    ctx = root / "app"
    (ctx / "src").mkdir(parents=True)
    for name, data in SRC_FILES.items():
        (ctx / "src" / name).parent.mkdir(parents=True, exist_ok=True)
        (ctx / "src" / name).write_bytes(data)
    (ctx / "payload.bin").write_bytes(os.urandom(PAYLOAD))
    dockerfile = ctx / "Dockerfile"
    dockerfile.write_text(APP_DOCKERFILE.format(base=base))
    image = buildah.build(ctx, "dw-app")
    exports = {
        "docker-archive": buildah.export(image, "docker-archive", root / "app-docker.tar"),
        "oci-archive": buildah.export(image, "oci-archive", root / "app-oci.tar"),
        "oci-dir": buildah.export(image, "oci-dir", root / "app-oci"),
    }
    busybox = os.path.getsize(os.path.realpath("/bin/busybox" if os.path.exists("/bin/busybox")
                                               else "/usr/bin/busybox"))
    src_bytes = sum(len(d) for d in SRC_FILES.values())
    final = (busybox + BASE_FILE + len(b"built\n") + 3 + src_bytes + 2 + 10 + APT_LIST + 2
             + len(SHADOW) + len(GCC))
    total = final + PAYLOAD + DOWNLOAD + CACHE_BLOB
    return {"exports": exports, "dockerfile": dockerfile, "files": buildah.files(image),
            "final": final, "total": total, "text": dockerfile.read_text(), "busybox": busybox}


@pytest.mark.parametrize("form", ["docker-archive", "oci-archive", "oci-dir"])
def test_figures_match_what_the_build_put_in(built, form):
    a = analyze(str(built["exports"][form]))
    assert a.source.kind == form
    assert a.total_bytes == built["total"]
    assert a.final_bytes == built["final"]
    assert a.reclaimable_bytes == PAYLOAD + DOWNLOAD + CACHE_BLOB
    assert a.efficiency == pytest.approx(built["final"] / built["total"])
    paths = sorted(path for path, _ in a.merged.walk())
    assert paths == built["files"]  # the merged filesystem is buildah's own, path for path


def test_three_export_forms_give_the_same_numbers(built):
    def figures(form):
        a = analyze(str(built["exports"][form]))
        return (a.total_bytes, a.final_bytes, a.reclaimable_bytes,
                [(l.stats.total_bytes, l.stats.reclaimable_bytes, l.stats.hidden_bytes, l.diff_id,
                  l.created_by) for l in a.layers],
                [(f.path, f.size) for f in a.largest_files(20)])
    docker, oci, layout = (figures(f) for f in ("docker-archive", "oci-archive", "oci-dir"))
    assert docker == oci == layout
    plain, packed = (analyze(str(built["exports"][f])).layers for f in ("docker-archive", "oci-dir"))
    assert [l.tar_bytes for l in plain] == [l.tar_bytes for l in packed] == [l.compressed_bytes for l in plain]
    blobs = built["exports"]["oci-dir"] / "blobs" / "sha256"
    assert [l.compressed_bytes for l in packed] == [(blobs / l.digest.split(":")[1]).stat().st_size for l in packed]
    assert all(l.compression == "gzip" for l in packed) and all(l.compression == "none" for l in plain)


def test_layers_align_to_dockerfile_lines(built):
    text = built["text"]
    a = analyze(str(built["exports"]["oci-archive"]), dockerfile=str(built["dockerfile"]))
    base_layers = [l for l in a.layers if l.base]
    assert len(base_layers) == 2  # busybox + the base image's own RUN
    final_from = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("FROM")][-1]
    assert all(a.dockerfile_line(l) == final_from for l in base_layers)
    expected = [line_of(text, needle) for needle in (
        "COPY --from=build", "COPY payload.bin", "COPY src", "RUN dd if=/dev/zero of=/tmp/download",
        "RUN rm /tmp/download", "RUN echo -n new", "RUN mkdir -p /data/cache", "RUN rm -rf /data/cache",
        "RUN echo -n 0123456789", "RUN mkdir -p /var/lib/apt", "RUN echo -n su", "RUN printf")]
    assert [a.dockerfile_line(l) for l in a.layers if not l.base] == expected
    by_line = {a.dockerfile_line(l): l for l in a.layers}
    download = by_line[line_of(text, "RUN dd if=/dev/zero of=/tmp/download")]
    assert (download.stats.total_bytes, download.stats.reclaimable_bytes) == (DOWNLOAD, DOWNLOAD)
    assert by_line[line_of(text, "RUN rm /tmp/download")].stats.hidden_bytes == DOWNLOAD
    assert by_line[line_of(text, "RUN echo -n new")].stats.hidden_bytes == PAYLOAD
    assert by_line[line_of(text, "RUN rm -rf /data/cache")].stats.hidden_bytes == CACHE_BLOB
    changes = {needle: (lambda st: (st.added, st.changed, st.removed))(by_line[line_of(text, needle)].stats)
               for needle in ("COPY src", "RUN rm /tmp/download", "RUN echo -n new", "RUN rm -rf /data/cache")}
    assert changes["COPY src"] == (len(SRC_FILES), 0, 0)
    assert changes["RUN rm /tmp/download"] == (0, 0, 1)
    assert changes["RUN echo -n new"] == (0, 1, 0)
    assert changes["RUN rm -rf /data/cache"] == (0, 0, 1)
    hard_links = by_line[line_of(text, "RUN echo -n 0123456789")]
    assert hard_links.stats.total_bytes == 10 and hard_links.stats.files == 2


def test_findings_point_at_dockerfile_lines(built, capsys):
    text = built["text"]
    code = main(["image", str(built["exports"]["docker-archive"]), "--dockerfile", str(built["dockerfile"]),
                 "--format", "json", "--hidden-threshold", "10KB", "--fail-level", "none"])
    out = capsys.readouterr().out
    assert code == 0
    assert SECRET not in out
    doc = json.loads(out)
    found = {(f["code"], f["line"], f["extra"].get("path")) for f in doc["findings"]}
    src_line = line_of(text, "COPY src")
    assert ("DI001", line_of(text, "USER root"), None) in found
    assert ("DI002", None, None) in {(c, l, p) for c, l, p in found if c == "DI002"}
    assert ("DI003", line_of(text, "CMD echo hi"), None) in found
    assert ("DI004", line_of(text, "RUN printf"), "/usr/bin/gcc") in found
    assert ("DI005", line_of(text, "RUN mkdir -p /var/lib/apt"), "/var/lib/apt/lists") in found
    assert ("DI006", line_of(text, "RUN dd if=/dev/zero of=/tmp/download"), None) in found
    assert ("DI006", line_of(text, "COPY payload.bin"), None) in found
    assert ("DI007", src_line, "/src/.env") in found
    assert ("DI007", src_line, "/src/deploy.pem") in found
    assert ("DI007", src_line, "/src/.git") in found
    assert ("DI008", line_of(text, "RUN echo -n su"), "/usr/local/bin/su") in found
    assert ("DI009", line_of(text, "RUN printf"), "/etc/shadow") in found
    layers = doc["image"]["layers"]
    assert [l["dockerfile_line"] for l in layers][-1] == line_of(text, "RUN printf")
    assert layers[-1]["instruction"].startswith("RUN printf 'root::19000")
    assert [l["base_image"] for l in layers][:3] == [True, True, False]
    assert doc["image"]["total_bytes"] == built["total"]


@pytest.mark.parametrize("fmt", ["text", "sarif", "github"])
def test_secrets_are_redacted_in_every_format(built, capsys, fmt):
    main(["image", str(built["exports"]["oci-dir"]), "--dockerfile", str(built["dockerfile"]),
          "--format", fmt])
    out = capsys.readouterr().out
    assert "DI007" in out and SECRET not in out


def test_text_report_shows_summary_table_and_largest_files(built, capsys):
    code = main(["image", str(built["exports"]["oci-dir"]), "--dockerfile", str(built["dockerfile"])])
    out = capsys.readouterr().out
    assert code == 1  # DI007/DI009 are errors
    text = built["text"]
    assert f"({built['total']} bytes in all layers)" in out
    assert f"line {line_of(text, 'RUN rm /tmp/download')}: RUN rm /tmp/download" in out
    assert "/bin/busybox  (layer 1)" in out


def test_ci_gates_and_dive_ci(built, capsys, tmp_path):
    image = str(built["exports"]["oci-archive"])
    args = ["image", image, "--fail-level", "none"]
    assert main(args) == 0
    assert main([*args, "--max-size", str(built["total"] - 1)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  max-size" in out and "DI010" in out
    assert main([*args, "--max-size", str(built["total"])]) == 0
    efficiency = built["final"] / built["total"]
    assert main([*args, "--min-efficiency", f"{efficiency + 0.001:.4f}"]) == 1
    assert main([*args, "--min-efficiency", f"{efficiency - 0.001:.4f}"]) == 0
    reclaimable = PAYLOAD + DOWNLOAD + CACHE_BLOB
    assert main([*args, "--max-reclaimable", str(reclaimable)]) == 0
    assert main([*args, "--max-reclaimable", str(reclaimable - 1)]) == 1
    assert main([*args, "--max-reclaimable", "1%"]) == 1
    assert main([*args, "--max-reclaimable", "50%"]) == 0
    capsys.readouterr()
    # dive's .dive-ci next to the Dockerfile
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(built["text"])
    (tmp_path / ".dive-ci").write_text("rules:\n  lowestEfficiency: 0.999\n  highestWastedBytes: disabled\n")
    assert main([*args, "--dockerfile", str(dockerfile)]) == 1
    assert "FAIL  min-efficiency" in capsys.readouterr().out
    # layers above the base: almost all they add is hidden later (the payload, download, cache)
    user_bytes = built["total"] - built["busybox"] - BASE_FILE
    user_wasted = (PAYLOAD + DOWNLOAD + CACHE_BLOB) / user_bytes
    (tmp_path / ".dive-ci").write_text("rules:\n  lowestEfficiency: 0.5\n  highestWastedBytes: 1MB\n"
                                       f"  highestUserWastedPercent: {user_wasted + 0.001:.4f}\n")
    assert main([*args, "--dockerfile", str(dockerfile)]) == 0
    out = capsys.readouterr().out
    assert "PASS  min-efficiency" in out and "PASS  max-reclaimable" in out and "PASS  max-user-wasted" in out
    (tmp_path / ".dive-ci").write_text(f"rules:\n  highestUserWastedPercent: {user_wasted - 0.001:.4f}\n")
    assert main([*args, "--dockerfile", str(dockerfile)]) == 1
    assert "FAIL  max-user-wasted" in capsys.readouterr().out


def test_stdin_reads_the_same_image(built):
    archive = built["exports"]["docker-archive"]
    with open(archive, "rb") as fh:
        proc = subprocess.run([sys.executable, "-m", "dockwise", "image", "-", "--format", "json",
                               "--fail-level", "none"], stdin=fh, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["image"]["total_bytes"] == built["total"]


def test_clean_image_has_no_config_findings(buildah, tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {buildah.base_image()}\nUSER 10001\nHEALTHCHECK CMD true\nCMD [\"sleep\", \"1\"]\n")
    image = buildah.build(tmp_path, "dw-clean", fmt="docker")
    archive = buildah.export(image, "docker-archive", tmp_path / "clean.tar")
    assert main(["image", str(archive), "--format", "json", "--fail-level", "info"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == []
    assert doc["image"]["efficiency"] == 1.0
