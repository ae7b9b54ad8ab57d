"""DC rules as a user meets them: through `context_findings` (what `dockwise check` calls)."""

from __future__ import annotations

import json

import pytest

from dockwise.cli import main
from dockwise.engine.context import context_findings
from dockwise.context.scan import _CACHE
from dockwise.inputs import read_text
from dockwise.syntax import parse_dockerfile
from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures

PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    _CACHE.clear()
    yield
    _CACHE.clear()


def make(root, files):
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    return root


def findings(root, dockerfile="FROM alpine\nCOPY . /app\n", name="Dockerfile"):
    path = root / name
    path.write_text(dockerfile)
    return context_findings(str(path), parse_dockerfile(read_text(path), path=str(path)))


def codes(found):
    return sorted(f.code for f in found)


def by_code(found, code):
    return [f for f in found if f.code == code]


def test_clean_context_has_no_findings(tmp_path):
    make(tmp_path, {".dockerignore": ".git\n", "app.py": "print()\n", ".git/HEAD": "ref"})
    assert findings(tmp_path) == []


def test_missing_dockerignore_with_heavy_dirs_and_secrets(tmp_path):
    make(tmp_path, {"node_modules/x/i.js": "x" * 1000, ".env": "API_KEY=s3cr3t-value\n", "app.js": "x"})
    found = findings(tmp_path)
    assert {"DC001", "DC003", "DC007"} <= set(codes(found))
    dc001 = by_code(found, "DC001")[0]
    assert "node_modules/" in dc001.message and ".env" in dc001.message
    assert dc001.location.file.endswith(".dockerignore")
    assert all("s3cr3t" not in f.message for f in found)


def test_dockerignore_missing_heavy_directory(tmp_path):
    make(tmp_path, {".dockerignore": "*.md\n", ".venv/lib/x.py": "x" * 50, "app.py": "x"})
    dc002 = by_code(findings(tmp_path), "DC002")
    assert len(dc002) == 1 and ".venv/" in dc002[0].message and "50 B" in dc002[0].message


def test_secrets_detected_by_content_and_redacted(tmp_path):
    make(tmp_path, {".dockerignore": "x\n", "deploy/id_ed25519": PRIVATE_KEY,
                    ".npmrc": "//registry.npmjs.org/:_authToken=npm_abcdefSECRET\n",
                    ".aws/credentials": "[default]\naws_secret_access_key = AbCdSECRET\n",
                    ".env.example": "API_KEY=\n", "x": "x"})
    found = by_code(findings(tmp_path), "DC003")
    paths = sorted(f.extra["path"] for f in found)
    assert paths == [".aws/credentials", ".npmrc", "deploy/id_ed25519"]
    assert all("SECRET" not in f.message and "b3BlbnNz" not in f.message for f in found)


def test_npmrc_without_token_is_not_a_secret(tmp_path):
    make(tmp_path, {".dockerignore": "x\n", ".npmrc": "registry=https://registry.npmjs.org/\n", "x": "x"})
    assert by_code(findings(tmp_path), "DC003") == []


def test_copy_all_names_secret_and_large_files_with_sizes(tmp_path):
    make(tmp_path, {".dockerignore": "x\n", ".env": "TOKEN=abc\n", "dump.sql": b"\0" * (11 * 1024 * 1024),
                    "x": "x"})
    found = by_code(findings(tmp_path, "FROM alpine\nWORKDIR /app\nCOPY . .\n"), "DC007")
    assert len(found) == 2
    assert all((f.location.line, f.location.column, f.location.end_column) == (3, 1, 9) for f in found)
    assert any(".env (10 B)" in f.message for f in found)
    assert any("dump.sql (11.0 MiB)" in f.message for f in found)


def test_copy_of_ignored_file_even_with_exceptions(tmp_path):
    make(tmp_path, {".dockerignore": "config\n!config/keep.toml\n", "config/app.toml": "x",
                    "config/keep.toml": "x"})
    df = "FROM alpine\nCOPY config/keep.toml /k\nCOPY config/app.toml /etc/app.toml\n"
    found = by_code(findings(tmp_path, df), "DC006")
    assert len(found) == 1
    assert found[0].location.line == 3 and "'config'" in found[0].message
    assert "buildkit:CopyIgnoredFile" in found[0].aliases


def test_copy_wildcard_matching_only_ignored_files(tmp_path):
    make(tmp_path, {".dockerignore": "*.txt\n", "a.txt": "x", "b.txt": "x", "c.py": "x"})
    assert len(by_code(findings(tmp_path, "FROM a\nCOPY *.txt /t/\n"), "DC006")) == 1
    assert by_code(findings(tmp_path, "FROM a\nCOPY *.py /t/\nCOPY --from=b /x.txt /y\n"), "DC006") == []


def test_suspicious_lines(tmp_path):
    make(tmp_path, {".dockerignore": "node_modules # deps\n  # indented\nbin\\Debug\n!./keep\nlogs  \n",
                    "node_modules/a": "x", "keep": "x", "logs/a": "x"})
    found = by_code(findings(tmp_path), "DC005")
    lines = sorted((f.location.line, f.location.column) for f in found)
    assert lines == [(1, 13), (2, 3), (3, 1), (4, 1), (5, 5)]
    assert "inline comments" in found[0].message or any("inline comments" in f.message for f in found)


