"""The cure: `dockwise check --fix --unsafe-fixes` restructures a build the way an expert would.

Each folder of tests/cure_cases holds a project (``input/``: a Dockerfile and the context files
the planner reads) and the Dockerfile the cure must write (``expected.Dockerfile``). Regenerate
the expected files after a deliberate change with ``DOCKWISE_UPDATE_GOLDEN=1`` and read the diff.
Every cured file must also parse with dockwise and with BuildKit's own parser, change nothing on
a second run, bring no warning the original did not have, and use nothing buildah 1.28 cannot
build (heredocs, ``COPY --link``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from dockwise.cli import main

CASES_DIR = Path(__file__).parent / "cure_cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())


@pytest.fixture
def cured(tmp_path, monkeypatch, capsys):
    """Copy a case to a temp folder and run `check --fix --unsafe-fixes` on it there."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(case: str, *extra: str) -> tuple[Path, int, str, str]:
        project = tmp_path / case
        if not project.exists():
            shutil.copytree(CASES_DIR / case / "input", project)
        monkeypatch.chdir(project)
        code = main(["check", "--fix", "--unsafe-fixes", *extra, "Dockerfile"])
        out, err = capsys.readouterr()
        return project / "Dockerfile", code, out, err
    return run


def _warnings(path: Path, capsys) -> Counter:
    """How many warning-or-worse findings of each code `dockwise check` reports for ``path``."""
    main(["check", "--format", "json", "--fail-level", "none", str(path)])
    out, _ = capsys.readouterr()
    document = json.loads(out)
    return Counter(f["code"] for f in document["findings"] if f["severity"] in ("warning", "error"))


@pytest.mark.parametrize("case", CASES)
def test_the_cure_writes_the_expected_dockerfile(case, cured):
    path, code, _, err = cured(case)
    assert code in (0, 1), err
    expected = CASES_DIR / case / "expected.Dockerfile"
    if os.environ.get("DOCKWISE_UPDATE_GOLDEN"):
        expected.write_text(path.read_text())
    assert path.read_text() == expected.read_text()


@pytest.mark.parametrize("case", CASES)
def test_a_second_fix_changes_nothing(case, cured):
    path, _, _, _ = cured(case)
    once = path.read_text()
    _, _, out, err = cured(case)
    assert path.read_text() == once
    assert "Fixed" not in out + err


@pytest.mark.parametrize("case", CASES)
def test_the_cured_file_parses_with_dockwise_and_with_buildkit(case, cured):
    import dockerfile  # BuildKit's own parser, a test dependency

    from dockwise.syntax import parse_dockerfile

    path, _, _, err = cured(case)
    text = path.read_text()
    assert "error" not in err
    parse_dockerfile(text, str(path))
    commands = dockerfile.parse_string(text)
    assert commands[-1].cmd.upper() in ("CMD", "ENTRYPOINT", "USER", "EXPOSE")
    assert "<<" not in text and "--link" not in text  # buildah 1.28 builds neither


@pytest.mark.parametrize("case", CASES)
def test_no_fix_adds_a_warning(case, cured, capsys):
    original = CASES_DIR / case / "input" / "Dockerfile"
    before = _warnings(original, capsys)
    path, _, _, _ = cured(case)
    after = _warnings(path, capsys)
    added = {code: n - before[code] for code, n in after.items() if n > before[code]}
    assert not added, added


def _stages(text: str) -> list[str]:
    return re.split(r"(?m)^(?=FROM )", text)[1:]


def test_the_crime_gets_a_builder_a_slim_runtime_a_numeric_user_and_tini(cured):
    path, _, out, _ = cured("crime")
    text = path.read_text()
    builder, runtime = _stages(text)
    assert text.startswith("# syntax=docker/dockerfile:1\n")
    # the build tools and the install are in the builder, on the full base of the project's Python
    assert builder.startswith("FROM python:3.11 AS builder\n")
    assert "gcc build-essential libpq-dev" in builder and "gcc" not in runtime
    assert "RUN python -m venv /opt/venv\n" in builder
    assert "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt" in builder
    assert builder.index("COPY requirements.txt /app/requirements.txt") < builder.index("pip install")
    assert "PIP_NO_CACHE_DIR" not in text and "--no-cache-dir" not in builder
    assert "&& /opt/venv/bin/python -m pip uninstall --yes pip" in builder  # nothing installs at runtime
    # the runtime: slim base of the same Python, the venv, the runtime library of libpq-dev, tini
    assert runtime.startswith("FROM python:3.11-slim\n")
    assert "COPY --from=builder /opt/venv /opt/venv" in runtime
    assert "PATH=/opt/venv/bin:$PATH" in runtime
    assert runtime.index("COPY --from=builder") < runtime.index("COPY . /app")
    assert "libpq5 tini" in runtime
    assert "useradd --no-log-init --uid 10001 --gid 10001" in runtime
    # USER comes after every instruction that needs root, and PID 1 is tini in exec form
    lines = runtime.splitlines()
    user_at = lines.index("USER 10001:10001")
    assert all(not line.startswith(("RUN", "COPY", "ADD")) for line in lines[user_at:])
    assert lines[-2:] == ['ENTRYPOINT ["/usr/bin/tini", "--"]', 'CMD ["python", "main.py"]']
    assert "Fixed 11 findings" in out  # DC007 and DC008 too: app.log goes to .dockerignore


