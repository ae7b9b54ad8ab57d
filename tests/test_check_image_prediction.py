"""`dockwise check --fix/--diff --image IMAGE`: the bytes each fix is predicted to remove, read
from the image of the current build.

The images are made in the test (tests/support/image_kit.py), with a history that names the
Dockerfile's instructions as BuildKit writes them, so every layer's bytes are known: the
figures the plan prints are checked against the sizes the test put in the layers.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dockwise.cli import main
from dockwise.units import human_bytes
from tests.support.image_kit import (config_for, directory, file, layer_tar, write_docker_archive,
                               write_oci_layout)

CASES_DIR = Path(__file__).parent / "cure_cases"

KiB = 1024
BASE = [file("usr/lib/python3.11/os.py", 700 * KiB), file("usr/bin/python3", 300 * KiB)]
CONTEXT = {"main.py": 15, "requirements.txt": 29, ".python-version": 5}
LOG = 150 * KiB  # app.log in the COPY layer: what the written .dockerignore keeps out
COMPILERS = [file("usr/lib/gcc/x86_64-linux-gnu/12/cc1", 2000 * KiB), file("usr/include/libpq-fe.h", 20 * KiB)]
APT_LISTS = [file("var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages", 400 * KiB)]
INSTALLED = [file("usr/local/lib/python3.11/site-packages/flask/app.py", 600 * KiB),
             file("usr/local/bin/flask", 2 * KiB)]
PIP_CACHE = [file("root/.cache/pip/http-v2/a/b/c", 900 * KiB)]


def _size(specs) -> int:
    return sum(len(spec[2]) for spec in specs)


def crime_layers() -> tuple[list[bytes], list[dict]]:
    """The crime project's image, as BuildKit would have built it: a one-layer base, then
    COPY . /app, the compilers' RUN, the pip RUN."""
    copied = [directory("app")] + [file(f"app/{name}", size) for name, size in CONTEXT.items()]
    copied.append(file("app/app.log", LOG))
    tars = [layer_tar(*BASE), layer_tar(*copied), layer_tar(*COMPILERS, *APT_LISTS),
            layer_tar(*INSTALLED, *PIP_CACHE)]
    history = [
        {"created_by": "/bin/sh -c #(nop) ADD file:4b03b5f551e3fbdf47ec609712007327 in / "},
        {"created_by": '/bin/sh -c #(nop)  CMD ["python3"]', "empty_layer": True},
        {"created_by": "WORKDIR /app", "empty_layer": True},
        {"created_by": "COPY . /app # buildkit"},
        {"created_by": "RUN /bin/sh -c apt-get update && apt-get install -y gcc build-essential libpq-dev # buildkit"},
        {"created_by": "RUN /bin/sh -c pip install -r requirements.txt # buildkit"},
        {"created_by": "EXPOSE map[8000/tcp:{}]", "empty_layer": True},
        {"created_by": 'CMD ["/bin/sh" "-c" "python main.py"]', "empty_layer": True},
    ]
    return tars, history


