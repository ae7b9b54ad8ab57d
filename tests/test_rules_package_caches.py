"""Family 8: language package-manager caches in layers, and unpinned language packages."""

from __future__ import annotations

from dockwise.syntax import parse_dockerfile
from tests.support.rules import apply, check_text, where


def test_pip_without_no_cache_dir_all_spellings_with_fix():
    text = ("FROM python:3.12.7-slim\n"
            "RUN pip install -r requirements.txt \\\n"
            "    && python3 -m pip install flask==3.0.3\n")
    found = check_text(text, "DL3042")
    assert where(found) == [(2, 5, 16), (3, 8, 30)]
    fixed = apply(text, found[0].fix)
    assert "pip install --no-cache-dir -r requirements.txt" in fixed
    assert where(check_text(fixed, "DL3042")) == [(3, 8, 30)]


def test_pip_cache_disabled_by_env_mount_or_cleanup():
    for text in (
        "FROM python:3.12.7-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x==1\n",
        "FROM python:3.12.7-slim AS base\nENV PIP_NO_CACHE_DIR=on\nFROM base\nRUN pip install x==1\n",
        "FROM python:3.12.7-slim\nRUN PIP_NO_CACHE_DIR=true pip install x==1\n",
        "FROM python:3.12.7-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install x==1\n",
        "FROM python:3.12.7-slim\nRUN pip install x==1 && pip cache purge\n",
    ):
        assert check_text(text, "DL3042") == [], text


def test_pip_cache_env_set_false_still_fires():
    text = "FROM python:3.12.7-slim\nENV PIP_NO_CACHE_DIR=0\nRUN pip install x==1\n"
    assert where(check_text(text, "DL3042")) == [(3, 5, 16)]


def test_pip_pins():
    text = ("FROM python:3.12.7-slim\n"
            "RUN pip install --no-cache-dir -i https://pypi.example/simple flask 'django>=5' ./local "
            "git+https://example.com/a.git@v1 git+https://example.com/b.git\n")
    found = check_text(text, "DL3013")
    assert where(found) == [(2, 63, 68)]
    assert "`flask`, `git+https://example.com/b.git` are installed without a version" in found[0].message


def test_yarn_cache_in_shipping_stage_only():
    text = ("FROM node:20.18.1 AS deps\nRUN yarn install --frozen-lockfile\n"
            "FROM node:20.18.1\nRUN yarn && yarn build\nRUN yarn install && yarn cache clean\n")
    assert where(check_text(text, "DL3060")) == [(4, 5, 9)]


def test_npm_cache():
    text = ("FROM node:20.18.1\nRUN npm ci --omit=dev\n"
            "RUN --mount=type=cache,target=/root/.npm npm ci\n"
            "RUN npm install -g pnpm@9.15.0 && npm cache clean --force\n")
    found = check_text(text, "DW801")
    assert where(found) == [(2, 5, 11)]
    assert "--mount=type=cache,target=/root/.npm" in found[0].message


def test_npm_pins():
    text = "FROM node:20.18.1\nRUN npm install -g typescript @scope/pkg@1.2.3 @scope/other && npm ci\n"
    found = check_text(text, "DL3016")
    assert where(found) == [(2, 20, 30)]
    assert found[0].extra["packages"] == ["typescript", "@scope/other"]


def test_gem_pins_and_documentation():
    text = ("FROM debian:12.8\nRUN gem install bundler rails:7.2.2\nRUN gem install -N rake -v 13.2.1\n")
    assert where(check_text(text, "DL3028")) == [(2, 17, 24)]
    found = check_text(text, "DW802")
    assert where(found) == [(2, 5, 16)]
    assert "gem install --no-document bundler" in apply(text, found[0].fix)


def test_gem_documentation_is_off_in_official_ruby_images():
    assert check_text("FROM ruby:3.3.6-slim\nRUN gem install bundler:2.5.22\n", "DW802") == []


def test_poetry_cache():
    text = ("FROM python:3.12.7-slim\nRUN poetry install --only main\n"
            "RUN poetry install --no-cache\n"
            "ENV POETRY_CACHE_DIR=/tmp/poetry\nRUN poetry install && rm -rf /tmp/poetry\n")
    assert where(check_text(text, "DW803")) == [(2, 5, 19)]


def test_pipenv_cache():
    text = ("FROM python:3.12.7-slim\nRUN pip install --no-cache-dir pipenv==2024.4.0 "
            "&& pipenv install --system --deploy\n"
            "RUN --mount=type=cache,target=/root/.cache pipenv sync --system\n"
            "RUN pipenv install --system && rm -rf /root/.cache/pipenv\n")
    assert where(check_text(text, "DW804")) == [(2, 52, 66)]


def test_go_pins():
    text = ("FROM golang:1.23.4\nRUN go install golang.org/x/tools/gopls@latest ./cmd/...\n"
            "RUN go run example.com/gen@v1.2.3 input.txt && go get -tool example.com/lint\n"
            "RUN go install -ldflags=-s example.com/tool@v0.3.0\n")
    found = check_text(text, "DL3062")
    assert where(found) == [(2, 16, 47), (3, 61, 77)]
    assert found[0].message.startswith("`golang.org/x/tools/gopls` is installed without a version")


def test_uv_cache():
    text = ("FROM python:3.12.7-slim\nRUN uv pip install --system -r requirements.txt\n"
            "RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked\n"
            "RUN uv sync --no-cache && UV_NO_CACHE=1 uv tool install ruff==0.8.4\n"
            "RUN uv sync && uv cache clean\n")
    found = check_text(text, "DW805")
    assert where(found) == [(2, 5, 19)]
    assert found[0].message.startswith("`uv pip install` keeps every downloaded wheel")


def test_npm_cache_fix_lands_before_a_trailing_comment_and_clears_the_finding():
    from dockwise.model.shell import parse_run

    text = "FROM node:22.11.0\nRUN npm install -g pnpm@9.12.0 # package manager\n"
    found = check_text(text, "DW801")
    assert found and found[0].fix is not None
    fixed = apply(text, found[0].fix)
    run = parse_dockerfile(fixed, "Dockerfile").instructions[1]
    assert ["npm", "cache", "clean", "--force"] in [[w.text for w in c.argv] for c in parse_run(run).commands]
    assert fixed.rstrip().endswith("# package manager")
    assert check_text(fixed, "DW801") == []


# -- abbreviated options and cache commands ----------------------------------------------------

def test_pip_takes_an_abbreviated_no_cache_dir():
    text = "FROM python:3.12\nRUN pip install --no-cache notebook==1\nRUN pip install --no-ca x==1\n"
    assert check_text(text, "DL3042") == []


def test_npm_cache_clear_is_npm_cache_clean():
    text = "FROM node:22\nRUN npm install -g npm@2.1.18 && npm cache clear\n"
    assert check_text(text, "DW801") == []
