"""Adversarial QA, session 2: each test is a defect found by hostile input or a real-world
Dockerfile, pinned after its fix (context, image, and the config-driven DL3026/DL3049-DL3058)."""

from __future__ import annotations

import os
import time

import pytest

from dockwise.config import LintConfig
from dockwise.cli import main
from dockwise.model import build_model
from dockwise.rules import _spdx
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile
from tests.support.context import make_tree, run_context
from tests.support.rules import rule_of, where


def check(code: str, text: str, **config) -> list:
    tree = parse_dockerfile(text, "Dockerfile")
    target = CheckTarget("Dockerfile", tree, build_model(tree), config=LintConfig(**config))
    return sorted(rule_of(code)().check(target), key=lambda f: f.sort_key)


# -- DL3026 --------------------------------------------------------------------------------------

def test_untrusted_mount_is_reported_on_the_mount_that_names_it():
    """Two ``--mount``s reading ``from=``: the finding points at the one naming the image, not
    at the first mount (a stage)."""
    text = ("FROM ghcr.io/org/base:1 AS a\nFROM ghcr.io/org/base:1\n"
            "RUN --mount=from=a,target=/z --mount=from=gcr.io/q,target=/q true\n")
    found = check("DL3026", text, trusted_registries=("ghcr.io",))
    line = text.splitlines()[2]
    start = line.index("--mount=from=gcr.io")
    assert where(found) == [(3, start + 1, start + 1 + len("--mount=from=gcr.io/q,target=/q"))]


def test_each_of_two_untrusted_mounts_gets_its_own_span():
    text = ("FROM ghcr.io/org/base:1\n"
            "RUN --mount=from=quay.io/a,target=/a --mount=from=gcr.io/b,target=/b true\n")
    found = check("DL3026", text, trusted_registries=("ghcr.io",))
    columns = sorted(f.location.column for f in found)
    assert columns == [5, 5 + len("--mount=from=quay.io/a,target=/a ")]


# -- DL3054 (SPDX) -------------------------------------------------------------------------------

def test_deeply_nested_license_expression_is_judged_not_a_crash():
    text = "(" * 5000 + "MIT" + ")" * 5000
    assert _spdx.is_license_expression(text) is False
    assert _spdx.is_license_expression("(" * 20 + "MIT" + ")" * 20) is True


def test_deeply_nested_license_label_is_a_finding(tmp_path):
    value = "(" * 3000 + "MIT" + ")" * 3000
    found = check("DL3054", f'FROM a\nLABEL lic="{value}"\n', label_schema=(("lic", "spdx"),))
    assert len(found) == 1


# -- DL3049 / typed labels: messages say what to write ------------------------------------------

def test_missing_label_whose_name_needs_quotes_suggests_a_quoted_key():
    found = check("DL3049", "FROM a\n", label_schema=(("team name", "text"),))
    assert 'LABEL "team name"=<value>' in found[0].message


def test_a_huge_label_value_is_shortened_in_the_message():
    value = "x" * 5000
    found = check("DL3052", f"FROM a\nLABEL src={value}\n", label_schema=(("src", "url"),))
    assert len(found) == 1 and len(found[0].message) < 600


def test_spaces_around_equals_in_a_label_get_a_hint():
    """``LABEL key = "v"`` is the legacy form: the value is ``= v``; say so."""
    found = check("DL3056", 'FROM a\nLABEL ver = "1.0.0"\n', label_schema=(("ver", "semver"),))
    assert len(found) == 1 and "`key=value`" in found[0].message


# -- dockwise context ----------------------------------------------------------------------------

@pytest.mark.parametrize("size", ["1e400", "nan", "inf", "infinity", "1e30k", "-0"])
def test_large_that_is_not_a_finite_size_is_a_usage_error(tmp_path, size):
    make_tree(tmp_path, {"Dockerfile": "FROM a\n"})
    proc = run_context("--large", size, str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert b"Traceback" not in proc.stderr and b"not a size" in proc.stderr


# -- .dockerignore patterns: no catastrophic backtracking ----------------------------------------

from dockwise.context.patterns import PatternMatcher, compile_pattern  # noqa: E402


@pytest.mark.parametrize("pattern,path", [
    ("**/a/**/a/**/a/**/b", "/".join(["a"] * 300)),
    ("*" * 20001 + "x", "a/b/c/" + "y" * 200),
    ("**/" * 40 + "*x", "/".join(["d"] * 300) + "/f"),
    ("*a" * 60 + "b", "a" * 250),
])
def test_hostile_patterns_are_matched_in_linear_time(pattern, path):
    matcher = PatternMatcher([pattern])
    started = time.monotonic()
    assert matcher.excluded(path) is False
    assert compile_pattern(pattern).match(path) is False
    assert time.monotonic() - started < 5


def test_a_context_with_a_hostile_dockerignore_does_not_hang(tmp_path):
    make_tree(tmp_path, {".dockerignore": "*" * 20000 + "x\n**/a/**/a/**/a/**/b\n",
                         "Dockerfile": "FROM a\n", "/".join(["a"] * 60) + "/f": "x"})
    started = time.monotonic()
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 0 and time.monotonic() - started < 30


def _random_glob(rng) -> str:
    pieces = ["a", "b", "/", "*", "**", "?", "[ab]", "[^a]", "\\*", ".", "**/", "/**"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))


