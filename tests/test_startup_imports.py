"""`dockwise check` on one small file has a 150 ms budget (issue 3), most of it import time.

Timing belongs in benchmarks/check_startup.py, not in tests; what a test can hold steady is
*what* gets imported. Each module below cost several milliseconds on the check path before it
was made lazy or avoided; this test fails when one creeps back in, naming who imported it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

SMALL = """\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN apt-get update && apt-get install -y gcc && pip install -r requirements.txt
COPY . .
USER 10001
CMD ["python", "app.py"]
"""

# module -> why it must stay off the check path
AVOIDED = {
    "dataclasses": "defining a dataclass costs 0.5-1 ms; use dockwise._record",
    "inspect": "10 ms (dataclasses and pkgutil import it)",
    "pkgutil": "imports inspect; catalog lists the rule packages itself",
    "pathlib": "9 ms with urllib.parse and ipaddress; use os.path on the check path",
    "ipaddress": "5 ms",
    "tempfile": "only writers need it (inputs.atomic_write imports it on use)",
    "shutil": "4 ms with bz2 and lzma (argparse sizes help text with it; cli has its own formatter)",
    "importlib.resources": "tree_sitter_bash's __init__ imports it; model.shell loads the binding",
    "rich": "terminal tables for other commands only",
    "zstandard": "image layers only",
    "multiprocessing": "--jobs only",
    "concurrent.futures": "--jobs only",
    "jsonschema": "tests only",
}

PROBE = textwrap.dedent("""
    import json, sys
    preloaded = sorted(sys.modules)  # by the interpreter and site (.pth files), not dockwise
    importers = {}
    def who_imports(event, args):
        if event != "import" or args[0] in importers:
            return
        frame = sys._getframe(1)
        while frame and (frame.f_code.co_filename.startswith("<frozen")
                         or "importlib" in frame.f_code.co_filename):
            frame = frame.f_back
        importers[args[0]] = f"{frame.f_globals.get('__name__')}:{frame.f_lineno}" if frame else "?"
    sys.addaudithook(who_imports)
    from dockwise.cli import main
    code = main(["check", sys.argv[1]])
    sys.stdout.flush()
    sys.stderr.write(json.dumps({"code": code, "modules": sorted(set(sys.modules) - set(preloaded)),
                                 "importers": importers}))
""")


@pytest.fixture(scope="module")
def check_run(tmp_path_factory):
    directory = tmp_path_factory.mktemp("small")
    (directory / "Dockerfile").write_text(SMALL)
    (directory / "requirements.txt").write_text("flask==3.0.0\n")
    result = subprocess.run([sys.executable, "-c", PROBE, str(directory / "Dockerfile")],
                            capture_output=True, text=True, timeout=120)
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] == 1, result.stdout  # the file has findings: the rules did run
    assert "DL3008" in result.stdout and "DW401" in result.stdout
    return report


@pytest.mark.parametrize("module", sorted(AVOIDED))
def test_check_does_not_import(check_run, module):
    loaded = set(check_run["modules"])
    assert module not in loaded, (
        f"`dockwise check` imported {module} (first asked for by "
        f"{check_run['importers'].get(module, '?')}): {AVOIDED[module]}")


def test_check_imports_no_image_package(check_run):
    image_modules = [m for m in check_run["modules"] if m.startswith("dockwise.image")]
    assert image_modules == []
