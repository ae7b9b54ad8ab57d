"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real ``pre-commit`` against a
throwaway git repository, with this checkout as the hook repository (its working tree, so the
hooks tested are the code under test, committed or not)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from dockwise.discovery import is_dockerfile_name
from tests.support.checkout import ROOT, copy_installable

HOOKS = os.path.join(ROOT, ".pre-commit-hooks.yaml")
DOCKERFILE = "FROM python:3.12-slim\nRUN pip install flask\nCMD python app.py\n"


def git(cwd, *args) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def hooks() -> dict[str, dict]:
    with open(HOOKS, encoding="utf-8") as fh:
        return {hook["id"]: hook for hook in yaml.safe_load(fh)}


@pytest.mark.parametrize("path", [
    "Dockerfile", "dockerfile", "svc/Containerfile", "svc/api.Dockerfile", "api.dockerfile",
    "Dockerfile.prod", "deploy/Containerfile.dev", ".dockerignore", "svc/.dockerignore",
    "Dockerfile.dockerignore", "api.Dockerfile.dockerignore",
    "README.md", "Dockerfile.", ".dockerfile", "Dockerfiles", "docs/dockerfile.md.txt/x",
    "mydockerfile", "Dockerfile-old", "dockerignore", "src/app.py",
])
def test_hook_files_pattern_matches_what_discovery_finds(path):
    name = path.rsplit("/", 1)[-1]
    wanted = is_dockerfile_name(name) or name.lower().endswith(".dockerignore")
    for hook in hooks().values():
        assert bool(re.search(hook["files"], path)) is wanted, (hook["id"], path)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[str, str]:
    """A git repository holding what pip installs from this checkout, and its commit."""
    repo = tmp_path_factory.mktemp("hook-repo")
    copy_installable(repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    return str(repo), git(repo, "rev-parse", "HEAD")


@pytest.fixture
def project(tmp_path, hook_repo):
    repo_path, rev = hook_repo
    project = tmp_path / "project"
    (project / "svc").mkdir(parents=True)
    (project / "Dockerfile").write_text(DOCKERFILE)
    (project / "svc" / "api.Dockerfile").write_text('FROM debian:12\nRUN apt-get install -y curl\n')
    (project / ".dockerignore").write_text(".git\n*.log\n")
    (project / "README.md").write_text("FROM is not a Dockerfile here\n")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo_path}\n  rev: {rev}\n  hooks:\n  - id: dockwise\n  - id: dockwise-fix\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    return project


def pre_commit(project, home, hook: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", hook, "--all-files", "--color", "never"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_pre_commit_runs_the_check_and_the_fix_hooks(project, tmp_path_factory):
    home = tmp_path_factory.mktemp("pre-commit-home")  # the hook environment, installed once
    result = pre_commit(project, home, "dockwise")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Dockerfile:2:5: DL3042 [warning]" in output
    assert "Dockerfile:3:5: DL3025 [warning]" in output
    assert "svc/api.Dockerfile:2:24: DL3008 [info]" in output  # unpinned apt packages: info since DL3008 gives mirror-proof advice
    assert "README.md" not in output
    assert (project / "Dockerfile").read_text() == DOCKERFILE  # the check hook changes nothing

    result = pre_commit(project, home, "dockwise-fix")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "files were modified by this hook" in output
    fixed = (project / "Dockerfile").read_text()
    assert "pip install --no-cache-dir flask" in fixed
    assert "CMD python app.py" in fixed  # an unsafe fix (exec form) is left alone