def test_diff_shows_each_transformation_with_the_findings_it_resolves_and_writes_nothing(
        tmp_path, monkeypatch, capsys):
    shutil.copytree(CASES_DIR / "crime" / "input", tmp_path / "crime")
    monkeypatch.chdir(tmp_path / "crime")
    before = Path("Dockerfile").read_text()
    code = main(["check", "--diff", "--unsafe-fixes", "Dockerfile"])
    out, err = capsys.readouterr()
    assert code == 1 and Path("Dockerfile").read_text() == before
    plan, _, diff = out.partition("--- a/Dockerfile")
    assert plan.startswith("# Dockerfile: 3 transformations (unsafe fixes: they change what is built)\n")
    steps = re.findall(r"(?m)^#  \d\. ([\w-]+): ", plan)
    assert steps == ["split-build-runtime", "non-root", "pid1"]
    split, non_root, pid1 = re.split(r"(?m)^#  \d\. ", plan)[1:]
    assert "resolves DW401 at Dockerfile:4:42" in split and "resolves DL3042 at Dockerfile:5:5" in split
    assert "resolves DW402 at Dockerfile:1:6" in split and "resolves DW701 at Dockerfile:3:6" in split
    assert "resolves DW501 at Dockerfile:1:6" in non_root
    assert "resolves DL3025 at Dockerfile:7:5" in pid1
    assert "+FROM python:3.11-slim\n" in diff
    assert "Would fix" in err


def _promised(summary: str) -> int:
    """The findings a plain check's summary says the fixes would fix (safe and unsafe)."""
    return sum(int(n) for n in re.findall(r"(\d+) (?:fixable with|more with)", summary))


@pytest.mark.parametrize("case", CASES)
def test_a_plain_check_counts_what_the_cure_fixes_and_never_more(case, tmp_path, monkeypatch, capsys):
    shutil.copytree(CASES_DIR / case / "input", tmp_path / case)
    monkeypatch.chdir(tmp_path / case)
    main(["check", "Dockerfile"])
    promised = _promised(capsys.readouterr().out.strip().splitlines()[-1])
    main(["check", "--diff", "--unsafe-fixes", "Dockerfile"])
    resolved = set(re.findall(r"(?m)^#     resolves (\w+) at (\S+) ", capsys.readouterr().out))
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    fixed = re.search(r"Fixed (\d+) finding", "".join(capsys.readouterr()))
    assert promised >= len(resolved), f"the plan resolves {sorted(resolved)}; the summary promised {promised}"
    assert promised <= (int(fixed.group(1)) if fixed else 0)


def test_without_unsafe_fixes_nothing_is_restructured(tmp_path, monkeypatch, capsys):
    shutil.copytree(CASES_DIR / "crime" / "input", tmp_path / "crime")
    monkeypatch.chdir(tmp_path / "crime")
    main(["check", "--fix", "Dockerfile"])
    capsys.readouterr()
    text = Path("Dockerfile").read_text()
    assert len(_stages(text)) == 1 and "USER" not in text


def test_an_ignored_finding_keeps_its_transformation_off(cured):
    path, _, _, _ = cured("crime", "--ignore", "DW501,DL3025")
    text = path.read_text()
    assert "FROM python:3.11 AS builder" in text  # the split still resolves its own findings
    assert "USER" not in text and "tini" not in text