def test_pattern_matching_nothing_and_root_only_pattern(tmp_path):
    make(tmp_path, {".dockerignore": "src/old_module\n*.pyc\n.env\n", "src/new.py": "x",
                    "pkg/a.pyc": "x"})
    found = findings(tmp_path)
    dc004 = by_code(found, "DC004")
    assert [(f.location.line, f.location.end_column) for f in dc004] == [(1, 15)]
    dc010 = by_code(found, "DC010")
    assert len(dc010) == 1 and "'**/*.pyc'" in dc010[0].message and "pkg/a.pyc" in dc010[0].message


def test_walk_is_cached_per_context(tmp_path, monkeypatch):
    make(tmp_path, {".dockerignore": "x\n", "a": "x"})
    import dockwise.context.scan as scan_module

    calls = []
    real = scan_module.walk
    monkeypatch.setattr(scan_module, "walk", lambda *a, **k: calls.append(a) or real(*a, **k))
    findings(tmp_path)
    findings(tmp_path, name="Dockerfile.other")
    assert len(calls) == 1


def test_heavy_directory_copied_on_purpose_is_not_reported(tmp_path):
    make(tmp_path, {".dockerignore": ".git\n", "dist/app.js": "x" * 10, "build/out": "x"})
    found = by_code(findings(tmp_path, "FROM a\nCOPY dist/ /srv/\n"), "DC002")
    assert [f.extra["path"] for f in found] == ["build"]


def test_explicit_copy_of_a_secret_is_reported(tmp_path):
    make(tmp_path, {".dockerignore": "x\n", ".npmrc": "//r/:_authToken=abc\n", "package.json": "{}"})
    found = by_code(findings(tmp_path, "FROM a\nCOPY package.json .npmrc ./\nRUN npm ci\n"), "DC007")
    assert len(found) == 1 and found[0].location.line == 2 and ".npmrc (20 B)" in found[0].message


def test_archives_and_data_over_threshold_and_logs_of_any_size(tmp_path):
    big = b"\0" * (10 * 1024 * 1024)
    make(tmp_path, {".dockerignore": "x\n", "logs/app.log": big, "backup.tar.gz": big, "small.log": "x",
                    "model.bin": big, "small.tar.gz": "x", "empty.log": ""})
    found = by_code(findings(tmp_path, "FROM a\nCOPY app /app\n"), "DC008")
    assert sorted(f.message.split(" files")[0] for f in found) == ["large archive", "log"]
    logs = next(f for f in found if f.message.startswith("log"))
    assert "small.log" in logs.message and "logs/app.log" in logs.message and "empty.log" not in logs.message
    assert all("model.bin" not in f.message and "small.tar.gz" not in f.message for f in found)


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    import os

    make(tmp_path, {".dockerignore": "x\n", "locked.db": "x", "ok": "x"})
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: not str(p).endswith("locked.db") and real_access(p, m))
    found = by_code(findings(tmp_path), "DC009")
    assert len(found) == 1 and "locked.db" in found[0].message and "permission denied" in found[0].message


def test_heavy_directory_excluded_with_deliberate_exception_is_not_reported(tmp_path):
    make(tmp_path, {".dockerignore": "node_modules\n!node_modules/patched\n",
                    "node_modules/patched/i.js": "x", "node_modules/other/i.js": "x"})
    assert by_code(findings(tmp_path), "DC002") == []


# -- one build context, two Dockerfiles --------------------------------------------------------

DOCKERFILE = "FROM alpine:latest\nCMD echo hi\n"


def test_a_context_finding_is_reported_once_for_two_dockerfiles_sharing_it(project, capsys):
    dockerfile = "FROM alpine:3.19.1\nCOPY . /app\nUSER 10001\n"
    project("svc/Dockerfile", dockerfile)
    project("svc/Dockerfile.dev", dockerfile)
    project("svc/.dockerignore", "src/old-module\n")
    code = main(["check", "--format", "json", "--select", "DC004", "svc/"])
    out, err = capsys.readouterr()
    findings = json.loads(out)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in findings] == [("DC004", "svc/.dockerignore", 1)]
    assert code == 0  # DC004 is info


def test_findings_in_each_dockerfile_are_still_reported_for_each(project, own_rules, capsys):
    project("svc/Dockerfile", DOCKERFILE)
    project("svc/Dockerfile.dev", DOCKERFILE)
    code, out, _ = run(capsys, "--format", "json", "svc")
    files = sorted(f["file"] for f in json.loads(out)["findings"] if f["code"] == "TS001")
    assert files == ["svc/Dockerfile", "svc/Dockerfile.dev"]


def test_copy_source_named_by_a_build_arg_is_judged_with_the_value_given(tmp_path, capsys):
    """`check --build-arg` changes what an ARG-named COPY source is, so the context rules see
    the build that runs: the default copies a sent file, the given value an excluded one."""
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "dev.toml").write_text("a\n")
    (tmp_path / "conf" / "prod.toml").write_text("b\n")
    (tmp_path / ".dockerignore").write_text("conf/prod.toml\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nARG CONF=conf/dev.toml\nCOPY ${CONF} /etc/app/\n")
    assert main(["check", "--select", "DC006", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["check", "--select", "DC006", "--build-arg", "CONF=conf/prod.toml", str(tmp_path)]) == 1
    assert "DC006" in capsys.readouterr().out
