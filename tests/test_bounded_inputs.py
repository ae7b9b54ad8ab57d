"""Inputs shaped to grow faster than the file stay within bounds: each finishes in a child
process under 300 MB (its own peak, VmHWM), with a clear finding or one error line, exit 2.

Every input is generated here, in the shape fuzzing found: values that double on each line,
thousands of ENV lines in one stage, a 50,000-line Dockerfile, a manifest.json repeating one
image, an image index nesting one child many times, a .dockerignore of 10,000 patterns.
Times are not asserted (CI machines are shared and slow); the subprocess timeout is generous.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import tarfile

import pytest

from dockwise.context.patterns import PatternMatcher
from dockwise.model.persistent import PersistentMap
from dockwise.model.values import ExpansionBudget
from dockwise.model import build_model
from dockwise.syntax import parse_dockerfile
from tests.support.image_kit import compress, config_for, file, layer_tar, sha, write_oci_layout

PEAK_LIMIT_KIB = 300 * 1024
PROBE = (
    "import sys\nfrom dockwise.cli import main\ncode = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "hwm = next(int(line.split()[1]) for line in open('/proc/self/status')\n"
    "           if line.startswith('VmHWM:'))\n"
    "print('PEAK', code, hwm, file=sys.stderr)\n"
)


def run_bounded(*args: str) -> tuple[int, str, str]:
    """``dockwise ARGS`` in a child process: (exit code, stdout, stderr without the probe line);
    fails when the child's peak memory passes the limit."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          timeout=60)
    lines = proc.stderr.splitlines()
    assert lines and lines[-1].startswith("PEAK"), proc.stderr[-2000:]
    _, code, peak_kib = lines[-1].split()
    assert int(peak_kib) < PEAK_LIMIT_KIB, f"peak {int(peak_kib) // 1024} MiB for {args}"
    err = "\n".join(lines[:-1])
    assert "Traceback" not in err
    return int(code), proc.stdout, err


# -- Dockerfiles ----------------------------------------------------------------------------