def test_an_unknown_python_version_is_a_note_not_a_guess(cured):
    path, _, out, err = cured("unknown-version")
    text = path.read_text()
    assert text.startswith("FROM python:latest\n") and " AS builder" not in text
    assert ("no builder stage (python): the Python version is not known" in out + err
            and "--python-version" in out + err)
    # what does not depend on the version is still done
    assert "USER 10001:10001" in text and 'ENTRYPOINT ["/usr/bin/tini", "--"]' in text


def test_python_version_flag_gives_the_version(cured):
    path, _, _, _ = cured("unknown-version", "--python-version", "3.12")
    builder, runtime = _stages(path.read_text())
    assert builder.startswith("FROM python:3.12 AS builder\n")
    assert runtime.startswith("FROM python:3.12-slim\n")


def test_a_bad_python_version_is_a_usage_error(cured):
    _, code, _, err = cured("unknown-version", "--python-version", "three")
    assert code == 2 and "--python-version: `three` is not a version" in err


def test_a_shape_it_cannot_split_gets_a_note_and_only_the_cache_order(cured):
    path, _, out, err = cured("unknown-shape")
    text = path.read_text()
    assert text.startswith("FROM python:3.11\n") and " AS builder" not in text
    assert ("no builder stage (python): `RUN make -C native install` runs `make`, which needs the build tools"
            in out + err)
    assert text.index("COPY requirements.txt /app/requirements.txt") < text.index("pip install") < text.index("COPY . .")


def test_on_a_lean_base_the_install_moves_before_the_code(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nENV APP_MODE=prod\n"
                                  "RUN pip install --no-cache-dir -r requirements.txt\nUSER 10001\n"
                                  "CMD [\"python\", \"app.py\"]\n")
    Path("requirements.txt").write_text("six==1.16.0\n")
    main(["check", "--diff", "--unsafe-fixes", "Dockerfile"])
    out, _ = capsys.readouterr()
    assert "1. cache-order: copy requirements.txt and install before the rest of the code" in out
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    capsys.readouterr()
    assert Path("Dockerfile").read_text() == (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt /app/requirements.txt\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . /app\nENV APP_MODE=prod\nUSER 10001\n"
        "CMD [\"python\", \"app.py\"]\n")