def test_linear_matching_agrees_with_the_regex_on_random_patterns():
    """The linear matcher is the regex's language exactly (the regex is what BuildKit runs)."""
    import random

    from dockwise.context.patterns import REGEXP, LinearMatch, _translate_atoms

    rng = random.Random(2)
    checked = 0
    for _ in range(3000):
        glob = _random_glob(rng)
        try:
            pattern = compile_pattern(glob)
        except Exception:  # noqa: BLE001 - invalid globs are other tests' business
            continue
        if pattern.kind != REGEXP:
            continue
        linear = LinearMatch.build(_translate_atoms(pattern.text)[1])
        if linear is None:
            continue
        for _ in range(8):
            path = "".join(rng.choice("ab/.*\n") for _ in range(rng.randint(0, 10))).strip("/")
            assert linear.fullmatch(path) == (pattern.regex.fullmatch(path) is not None), (glob, path)
            checked += 1
    assert checked > 5000


# -- text report -----------------------------------------------------------------------------------

def test_text_report_of_thousands_of_findings_in_one_big_file_is_fast():
    """Each excerpt used to split the whole file again: quadratic in findings x file size."""
    from dockwise.findings import Finding, Location, Severity
    from dockwise.report import ReportData
    from dockwise.report.text import render_text

    count = 30000
    source = "".join(f"pattern{i}/**/x\n" for i in range(count))
    findings = [Finding("DC004", "n", Severity.INFO, "matches nothing",
                        Location(".dockerignore", line, 1, line, 5))
                for line in range(1, count + 1)]
    started = time.monotonic()
    out = render_text(ReportData(findings=findings, files=[".dockerignore"],
                                 sources={".dockerignore": source}))
    assert time.monotonic() - started < 10
    assert out.count("matches nothing") == count and "pattern29999/**/x" in out


# -- .dockerignore that is a symlink -----------------------------------------------------------------

def test_dockerignore_linking_out_of_the_context_is_refused_and_not_printed(tmp_path):
    secret = tmp_path / "outside" / "credentials"
    make_tree(tmp_path, {"outside/credentials": "aws_secret_access_key=AKIAVERYSECRET\n",
                         "ctx/Dockerfile": "FROM a\n", "ctx/app.py": "x"})
    os.symlink(secret, tmp_path / "ctx" / ".dockerignore")
    for args in (("--list",), (), ("--format", "json")):
        proc = run_context(*args, str(tmp_path / "ctx"))
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert b"VERYSECRET" not in proc.stdout + proc.stderr
        assert b".dockerignore" in proc.stderr and b"outside the build context" in proc.stderr


def test_dockerignore_linking_inside_the_context_is_read(tmp_path):
    make_tree(tmp_path, {"ignore/common": "*.log\n", "Dockerfile": "FROM a\n", "a.log": "x", "b": "x"})
    os.symlink("ignore/common", tmp_path / ".dockerignore")
    proc = run_context("--list", str(tmp_path))
    assert proc.returncode == 0 and b"a.log" not in proc.stdout and b"b\n" in proc.stdout


def test_check_refuses_the_outside_link_too(tmp_path, capsys):
    make_tree(tmp_path, {"outside/shadow": "root:$6$VERYSECRET:1::::::\n", "ctx/Dockerfile": "FROM a\n"})
    os.symlink(tmp_path / "outside" / "shadow", tmp_path / "ctx" / ".dockerignore")
    code = main(["check", str(tmp_path / "ctx" / "Dockerfile")])
    out = capsys.readouterr()
    assert code == 2 and "VERYSECRET" not in out.out + out.err


# -- dockwise image: .dive-ci ------------------------------------------------------------------------

from tests.test_image_kit import file as layer_file, layer_tar, write_oci_layout  # noqa: E402

YAML_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi"))


def _image(tmp_path) -> str:
    return str(write_oci_layout(tmp_path / "layout", [layer_tar(layer_file("ok", 10))]))


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


# -- json / sarif with a file name that is not UTF-8 -------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_output_for_a_non_utf8_file_name_is_valid_utf8_json(tmp_path, fmt):
    import json
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    name = os.fsdecode(b"Dockerfile.\xff")
    (tmp_path / name).write_text("FROM alpine\n")
    proc = subprocess.run([sys.executable, "-m", "dockwise", "check", "--no-context", "--format", fmt,
                           str(tmp_path)], capture_output=True)
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout.decode("utf-8"))
    text = json.dumps(document)
    if fmt == "sarif":
        assert "Dockerfile.%FF" in text
    else:
        assert document["findings"][0]["file"].endswith("Dockerfile.\udcff")


# -- dockwise rules: which rules are off by default ---------------------------------------------------

def test_rules_says_which_rules_are_off_by_default(capsys):
    import json

    assert main(["rules", "--format", "json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["DL3057"]["default_enabled"] is False and rows["DL3008"]["default_enabled"] is True
    assert main(["rules", "--select", "DL3057"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "off by default" in line and "--select DL3057" in line


def test_write_dockerignore_output_escapes_the_path_and_counts_in_words(tmp_path):
    context = tmp_path / "ctx\x1b[31m"
    make_tree(context, {"Dockerfile": "FROM a\n", "node_modules/a.js": "x" * 100})
    proc = run_context("--write-dockerignore", str(context))
    assert proc.returncode == 0, proc.stderr
    assert b"\x1b" not in proc.stdout and b"ctx\\x1b[31m" in proc.stdout
    assert b"-> 1 file (" in proc.stdout