def doubling(keyword: str, lines: int = 30) -> str:
    body = [f"{keyword} A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(2, lines + 1)]
    return "\n".join(["FROM alpine:3.20", f"{keyword} A1=xx", *body, "RUN echo $A30"]) + "\n"


@pytest.mark.parametrize("keyword", ["ARG", "ENV"])
def test_values_that_double_on_each_line_stop_at_the_expansion_limit(tmp_path, keyword):
    path = tmp_path / "Dockerfile"
    path.write_text(doubling(keyword))
    code, out, err = run_bounded("check", "--no-context", "--format", "json", str(path))
    assert code == 1 and err == ""
    found = [f for f in json.loads(out)["findings"] if f["code"] == "DW908"]
    assert len(found) == 1  # reported once, on the first line refused
    assert found[0]["line"] > 10 and "8 MiB" in found[0]["message"]


def test_a_capped_value_is_unknown_and_the_values_built_on_it_too():
    model = build_model(parse_dockerfile(doubling("ARG"), path="Dockerfile"))
    state = model.stages[0].end_state
    capped = model.expansion_overflow
    assert capped is not None and capped.keyword == "ARG"
    name = capped.args[0].partition("=")[0]
    assert not state.args[name].known and state.args[name].error  # never a guess
    assert state.args["A10"].known and state.args["A10"].text == "xx" * 512
    assert state.args["A30"].text.startswith("${A29}") and not state.args["A30"].known
    assert model.expansion_budget.remaining < ExpansionBudget.TOTAL


def test_an_expansion_past_the_limit_outside_arg_and_env_is_reported_too(tmp_path):
    # the build stays within the budget; the LABEL, expanded by the rules, does not
    text = ("FROM alpine:3.20\nARG A=" + "x" * 4000 + "\nARG B=$A$A$A$A$A$A$A$A$A$A\n"
            "ARG C=$B$B$B$B$B$B$B$B$B$B\nLABEL big=" + "$C" * 40 + "\n")
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    code, out, _ = run_bounded("check", "--no-context", "--format", "json", str(path))
    found = [f for f in json.loads(out)["findings"] if f["code"] == "DW908"]
    assert code == 1 and len(found) == 1 and found[0]["line"] == 5


def test_a_shell_pattern_that_would_backtrack_for_hours_leaves_the_value_unknown(tmp_path):
    text = "FROM alpine:3.20\nARG A=" + "a" * 300 + "\nARG B=${A#*a*a*a*a*b}\nARG C=${A%a*}\n"
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    code, _, err = run_bounded("check", "--no-context", str(path))
    assert code in (0, 1) and err == ""
    state = build_model(parse_dockerfile(text, path="Dockerfile")).stages[0].end_state
    assert not state.args["B"].known and "too costly" in state.args["B"].error
    assert state.args["C"].known and state.args["C"].text == "a" * 299  # one star: still matched


def test_ten_thousand_env_lines_in_one_stage(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\n" + "".join(f"ENV A{i}=x\n" for i in range(10_000))
                    + "RUN echo $A9999\n")
    code, _, err = run_bounded("check", "--no-context", str(path))
    assert code in (0, 1) and err == ""


def fifty_thousand_lines() -> str:
    kinds = ["RUN echo {i} && apt-get install -y --no-install-recommends pkg{i}", "ENV V{i}=${{V{p}}}:x",
             "ARG B{i}=y{i}", "LABEL l{i}=v", "COPY --chown=app f{i} /usr/local/d{i}/",
             "WORKDIR /w{i}", "USER u{i}", "EXPOSE {i}", "RUN npm install -g x{i} && rm -rf /usr/local/d{p}",
             "# hadolint shell=bash\nFROM alpine:3.20 AS s{i}"]
    lines = ["FROM alpine:3.20"]
    for i in range(1, 50_000):
        lines.append(kinds[i % len(kinds)].format(i=i, p=i - 10))
    return "\n".join(lines) + "\n"


def test_a_fifty_thousand_line_dockerfile(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(fifty_thousand_lines())
    code, out, err = run_bounded("check", "--format", "json", str(path))
    assert code == 1 and err == ""
    assert len(json.loads(out)["findings"]) > 1000


# -- images -----------------------------------------------------------------------------------

def big_config(tar: bytes) -> bytes:
    config = config_for([tar])
    config["history"] = [{"created_by": "RUN " + "x" * 90} for _ in range(8000)]  # ~1 MB
    return json.dumps(config).encode()


def docker_archive(dest, manifest: list, members: dict[str, bytes]) -> str:
    with tarfile.open(dest, "w") as out:
        for name, data in {**members, "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return str(dest)


@pytest.mark.parametrize("tags", ["same", "different"])
def test_a_manifest_listing_one_image_a_thousand_times(tmp_path, tags):
    tar = layer_tar(file("app/x", 10))
    config = big_config(tar)
    config_name, layer_name = sha(config)[7:] + ".json", sha(tar)[7:] + ".tar"
    manifest = [{"Config": config_name, "Layers": [layer_name],
                 "RepoTags": ["app:latest" if tags == "same" else f"app:{i}"]} for i in range(1000)]
    archive = docker_archive(tmp_path / "image.tar", manifest, {config_name: config, layer_name: tar})
    code, _, err = run_bounded("image", archive)
    assert code == 0 and err == ""


def nested_index(dest, fanout: int, depth: int) -> str:
    """An OCI layout whose index.json leads through ``depth`` indexes, each listing the next
    one ``fanout`` times."""
    layout = write_oci_layout(dest, [layer_tar(file("app/x", 10))])
    child = json.loads((layout / "index.json").read_text())["manifests"][0]
    for _ in range(depth):
        data = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                           "manifests": [child] * fanout}).encode()
        (layout / "blobs" / "sha256" / sha(data)[7:]).write_bytes(data)
        child = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha(data),
                 "size": len(data)}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [child]}))
    return str(layout)