def test_the_install_does_not_move_before_a_variable_it_reads(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nENV PIP_INDEX_URL=https://pypi.example/simple\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nUSER 10001\nCMD [\"python\", \"app.py\"]\n")
    Path("Dockerfile").write_text(text)
    Path("requirements.txt").write_text("six==1.16.0\n")
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    capsys.readouterr()
    assert Path("Dockerfile").read_text() == text


def test_requires_python_and_a_renamed_manifest(cured):
    path, _, _, _ = cured("requires-python")
    builder, runtime = _stages(path.read_text())
    assert builder.startswith("FROM python:3.10 AS builder\n")  # requires-python = ">=3.10,<4"
    assert "COPY requirements/base.txt /code/requirements.txt\n" in builder
    assert runtime.startswith("FROM python:3.10-slim\n")


def test_alpine_builds_and_runs_on_alpine_with_busybox_users(cured):
    path, _, _, _ = cured("alpine")
    builder, runtime = _stages(path.read_text())
    assert builder.startswith("FROM python:3.12-alpine AS builder\n")
    assert runtime.startswith("FROM python:3.12-alpine\n")
    assert "apk add --no-cache libpq tini" in runtime
    assert "adduser -S -D -H -u 10001 -G app" in runtime
    assert 'ENTRYPOINT ["/sbin/tini", "--"]' in runtime


def test_a_root_run_after_user_moves_before_it_and_the_user_becomes_numeric(cured):
    path, _, _, _ = cured("uv")
    runtime = _stages(path.read_text())[1]
    lines = runtime.splitlines()
    assert lines.index("USER 65534:65534") > max(i for i, line in enumerate(lines) if "apt-get install" in line)
    assert "USER nobody" not in runtime


def test_uv_and_poetry_install_into_the_venv_with_their_own_cache(cured):
    uv_builder = _stages(cured("uv")[0].read_text())[0]
    assert "UV_PROJECT_ENVIRONMENT=/opt/venv" in uv_builder
    assert "RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-install-project" in uv_builder
    assert "PIP_NO_CACHE_DIR" not in uv_builder and "ENV PYTHONUNBUFFERED=1" in uv_builder
    poetry_builder = _stages(cured("poetry")[0].read_text())[0]
    # poetry itself is installed outside the venv, so it does not ship
    assert poetry_builder.index("pip install poetry==1.8.3") < poetry_builder.index("python -m venv")
    assert "--mount=type=cache,target=/root/.cache/pypoetry poetry config" in poetry_builder


def test_no_build_tools_means_no_split(cured):
    path, _, _, _ = cured("slim")
    assert len(_stages(path.read_text())) == 1


def test_a_full_base_with_nothing_to_build_only_changes_the_base(cured):
    path, _, _, _ = cured("base-only")
    assert path.read_text().startswith("FROM python:3.11-slim\nWORKDIR /app\n")


def test_an_entrypoint_script_of_the_context_gets_exec(cured):
    path, _, out, _ = cured("entrypoint")
    script = path.parent / "docker-entrypoint.sh"
    assert script.read_text().endswith('python manage.py migrate\nexec "$@"\n')
    assert os.access(script, os.X_OK)  # the rewrite keeps the mode
    assert "DW601" not in out


def test_an_entrypoint_script_it_cannot_edit_gets_a_note(tmp_path, cured):
    shutil.copytree(CASES_DIR / "entrypoint" / "input", tmp_path / "entrypoint")
    script = tmp_path / "entrypoint" / "docker-entrypoint.sh"
    script.write_text("#!/bin/sh\nwhile true; do\n  run\ndone\n")
    _, _, out, err = cured("entrypoint")
    assert script.read_text() == "#!/bin/sh\nwhile true; do\n  run\ndone\n"
    assert "docker-entrypoint.sh: not given `exec`: its last command is inside a block" in out + err


@pytest.mark.corpus
def test_on_the_real_corpus_cured_files_parse_are_stable_and_add_no_warning(corpus, monkeypatch):
    """A deterministic sample of real Dockerfiles: each cured file parses with dockwise and
    BuildKit, a second fix changes nothing, and the cure brings no warning that the other
    unsafe fixes alone do not bring."""
    import random

    import dockerfile

    import dockwise.engine.dockerfile as engine_module
    from dockwise.config import EMPTY
    from dockwise.engine.dockerfile import CheckOptions, Engine
    from dockwise.syntax import parse_dockerfile

    files = sorted(p for p in corpus("real").rglob("*") if p.is_file() and "ockerfile" in p.name)
    random.Random(7).shuffle(files)
    check = Engine(options=CheckOptions(context=False, use_config=False))
    fixer = Engine(options=CheckOptions(context=False, use_config=False, fix=True, unsafe_fixes=True))

    def fixed(text: str) -> str:
        return fixer._fix(text, "Dockerfile", config=EMPTY, on_disk=False).fixed_text

    def warnings(text: str) -> Counter:
        return Counter(f.code for f in check.check_text(text, "Dockerfile").findings
                       if f.severity.name in ("WARNING", "ERROR"))

    restructured = 0
    for path in files[:200]:
        try:
            text = path.read_text(encoding="utf-8")
            dockerfile.parse_string(text)
        except (UnicodeDecodeError, dockerfile.GoParseError):
            continue
        if not check.check_text(text, "Dockerfile").parsed:
            continue
        cured = fixed(text)
        with monkeypatch.context() as patched:
            patched.setattr(engine_module, "_attach_cure", lambda *args, **options: [])
            plain = fixed(text)
        if cured == plain:
            continue
        restructured += 1
        parse_dockerfile(cured, str(path))
        dockerfile.parse_string(cured)
        assert fixed(cured) == cured, path
        added = {c: n for c, n in (warnings(cured) - warnings(plain)).items()}
        assert not added, (path, added)
    assert restructured > 50


def test_the_docs_show_what_the_cure_writes():
    """docs/fix.md shows the crime project's cured Dockerfile: it must be the one the cure writes."""
    docs = (Path(__file__).parent.parent / "docs" / "fix.md").read_text()
    shown = re.search(r"```dockerfile\n(.*?)```", docs, re.DOTALL).group(1)
    assert shown == (CASES_DIR / "crime" / "expected.Dockerfile").read_text()


def test_a_run_needing_a_program_the_slim_base_lacks_keeps_the_full_base(cured):
    path, _, out, err = cured("slim-lacks-curl")
    assert path.read_text().startswith("FROM python:3.11\n") and " AS builder" not in path.read_text()
    assert "runs `curl`, which the slim base does not have (install `curl` in that stage first)" in out + err


def test_the_python_version_is_read_even_when_dockerignore_keeps_the_file_from_the_build(tmp_path, cured):
    shutil.copytree(CASES_DIR / "crime" / "input", tmp_path / "crime")
    (tmp_path / "crime" / ".dockerignore").write_text(".*\n*.log\n")
    path, _, _, _ = cured("crime")
    assert path.read_text().startswith("# syntax=docker/dockerfile:1\nFROM python:3.11 AS builder\n")


@pytest.mark.parametrize("dockerfile, why", [
    ("FROM python:3.11 AS base\nRUN apt-get update && apt-get install -y gcc\nFROM base\n"
     "RUN pip install -r requirements.txt\n", "the stage is built FROM the stage `base`"),
    ("ARG PY=3.11\nFROM python:${PY}\nRUN pip install -r requirements.txt\n",
     "the base image is set by a build argument"),
    ("FROM python:2.7\nRUN pip install -r requirements.txt\n", "Python 2.7 has no venv module"),
    ("FROM python:3.11@sha256:" + "a" * 64 + "\nRUN pip install -r requirements.txt\n",
     "the base is pinned by digest"),
])
def test_a_base_it_cannot_change_is_left_alone_with_a_note(tmp_path, monkeypatch, capsys, dockerfile, why):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(dockerfile + "USER 10001\nCMD [\"python\", \"app.py\"]\n")
    Path("requirements.txt").write_text("six==1.16.0\n")
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    out, err = capsys.readouterr()
    assert " AS builder" not in Path("Dockerfile").read_text()
    assert f"no builder stage (python): {why}" in out + err


@pytest.mark.parametrize("base", ["postgres:16", "nginx:1.27-alpine", "php:8.3-apache", "redis"])
def test_no_user_is_added_to_an_image_that_runs_its_service_under_its_own_account(
        tmp_path, monkeypatch, capsys, base):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(f"FROM {base}\nCOPY conf /etc/conf\n")
    Path("conf").write_text("x\n")
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    out, err = capsys.readouterr()
    assert "USER" not in Path("Dockerfile").read_text()
    # the root rule knows these images drop root themselves: no DW501 warning, nothing to cure
    assert "DW501 [warning]" not in out + err


def test_a_user_is_added_to_php_cli():
    from dockwise.knowledge.base_images import manages_its_own_user

    assert not manages_its_own_user("php", "8.3-cli") and manages_its_own_user("php", "8.3-fpm-alpine")
    assert not manages_its_own_user("python", "3.12-slim")


def test_the_moved_install_keeps_the_mounts_of_its_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(
        "# syntax=docker/dockerfile:1\nFROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf --mount=type=cache,target=/root/.cache/pip "
        "pip install -r requirements.txt\nCOPY . .\nUSER 10001\nCMD [\"python\", \"app.py\"]\n")
    Path("requirements.txt").write_text("six==1.16.0\n")
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    capsys.readouterr()
    builder = _stages(Path("Dockerfile").read_text())[0]
    assert ("RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf --mount=type=cache,target=/root/.cache/pip "
            "pip install -r requirements.txt") in builder
    assert builder.count("--mount=type=cache") == 1


@pytest.mark.parametrize("base, entrypoint, note", [
    ("node:20-slim", '["/usr/bin/tini", "--", "docker-entrypoint.sh"]', None),
    ("python:3.12-slim", '["/usr/bin/tini", "--"]', None),
    ("mycorp/base:1", None, "no init added: the runtime base's package manager is not known"),
])
def test_tini_keeps_the_entrypoint_the_base_image_sets(tmp_path, monkeypatch, capsys, base, entrypoint, note):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text(f"FROM {base}\nUSER 10001\nCMD server --port 8080\n")
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    out, err = capsys.readouterr()
    text = Path("Dockerfile").read_text()
    assert text.endswith('CMD ["server", "--port", "8080"]\n')
    if entrypoint is None:
        assert "ENTRYPOINT" not in text and note in out + err
    else:
        assert f"ENTRYPOINT {entrypoint}\n" in text


def test_an_unknown_inherited_entrypoint_gets_no_init(tmp_path, monkeypatch, capsys):
    """An image of the file's own stage with an ENTRYPOINT in shell form: its ENTRYPOINT
    cannot be put behind tini, so none is added."""
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM debian:12-slim AS base\nENTRYPOINT run.sh\n"
                                  "FROM base\nUSER 10001\nCMD serve\n")
    main(["check", "--fix", "--unsafe-fixes", "Dockerfile"])
    out, err = capsys.readouterr()
    assert "tini" not in Path("Dockerfile").read_text()
    assert "the ENTRYPOINT the base image sets is not known" in out + err


