"""The cure on built fixtures: run tests/test_cure_builds.py (every project of
tests/cure_builds built as written and as ``dockwise check --fix --unsafe-fixes`` leaves it,
with buildah and the debootstrap stand-in bases) and print its table of sizes as markdown,
with the test run's wall time and result.

    sudo python3 benchmarks/cure_builds.py [-k EXPR]

Needs what the test needs: root, buildah, debootstrap and the Debian mirror, PyPI and npm.
Set DOCKWISE_TEST_CACHE to an empty folder to include the making of the base images.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default="", help="only the fixtures this pytest -k expression selects")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cure-builds-") as work:
        table = Path(work) / "table.md"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_cure_builds.py"]
        if args.k:
            command += ["-k", args.k]
        started = time.monotonic()
        proc = subprocess.run(command, cwd=ROOT, env={**os.environ, "DOCKWISE_CURE_BUILDS_TABLE": str(table)},
                              capture_output=True, text=True)
        seconds = time.monotonic() - started
        summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        if not table.is_file():
            print(proc.stdout[-4000:] + proc.stderr[-2000:], file=sys.stderr)
            return 2
        print(table.read_text(), end="")
        print(f"\ntests/test_cure_builds.py: {summary} (wall time {seconds / 60:.1f} min)")
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