def test_an_index_nesting_one_child_fifty_times_per_level(tmp_path):
    code, _, err = run_bounded("image", nested_index(tmp_path / "layout", fanout=50, depth=4))
    assert code == 0 and err == ""


def test_indexes_nested_deeper_than_the_limit_are_one_error(tmp_path):
    code, _, err = run_bounded("image", nested_index(tmp_path / "layout", fanout=2, depth=6))
    assert code == 2 and err.count("\n") == 0 and "nest more than 4 levels" in err


def test_a_zstd_layer_without_its_magic_bytes_says_so(tmp_path):
    tar = layer_tar(file("app/x", b"data" * 100))
    blob = bytearray(compress(tar, "zstd"))
    blob[0] ^= 0x01
    layout = write_oci_layout(tmp_path / "layout", [tar], compression="zstd", blobs_override={0: bytes(blob)})
    code, _, err = run_bounded("image", str(layout))
    assert code == 2 and err.count("\n") == 0
    assert "zstd-compressed" in err and "magic bytes 28 b5 2f fd" in err and "truncated" not in err


# -- .dockerignore --------------------------------------------------------------------------

def test_ten_thousand_dockerignore_patterns_over_two_hundred_files(tmp_path):
    for d in range(20):
        sub = tmp_path / f"src{d}" / "sub"
        sub.mkdir(parents=True)
        for f in range(10):
            (sub / f"f{f}.txt").write_text("x")
    forms = ["build{i}/out{i}.o", "*.ext{i}", "**/name{i}", "!keep{i}", "docs{i}/**", "src{d}/sub/f{f}.txt",
             "!src{d}/sub/f{f}.txt", "src*/sub/f{f}*", "**/f{f}.txt"]
    patterns = [forms[i % len(forms)].format(i=i, d=i % 23, f=i % 11) for i in range(10_000)]
    (tmp_path / ".dockerignore").write_text("\n".join(patterns) + "\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY . /app\n")
    code, _, err = run_bounded("context", str(tmp_path))
    assert code == 0 and err == ""
    code, _, err = run_bounded("check", str(tmp_path / "Dockerfile"))
    assert code == 1 and err == ""


TRICKY = ["a", "a/b", "*", "**", "**/a", "a/**", "*.txt", "**/*.txt", "a/**/b", "**/a/**/b/**",
          "[ab]**/a", "****/ab", "!a/b", "!**/b", "a?", "\\*x", "a\\.b", "x/y*", "*/y", "!*",
          "a*b*c*d", "src/**/f?.txt", "**/", "a/b/", "!src"]
PATHS = ["a", "b", "a/b", "ab", "a.b", "a/b/c", "x/y", "x/yz", "src/f1.txt", "src/sub/f1.txt",
         "*x", "aXbYcZd", "ba/a", "a/x/b", "abcd"]


@pytest.mark.parametrize("seed", range(5))
def test_the_indexed_matcher_answers_as_each_pattern_does(seed):
    rng = random.Random(seed)
    patterns = [rng.choice(TRICKY) for _ in range(rng.randint(1, 30))]
    matcher = PatternMatcher(patterns)
    for path in PATHS:
        matching = {i for i, p in enumerate(matcher.patterns) if p.match(path)}
        assert matcher.all_matches(path) == matching, (patterns, path)
        assert matcher.last_match(path) == max(matching, default=-1), (patterns, path)


# -- the persistent scope map -------------------------------------------------------------

def test_persistent_map_reads_like_a_dict_and_never_changes():
    empty = PersistentMap()
    one = empty.set("B", 1)
    two = one.set("A", 2).set("B", 3)
    assert len(empty) == 0 and dict(one) == {"B": 1}
    assert two == {"B": 3, "A": 2} and list(two) == ["B", "A"]  # a key set again keeps its place
    assert two.get("C") is None and "A" in two and "A" not in one
    many = empty
    for i in range(5000):
        many = many.set(f"K{i}", i)
    assert len(many) == 5000 and many["K4321"] == 4321 and list(many)[:3] == ["K0", "K1", "K2"]