def test_the_plan_names_only_findings_of_the_stage_it_restructures(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM node:latest AS assets\nRUN echo built > /out\n"
                                  "FROM python:3.12\nCOPY --from=assets /out /out\n"
                                  "RUN pip install flask==3.0.3\nUSER 10001\nCMD [\"python\", \"-m\", \"flask\"]\n")
    main(["check", "--diff", "--unsafe-fixes", "Dockerfile"])
    out, _ = capsys.readouterr()
    plan = out.partition("--- a/")[0]
    assert "split-build-runtime" in plan and "resolves DW402 at Dockerfile:3:6" in plan
    assert "Dockerfile:1:" not in plan  # node:latest is another stage's finding


def test_show_fixes_prints_the_restructuring_once_for_the_findings_it_resolves(tmp_path, monkeypatch, capsys):
    shutil.copytree(CASES_DIR / "crime" / "input", tmp_path / "crime")
    monkeypatch.chdir(tmp_path / "crime")
    main(["check", "--show-fixes", "Dockerfile"])
    out = capsys.readouterr().out
    headers = re.findall(r"(?m)^  = fix \(unsafe: needs --unsafe-fixes\): restructure the build.*$", out)
    assert len(headers) >= 4 and sum(not h.endswith("(shown above)") for h in headers) == 1
    assert out.count("+ FROM python:3.11-slim") == 1