@pytest.fixture
def crime(tmp_path, monkeypatch):
    """The crime project (with a 150 KiB app.log) and its image as a docker-archive."""
    project = tmp_path / "crime"
    shutil.copytree(CASES_DIR / "crime" / "input", project)
    (project / "app.log").write_bytes(b"x" * LOG)
    tars, history = crime_layers()
    write_docker_archive(tmp_path / "crime.tar", tars, config=config_for(tars, history=history))
    monkeypatch.chdir(project)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return project


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _block(out: str, start: str) -> str:
    """The plan's lines from the one starting with ``start`` to the next numbered step."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    end = next((i for i in range(first + 1, len(lines)) if re.match(r"# ( \d+\.|\.dockerignore|predicted in all)", lines[i])),
               len(lines))
    return "\n".join(lines[first:end])


def test_the_plan_gives_the_bytes_each_transformation_removes(crime, capsys):
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "../crime.tar", "Dockerfile")
    assert code == 1, err
    total = _size(BASE) + sum(CONTEXT.values()) + LOG + _size(COMPILERS + APT_LISTS) + _size(INSTALLED + PIP_CACHE)
    assert out.startswith(f"# predicted from ../crime.tar, the image of the current build: {human_bytes(total)} "
                          "in 4 layers\n")
    split = _block(out, "#  1. split-build-runtime")
    # the compilers' layer leaves whole (apt lists included); of the pip layer, only its cache:
    # what pip installed comes back in the virtualenv
    build_tools = _size(COMPILERS + APT_LISTS)
    removed = build_tools + _size(PIP_CACHE)
    assert f"predicted: removes {human_bytes(removed)}, the layers of the lines that move to the builder" in split
    assert f"line 4 (`RUN apt-get update && apt-get install -y gcc build-essent...`), layer 3: " \
           f"{human_bytes(build_tools)}, apt package lists {human_bytes(_size(APT_LISTS))} among them" in split
    assert f"line 5 (`RUN pip install -r requirements.txt`), layer 4: {human_bytes(_size(PIP_CACHE))} " \
           f"(pip cache {human_bytes(_size(PIP_CACHE))}); the {human_bytes(_size(INSTALLED))} it wrote " \
           "come back in /opt/venv" in split
    # the slim base's own size is not in the image: named, not counted
    assert f"`python:latest`'s 1 layer ({human_bytes(_size(BASE))}) becomes `python:3.11-slim`'s, whose size " \
           "is not known offline: not counted" in split
    assert "adds libpq5" in split
    assert "predicted: ~0 B (adds a user and a group" in _block(out, "#  2. non-root")
    assert "predicted: adds tini (installed in the runtime stage; size not known offline" in _block(out, "#  3. pid1")
    ignore = _block(out, "# .dockerignore")
    assert ignore.splitlines()[0] == "# .dockerignore: 1 line added (**/*.log)"
    assert f"predicted: removes {human_bytes(LOG)}: 1 file the new lines keep out of the COPY/ADD layer of line 3" in ignore
    assert f"app.log ({human_bytes(LOG)}, /app/app.log)" in ignore
    everything = removed + LOG
    assert f"# predicted in all: removes {human_bytes(everything)} of {human_bytes(total)} " \
           f"({everything / total:.0%}); not counted: `python:3.11-slim` in place of `python:latest`'s " \
           f"{human_bytes(_size(BASE))}; what libpq5 adds; what tini adds" in out
    # all of it comes before the diffs: the output is still a patch
    assert out.index("# predicted in all") < out.index("--- a/Dockerfile") < out.index("--- a/.dockerignore")
    assert "Would fix" in err


def test_an_oci_layout_gives_the_same_figures(crime, capsys, tmp_path):
    tars, history = crime_layers()
    write_oci_layout(tmp_path / "layout", tars, config=config_for(tars, history=history))
    _, from_archive, _ = run(capsys, "--diff", "--unsafe-fixes", "--image", "../crime.tar", "Dockerfile")
    code, from_layout, err = run(capsys, "--diff", "--unsafe-fixes", "--image", str(tmp_path / "layout"), "Dockerfile")
    assert code == 1, err
    assert from_layout.split("\n", 1)[1] == from_archive.split("\n", 1)[1]  # all but the image's name


def test_safe_fixes_alone_predict_the_cache_they_drop_and_the_dockerignore(crime, capsys):
    code, out, err = run(capsys, "--diff", "--image", "../crime.tar", "Dockerfile")
    assert code == 1, err
    assert "transformations" not in out
    # `pip install --no-cache-dir` keeps the pip cache out of the install's layer, which stays
    assert f"# small fixes of the lines that stay:\n#     predicted: removes {human_bytes(_size(PIP_CACHE))}: " \
           "DL3042 on line 5, the pip cache of layer 4\n" in out
    assert f"removes {human_bytes(LOG)}: 1 file the new lines keep out" in out
    assert f"# predicted in all: removes {human_bytes(LOG + _size(PIP_CACHE))} of " in out


def test_fix_writes_and_prints_the_prediction(crime, capsys):
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "--image", "../crime.tar", "Dockerfile")
    assert code in (0, 1), err
    assert "# predicted in all: removes" in err
    assert "FROM python:3.11-slim" in (crime / "Dockerfile").read_text()
    assert "**/*.log" in (crime / ".dockerignore").read_text()


def test_an_image_another_dockerfile_built_is_refused_before_anything_is_written(crime, capsys):
    before = (crime / "Dockerfile").read_text()
    (crime / "Dockerfile").write_text(before.replace("RUN pip install -r requirements.txt",
                                                     "RUN pip install --no-deps -r requirements.txt"))
    edited = (crime / "Dockerfile").read_text()
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "--image", "../crime.tar", "Dockerfile")
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        "dockwise: error: --image ../crime.tar: not built from Dockerfile as it is now: line 5 (RUN) is not "
        "the command its history ran; rebuild the image from this Dockerfile (with the --target and "
        "--build-arg the build used)")
    assert (crime / "Dockerfile").read_text() == edited
    assert not (crime / ".dockerignore").exists()


def test_a_line_that_made_no_layer_of_the_image_is_named(crime, capsys):
    text = (crime / "Dockerfile").read_text().replace("EXPOSE 8000", "COPY main.py /srv/main.py\nEXPOSE 8000")
    (crime / "Dockerfile").write_text(text)
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "../crime.tar", "Dockerfile")
    assert code == 2 and out == ""
    assert "not built from Dockerfile as it is now: line 6 (COPY) made no layer of it" in err


def test_an_image_without_a_matching_history_is_refused(crime, capsys, tmp_path):
    tars, _ = crime_layers()
    write_docker_archive(tmp_path / "squashed.tar", tars)  # history: "step 0", "step 1", ...
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", str(tmp_path / "squashed.tar"), "Dockerfile")
    assert code == 2 and out == ""
    assert "not built from Dockerfile as it is now" in err


@pytest.mark.parametrize("content", [None, b"not a tar at all"])
def test_what_is_not_an_image_is_one_error(crime, capsys, tmp_path, content):
    path = tmp_path / "image.tar"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "--diff", "--image", str(path), "Dockerfile")
    assert code == 2 and out == ""
    assert err.startswith(f"dockwise: error: --image {path}: ")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (["--image", "x.tar", "Dockerfile"], "--image predicts what the fixes remove: give it with --fix or --diff"),
    (["--diff", "--image", "x.tar", "Dockerfile", "Dockerfile.dev"], "--image is the image of one Dockerfile's build"),
    (["--fix", "--verify", "--image", "x.tar", "Dockerfile"], "give one of them"),
    (["--diff", "--image", "x.tar", "-"], "--image needs the Dockerfile as a file, not on stdin"),
])
def test_usage_errors(crime, capsys, args, message):
    (crime / "Dockerfile.dev").write_text("FROM python:3.12-slim\n")
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err


def test_a_dockerignore_prediction_follows_copy_destinations(tmp_path, monkeypatch, capsys):
    """Files copied by a directory source and by a file source are traced back to their
    context paths: only those the new lines exclude count, at their size in the layer."""
    project = tmp_path / "p"
    (project / "src" / "logs").mkdir(parents=True)
    (project / "src" / "app.py").write_text("print(1)\n")
    (project / "src" / "logs" / "debug.log").write_bytes(b"x" * 3000)
    (project / "server.log").write_bytes(b"x" * 500)
    (project / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /srv\nCOPY src/ /opt/code\n"
                                        "COPY . ./\nUSER 10001\nCMD [\"python\", \"code/app.py\"]\n")
    tars = [layer_tar(*BASE), layer_tar(file("opt/code/app.py", 9), file("opt/code/logs/debug.log", 3000)),
            layer_tar(file("srv/Dockerfile", 99), file("srv/src/app.py", 9), file("srv/src/logs/debug.log", 3000),
                      file("srv/server.log", 500))]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:x in / "},
               {"created_by": "WORKDIR /srv", "empty_layer": True},
               {"created_by": "COPY src/ /opt/code # buildkit"},
               {"created_by": "COPY . ./ # buildkit"}]
    write_docker_archive(tmp_path / "p.tar", tars, config=config_for(tars, history=history))
    monkeypatch.chdir(project)
    code, out, err = run(capsys, "--diff", "--image", "../p.tar", "Dockerfile")
    assert code == 1, err
    assert "# .dockerignore: 1 line added (**/*.log)" in out
    assert f"predicted: removes {human_bytes(6500)}: 3 files the new lines keep out of the COPY/ADD layers " \
           "of line 3, line 4" in out
    for listed in (f"src/logs/debug.log ({human_bytes(3000)}, /opt/code/logs/debug.log)",
                   f"src/logs/debug.log ({human_bytes(3000)}, /srv/src/logs/debug.log)",
                   f"server.log ({human_bytes(500)}, /srv/server.log)"):
        assert listed in out
    assert "app.py" not in out.split("--- a/")[0]


def _case_with_image(case: str, tmp_path, monkeypatch, tars: list[bytes], history: list[dict]) -> Path:
    project = tmp_path / case
    shutil.copytree(CASES_DIR / case / "input", project)
    write_docker_archive(tmp_path / f"{case}.tar", tars, config=config_for(tars, history=history))
    monkeypatch.chdir(project)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return project


GO_BASE = [file("usr/local/go/bin/go", 900 * KiB), file("etc/ssl/certs/ca-certificates.crt", 200 * KiB)]
GO_MODULES = [file("root/go/pkg/mod/example.com/lib@v1.0.0/lib.go", 30 * KiB),
              file("root/go/pkg/mod/cache/download/example.com/lib/@v/v1.0.0.zip", 10 * KiB)]
GO_SOURCES = [file("src/go.mod", 40), file("src/go.sum", 60), file("src/cmd/server/main.go", 5 * KiB)]
GO_BINARY = [file("usr/local/bin/server", 400 * KiB)]
GO_BUILD_CACHE = [file("root/.cache/go-build/ab/abcdef-d", 700 * KiB)]


def test_a_go_split_onto_scratch_counts_the_base_and_keeps_the_binary(tmp_path, monkeypatch, capsys):
    tars = [layer_tar(*GO_BASE), layer_tar(directory("src")), layer_tar(*GO_SOURCES[:2]), layer_tar(*GO_MODULES),
            layer_tar(*GO_SOURCES), layer_tar(*GO_BINARY, *GO_BUILD_CACHE)]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:go in / "},
               {"created_by": "WORKDIR /src"},
               {"created_by": "COPY go.mod go.sum ./ # buildkit"},
               {"created_by": "RUN /bin/sh -c go mod download # buildkit"},
               {"created_by": "COPY . . # buildkit"},
               {"created_by": "RUN /bin/sh -c go build -o /usr/local/bin/server ./cmd/server # buildkit"},
               {"created_by": "EXPOSE map[8080/tcp:{}]", "empty_layer": True},
               {"created_by": 'CMD ["/usr/local/bin/server"]', "empty_layer": True}]
    _case_with_image("go-server", tmp_path, monkeypatch, tars, history)
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "../go-server.tar", "Dockerfile")
    assert code == 1, err
    split = _block(out, "#  1. split-build-runtime")
    # the sources, the module downloads and the build cache stay in the builder; the binary ships
    moved = _size(GO_SOURCES[:2]) + _size(GO_MODULES) + _size(GO_SOURCES) + _size(GO_BUILD_CACHE)
    assert f"predicted: removes {human_bytes(moved)}, the layers of the lines that move to the builder" in split
    assert f"the {human_bytes(_size(GO_BINARY))} it wrote come back in /etc/ssl/certs/ca-certificates.crt, " \
           "/usr/local/bin/server" in split
    # scratch has no layers: the base is counted, less the CA bundle copied from it
    base = _size(GO_BASE) - 200 * KiB
    assert f"predicted: removes {human_bytes(base)}, `golang:1.22`'s 1 layer ({human_bytes(_size(GO_BASE))}): " \
           f"`scratch` has none; the {human_bytes(200 * KiB)} of them copied from the builder come back" in split
    assert f"# predicted in all: removes {human_bytes(moved + base)} of " in out
    assert "not counted" not in out.split("# predicted in all")[1].split("\n")[0]


NODE_MODULES = [file("app/node_modules/react/index.js", 300 * KiB), file("app/node_modules/.bin/x", 1 * KiB)]
NPM_CACHE = [file("root/.npm/_cacache/content-v2/sha512/ab/cd", 500 * KiB)]
NODE_DIST = [file("app/dist/main.js", 120 * KiB)]


def test_a_node_split_counts_the_npm_cache_and_ships_node_modules(tmp_path, monkeypatch, capsys):
    (tmp_path / "debug.log").write_text("")  # keep the fixture folder tidy: the log goes in the project
    tars = [layer_tar(file("usr/local/bin/node", 800 * KiB)), layer_tar(directory("app")),
            layer_tar(file("app/package.json", 300), file("app/package-lock.json", 900),
                      file("app/src/index.js", 2 * KiB), file("app/npm-debug.log", 50 * KiB)),
            layer_tar(*NODE_MODULES, *NPM_CACHE), layer_tar(*NODE_DIST)]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:node in / "},
               {"created_by": "WORKDIR /app"},
               {"created_by": "COPY . . # buildkit"},
               {"created_by": "RUN /bin/sh -c npm ci # buildkit"},
               {"created_by": "RUN /bin/sh -c npm run build # buildkit"},
               {"created_by": "ENV NODE_ENV=production", "empty_layer": True},
               {"created_by": "EXPOSE map[3000/tcp:{}]", "empty_layer": True},
               {"created_by": 'CMD ["/bin/sh" "-c" "npm start"]', "empty_layer": True}]
    project = _case_with_image("node-build", tmp_path, monkeypatch, tars, history)
    (project / "npm-debug.log").write_bytes(b"x" * 50 * KiB)
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "../node-build.tar", "Dockerfile")
    assert code == 1, err
    split = _block(out, "#  1. split-build-runtime")
    # /app comes back from the builder whole: of the moved layers, only the npm cache is removed
    assert f"predicted: removes {human_bytes(_size(NPM_CACHE))}, the layers of the lines that move" in split
    assert f"npm cache {human_bytes(_size(NPM_CACHE))}" in split
    assert "`node:20`'s 1 layer" in split and "`node:20-slim`'s, whose size is not known offline" in split
    # the COPY moved to the builder, but /app ships: the log the .dockerignore excludes counts
    assert f"predicted: removes {human_bytes(50 * KiB)}: 1 file the new lines keep out of the COPY/ADD layer " \
           "of line 3" in out


def test_a_reordering_is_predicted_to_remove_nothing(tmp_path, monkeypatch, capsys):
    """The cache order moves the install before the code: the same layers, ~0 B."""
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\n"
                                  "RUN pip install --no-cache-dir -r requirements.txt\nUSER 10001\n"
                                  "CMD [\"python\", \"app.py\"]\n")
    Path("requirements.txt").write_text("six==1.16.0\n")
    Path("app.py").write_text("print(1)\n")
    tars = [layer_tar(*BASE), layer_tar(file("app/requirements.txt", 12), file("app/app.py", 9)),
            layer_tar(*INSTALLED)]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:x in / "},
               {"created_by": "WORKDIR /app", "empty_layer": True},
               {"created_by": "COPY . /app # buildkit"},
               {"created_by": "RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit"}]
    write_docker_archive(tmp_path / "image.tar", tars, config=config_for(tars, history=history))
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "image.tar", "Dockerfile")
    assert code == 1, err
    step = _block(out, "#  1. cache-order")
    assert "predicted: ~0 B (the same layers in another order" in step
    assert "# predicted in all: removes 0 B of " in out


def test_the_prediction_goes_with_the_diff_to_the_output_file(crime, capsys):
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "../crime.tar", "-o", "fixes.diff", "Dockerfile")
    assert code == 1, err
    assert out == ""
    written = (crime / "fixes.diff").read_text()
    assert written.startswith("# predicted from ../crime.tar")
    assert written.index("# predicted in all") < written.index("--- a/Dockerfile")


def test_a_base_swap_names_the_old_base_and_counts_nothing(tmp_path, monkeypatch, capsys):
    tars = [layer_tar(*BASE), layer_tar(file("usr/lib/gcc/cc1", 500 * KiB)), layer_tar(file("app/app.py", 9))]
    history = [{"created_by": "/bin/sh -c #(nop) ADD file:a in / "},
               {"created_by": "/bin/sh -c apt-get install -y gcc"},
               {"created_by": "WORKDIR /app", "empty_layer": True},
               {"created_by": "COPY app.py . # buildkit"},
               {"created_by": "USER 10001:10001", "empty_layer": True}]
    _case_with_image("base-only", tmp_path, monkeypatch, tars, history)
    code, out, err = run(capsys, "--diff", "--unsafe-fixes", "--image", "../base-only.tar", "Dockerfile")
    assert code == 1, err
    step = _block(out, "#  1. runtime-base")
    base = _size(BASE) + 500 * KiB
    assert f"predicted: `python:3.11`'s 2 layers ({human_bytes(base)}) become `python:3.11-slim`'s, whose size " \
           "is not known offline: not counted" in step
    assert f"# predicted in all: removes 0 B of {human_bytes(base + 9)} (0%); not counted: `python:3.11-slim` in " \
           f"place of `python:3.11`'s {human_bytes(base)}" in out
