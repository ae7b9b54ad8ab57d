"""`dockwise check --fix --verify` with real buildah builds: the fixes are written only when
the fixed Dockerfile builds and its smoke check passes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.buildah


def _project(root, run_line: str, cmd: str = 'cmd ["sleep", "30"]'):
    """A context whose .git the fixes keep out of it (a .dockerignore), and one lower-case
    keyword they correct; ``run_line`` decides whether the fixed build can still work."""
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "pack").write_bytes(b"\0" * 3_000_000)
    (root / "app.txt").write_text("hello\n")
    text = f"FROM {{base}}\nWORKDIR /ctx\nCOPY . /ctx\n{run_line}\n{cmd}\n"
    return text


def _rows(table: str) -> dict[str, list[str]]:
    """The before/after table: row name -> [before, after]."""
    rows = {}
    for line in table.splitlines():
        if line.startswith("  ") and line.strip():
            name, *cells = re.split(r"\s{2,}", line.strip())
            rows[name] = cells
    return rows


def _verify(buildah, root, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockwise", "check", "--fix", "--unsafe-fixes", "--verify",
                           "--build-store", str(buildah.root), "--pull", "never", *extra, "Dockerfile"],
                          cwd=root, capture_output=True, text=True)


def test_a_fix_whose_build_fails_is_not_written(buildah, tmp_path):
    # the build reads the git metadata that the written .dockerignore would keep out
    text = _project(tmp_path, "RUN cat /ctx/.git/HEAD > /ctx/version").format(base=buildah.base_image())
    (tmp_path / "Dockerfile").write_text(text)
    proc = _verify(buildah, tmp_path, "--smoke-cmd", "cat /ctx/version")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (tmp_path / "Dockerfile").read_text() == text
    assert not (tmp_path / ".dockerignore").exists()
    assert ("Dockerfile:4: error: fixes not written: with the fixes, the build fails at this line: "
            "RUN cat /ctx/.git/HEAD > /ctx/version") in proc.stderr
    assert "can't open '/ctx/.git/HEAD'" in proc.stderr  # the end of the build log
    assert "Traceback" not in proc.stderr
    before, after = _rows(proc.stdout)["build"]
    assert before.startswith("ok (") and after.startswith("FAILED (")
    assert "Verdict: the fixed Dockerfile does not build: fixes not written." in proc.stdout


def test_a_fix_that_builds_and_passes_the_smoke_check_is_written(buildah, tmp_path):
    text = _project(tmp_path, "RUN cat /ctx/app.txt > /ctx/version").format(base=buildah.base_image())
    (tmp_path / "Dockerfile").write_text(text)
    proc = _verify(buildah, tmp_path, "--smoke-cmd", "cat /ctx/version")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # written; findings without a fix remain
    assert (tmp_path / "Dockerfile").read_text() == text.replace('cmd ["sleep"', 'CMD ["sleep"')
    assert ".git" in (tmp_path / ".dockerignore").read_text().splitlines()
    rows = _rows(proc.stdout)
    assert [cell.split()[0] for cell in rows["build"]] == ["ok", "ok"]
    assert "smaller" in rows["size"][1]  # the .git the context no longer sends
    assert all(cell.startswith("command `cat /ctx/version`: passed") for cell in rows["smoke check"])
    assert rows["entrypoint/cmd"] == ["sleep 30", "sleep 30"]
    assert "Verdict: the fixed Dockerfile builds, the fixed image passes the smoke check: fixes written." in proc.stdout
    assert "Fixed 2 findings." in proc.stdout


def test_a_fix_that_fails_the_smoke_check_is_not_written(buildah, tmp_path):
    text = _project(tmp_path, "RUN cat /ctx/app.txt > /ctx/version").format(base=buildah.base_image())
    (tmp_path / "Dockerfile").write_text(text)
    proc = _verify(buildah, tmp_path, "--smoke-cmd", "cat /ctx/.git/HEAD")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (tmp_path / "Dockerfile").read_text() == text
    assert not (tmp_path / ".dockerignore").exists()
    assert "Dockerfile: error: fixes not written: the smoke check fails on the fixed image: exit 1" in proc.stderr
    assert "Verdict: the fixed image fails the smoke check: fixes not written." in proc.stdout


def test_the_healthcheck_is_the_smoke_check_when_none_is_given(buildah, tmp_path):
    text = _project(tmp_path, "RUN cat /ctx/app.txt > /ctx/version",
                    cmd='HEALTHCHECK CMD ["cat", "/ctx/.git/HEAD"]\ncmd ["sleep", "30"]').format(base=buildah.base_image())
    (tmp_path / "Dockerfile").write_text(text)
    proc = _verify(buildah, tmp_path, "--smoke-timeout", "8")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (tmp_path / "Dockerfile").read_text() == text
    before, after = _rows(proc.stdout)["smoke check"]
    assert before.startswith("HEALTHCHECK: passed") and after.startswith("HEALTHCHECK: FAILED")


def test_the_smoke_url_is_fetched_from_each_running_image(buildah, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    text = (f"FROM {buildah.base_image()}\nRUN mkdir /www && echo ok > /www/health\n"
            f'cmd ["busybox", "httpd", "-f", "-p", "127.0.0.1:{port}", "-h", "/www"]\n')
    (tmp_path / "Dockerfile").write_text(text)
    proc = _verify(buildah, tmp_path, "--smoke-url", f"http://127.0.0.1:{port}/health", "--smoke-timeout", "20")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    before, after = _rows(proc.stdout)["smoke check"]
    assert before.startswith(f"GET http://127.0.0.1:{port}/health: passed (HTTP 200")
    assert after.startswith(f"GET http://127.0.0.1:{port}/health: passed (HTTP 200")
    assert (tmp_path / "Dockerfile").read_text() == text.replace("cmd [", "CMD [")
    with socket.socket() as sock:  # the service was stopped after its check
        assert sock.connect_ex(("127.0.0.1", port)) != 0


SCRIPT = '#!/bin/sh\necho starting\n"$@"\n'  # its last command does not `exec`: DW601


def _script_project(buildah, root) -> str:
    """An image whose ENTRYPOINT is a context script that DW601's fix gives `exec`."""
    (root / "entry.sh").write_text(SCRIPT)
    (root / "entry.sh").chmod(0o755)
    text = (f"FROM {buildah.base_image()}\nCOPY entry.sh /entry.sh\nUSER 1000:1000\n"
            'ENTRYPOINT ["/entry.sh"]\nCMD ["sleep", "30"]\n')
    (root / "Dockerfile").write_text(text)
    return text


def test_a_fixed_entrypoint_script_is_built_into_the_after_image_and_written_when_proven(buildah, tmp_path):
    text = _script_project(buildah, tmp_path)
    # the smoke check reads the script the image holds: only the fixed one has `exec`
    proc = _verify(buildah, tmp_path, "--select", "DW601", "--smoke-cmd", 'busybox grep -q "^exec " /entry.sh')
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    before, after = _rows(proc.stdout)["smoke check"]
    assert before.startswith("command `busybox grep") and "FAILED" in before
    assert "passed" in after
    assert (tmp_path / "entry.sh").read_text() == '#!/bin/sh\necho starting\nexec "$@"\n'
    assert (tmp_path / "entry.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "Dockerfile").read_text() == text


def test_a_fixed_entrypoint_script_is_not_written_when_the_proof_fails(buildah, tmp_path):
    _script_project(buildah, tmp_path)
    proc = _verify(buildah, tmp_path, "--select", "DW601", "--smoke-cmd", 'busybox grep -q "^\\"" /entry.sh')
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "the smoke check fails on the fixed image" in proc.stderr
    assert (tmp_path / "entry.sh").read_text() == SCRIPT