def test_a_health_url_becomes_a_healthcheck_with_the_runtimes_own_python(cured, capsys):
    path, code, out, err = cured("crime", "--health-url", "http://127.0.0.1:8000/health")
    text = path.read_text()
    probe = ('HEALTHCHECK CMD ["python", "-c", "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], '
             'timeout=5)", "http://127.0.0.1:8000/health"]\n')
    assert probe + 'ENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["python", "main.py"]' in text
    assert "DW901" not in "".join(capsys.readouterr()) + out
    path2, *_ = cured("crime", "--health-url", "http://127.0.0.1:8000/health")  # a second fix changes nothing
    assert path2.read_text() == text


def test_no_healthcheck_is_invented_without_a_health_url_or_command(cured):
    path, *_ = cured("crime")
    assert "HEALTHCHECK" not in path.read_text()


def test_the_healthcheck_probe_fetches_the_url_and_fails_on_an_error(cured, tmp_path):
    import http.server
    import subprocess
    import sys
    import threading

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the handler's name
            self.send_response(200 if self.path == "/health" else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        path, *_ = cured("crime", "--health-url", f"{base}/health")
        words = json.loads(re.search(r"(?m)^HEALTHCHECK CMD (\[.*\])$", path.read_text()).group(1))
        assert words[0] == "python"
        run = [sys.executable, *words[1:]]
        assert subprocess.run(run, capture_output=True).returncode == 0
        assert subprocess.run(run[:-1] + [f"{base}/broken"], capture_output=True).returncode != 0
    finally:
        server.shutdown()


def test_a_runtime_without_a_fetching_program_gets_a_note_and_health_cmd_is_used_as_given(cured):
    path, _, out, err = cured("go-server", "--health-url", "http://127.0.0.1:8080/health")
    assert "HEALTHCHECK" not in path.read_text()
    assert "no HEALTHCHECK added" in err and "--health-cmd" in err
    path, *_ = cured("java-maven", "--health-cmd", "java -cp target/app.jar example.Health")
    assert 'HEALTHCHECK CMD ["java", "-cp", "target/app.jar", "example.Health"]\nCMD ["java"' in path.read_text()


@pytest.mark.parametrize("args, message", [
    (["--fix", "--health-url", "http://x/"], "--health-url needs --unsafe-fixes"),
    (["--fix", "--unsafe-fixes", "--health-url", "ftp://x/"], "is not an http:// or https:// URL"),
    (["--fix", "--unsafe-fixes", "--health-url", "http://x/", "--health-cmd", "true"], "give one"),
    (["--fix", "--unsafe-fixes", "--health-cmd", "'unclosed"], "cannot be split like a shell line"),
])
def test_bad_health_options_are_one_error_line(args, message, tmp_path, monkeypatch, capsys):
    shutil.copytree(CASES_DIR / "crime" / "input", tmp_path / "crime")
    monkeypatch.chdir(tmp_path / "crime")
    before = Path("Dockerfile").read_text()
    assert main(["check", *args, "Dockerfile"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert Path("Dockerfile").read_text() == before
