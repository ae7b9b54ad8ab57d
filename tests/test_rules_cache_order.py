"""Family 7: the whole context copied before a manifest-only dependency install."""

from __future__ import annotations

import pytest

from tests.support.rules import check_text, where


def test_copy_dot_before_pip_install_names_the_install_line_and_manifest():
    text = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    found = check_text(text, "DW701")
    assert where(found) == [(3, 6, 7)]
    assert "line 4" in found[0].message and "`requirements.txt`" in found[0].message


@pytest.mark.parametrize("install, manifest", [
    ("npm ci", "package-lock.json"),
    ("yarn install --frozen-lockfile", "yarn.lock"),
    ("go mod download", "go.mod"),
    ("bundle install", "Gemfile"),
    ("poetry install --no-root", "poetry.lock"),
    ("mvn -B dependency:go-offline", "pom.xml"),
    ("cargo fetch", "Cargo.toml"),
    ("python -m pip install -r req/prod.txt", "req/prod.txt"),
])
def test_each_ecosystem(install, manifest):
    found = check_text(f"FROM x:1\nWORKDIR /src\nADD ./ /src/\nRUN {install}\n", "DW701")
    assert where(found) == [(3, 5, 7)]
    assert manifest in found[0].message


def test_manifest_first_then_code_is_the_good_order():
    text = ("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\nCOPY . .\nRUN pip install --no-deps .\n")
    assert check_text(text, "DW701") == []


def test_adding_a_named_package_does_not_need_the_manifest():
    assert check_text("FROM node:22\nCOPY . .\nRUN npm install -g pm2\n", "DW701") == []


def test_copy_from_another_stage_is_not_the_context():
    text = "FROM node:22 AS b\nRUN true\nFROM node:22\nCOPY --from=b . .\nRUN npm ci\n"
    assert check_text(text, "DW701") == []


def test_install_in_another_stage_is_not_affected():
    text = "FROM node:22 AS deps\nCOPY package.json .\nRUN npm ci\nFROM node:22\nCOPY . .\nRUN node build.js\n"
    assert check_text(text, "DW701") == []
