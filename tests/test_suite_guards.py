"""The suite's own guards (tests/conftest.py): a test that reads the corpus or runs buildah
without its marker fails, so `-m "not corpus and not buildah"` really leaves them out; each test
has a temp folder of its own. Each guard is tried on a small suite run in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

INI = """[pytest]
markers =
    corpus: reads the corpus
    buildah: builds images
"""


@pytest.fixture
def suite(pytester, monkeypatch):
    """A folder for a small suite using the project's conftest, with a corpus of one file."""
    corpus = pytester.path / "corpus"
    (corpus / "real").mkdir(parents=True)
    (corpus / "real" / "Dockerfile").write_text("FROM a\n")
    monkeypatch.setenv("DOCKWISE_CORPUS", str(corpus))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini(INI)
    pytester.makeconftest('pytest_plugins = ["tests.conftest"]\n')
    return pytester


def test_a_test_using_the_corpus_or_buildah_fixture_without_its_marker_stops_the_run(suite):
    suite.makepyfile(test_fixtures="""
        import pytest

        def test_corpus_unmarked(corpus):
            pass

        @pytest.mark.corpus
        def test_corpus_marked(corpus):
            pass

        def test_buildah_unmarked(buildah):
            pass
    """)
    result = suite.runpytest_subprocess("-m", "not corpus and not buildah")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = result.stderr.str()
    assert "test_corpus_unmarked uses the `corpus` fixture without @pytest.mark.corpus" in errors
    assert "test_buildah_unmarked uses the `buildah` fixture without @pytest.mark.buildah" in errors
    assert "test_corpus_marked" not in errors


def test_a_test_reading_the_corpus_or_running_buildah_without_its_marker_fails(suite):
    suite.makepyfile(test_reads="""
        import os
        import subprocess
        import sys

        import pytest

        from tests.conftest import CORPUS, corpus_dir

        def test_open_unmarked():
            open(CORPUS / "real" / "Dockerfile").read()

        def test_listing_unmarked():
            os.listdir(CORPUS / "real")

        def test_corpus_dir_unmarked():
            corpus_dir("real")

        def test_swallowed_unmarked():
            try:
                (CORPUS / "real" / "Dockerfile").read_text()
            except Exception:
                pass

        def test_subprocess_given_a_corpus_path_unmarked():
            subprocess.run([sys.executable, "-c", "pass", str(CORPUS / "real")])

        def test_buildah_unmarked():
            try:
                subprocess.run(["buildah", "--version"], capture_output=True)
            except Exception:
                pass

        @pytest.mark.corpus
        def test_open_marked():
            assert (corpus_dir("real") / "Dockerfile").read_text() == "FROM a\\n"

        def test_no_corpus():
            assert CORPUS.name == "corpus"  # naming the path reads nothing
    """)
    result = suite.runpytest_subprocess("-p", "no:cacheprovider")
    out = result.stdout.str()
    assert result.parseoutcomes() == {"passed": 2, "failed": 6}, out
    for name in ("open", "listing", "corpus_dir", "swallowed", "subprocess_given_a_corpus_path"):
        assert f"test_{name}_unmarked reads the shared corpus" in out
    assert "test_buildah_unmarked runs buildah without @pytest.mark.buildah" in out


def test_each_test_has_an_empty_temp_folder_of_its_own(tmp_path_factory):
    folder = tempfile.gettempdir()
    assert os.listdir(folder) == []
    assert os.environ["TMPDIR"] == folder
    assert Path(folder).is_relative_to(tmp_path_factory.getbasetemp())  # not the machine's
    child = subprocess.run([sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
                           capture_output=True, text=True, check=True)
    assert child.stdout.strip() == folder
    with tempfile.NamedTemporaryFile() as handle:
        assert os.path.dirname(handle.name) == folder


@pytest.mark.parametrize("round", [1, 2])
def test_what_one_test_leaves_in_its_temp_folder_no_other_sees(round):
    assert os.listdir(tempfile.gettempdir()) == []
    tempfile.mkstemp()  # left behind on purpose
