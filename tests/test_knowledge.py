"""Shared knowledge (secrets, build tools, package caches): one list each, read by the
Dockerfile rules, the context analyzer and the image analyzer alike."""

from __future__ import annotations

import pytest

from dockwise.knowledge.build_tools import EXECUTABLES, build_tool_executable, is_build_tool_package
from dockwise.knowledge.package_caches import PACKAGE_CACHES, cache_dir, image_cache_kind, image_cache_of
from dockwise.knowledge.secrets import (
    secret_by_content, secret_by_name, secret_by_name_and_head, secret_file_kind,
)

KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"


# --- secrets ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    ".env.local.example", "app/.env.sample", "config/.env.production.template",  # templates
    "truststore.p12", "cacerts.jks", "ca-bundle.pem", "server-cert.key", "id_rsa.pub", "README.md", "config",
    "credentials", "config.json",  # only secrets in their usual folder
])
def test_not_a_secret_by_name(path):
    assert secret_by_name(path) is None


@pytest.mark.parametrize("path", [
    ".env", "svc/.env.production", "id_ed25519", "deploy/tls.key", "signing.p12", "app.jks",
    "user.ppk", "sample-cert.pfx", ".npmrc", "_netrc", ".git-credentials", "home/.aws/credentials", "x/.kube/config",
    "prod.kubeconfig", "kubeconfig.yaml", ".docker/config.json", ".azure/accessTokens.json",
    ".config/gcloud/credentials.db", "application_default_credentials.json", "terraform.tfstate",
    ".htpasswd", "secrets.yaml", "private-key.pem",
])
def test_secret_by_name(path):
    assert secret_by_name(path)


def test_the_three_readers_share_one_table():
    """A name every reader judges the same way: a template is never a secret, a keystore
    always is; a content reader needs the content where the kind has a test for it."""
    for path in (".env.local.example", "truststore.jks"):
        assert secret_by_name(path) is None
        assert secret_by_content(path, lambda: b"A=1\n") is None
        assert secret_by_name_and_head(path, b"") is None
    assert secret_by_name("signing.jks") and secret_by_content("signing.jks", lambda: b"")
    assert secret_by_name_and_head("signing.jks", b"")
    assert secret_by_content(".npmrc", lambda: b"registry=https://r\n") is None
    assert secret_by_content(".npmrc", lambda: b"//r/:_authToken=abc\n")


def test_application_default_credentials_need_no_service_account():
    """gcloud's application-default login writes a refresh token, not a service account: the
    context reader used to ask for `"type": "service_account"` and missed it."""
    refresh = b'{"client_id": "x", "refresh_token": "1//0g", "type": "authorized_user"}'
    assert secret_by_content("application_default_credentials.json", lambda: refresh)
    assert secret_by_name("application_default_credentials.json")


def test_content_is_read_only_when_it_decides():
    def never():
        raise AssertionError("read")
    assert secret_by_content("terraform.tfstate", never)
    assert secret_by_content("README.md", never) is None


def test_image_reader_judges_pem_files_by_their_header():
    assert secret_by_name_and_head("etc/ssl/private/site.key", b"-----BEGIN PRIVATE KEY-----\n")
    assert secret_by_name_and_head("usr/share/keyrings/repo.key", b"-----BEGIN PGP PUBLIC KEY BLOCK-----") is None
    assert secret_by_name_and_head("opt/app/anything", KEY) == "a private key"
    assert secret_by_name_and_head("opt/app/anything", b"") is None


def test_private_key_content_names_its_type():
    assert secret_by_content("deploy.pem", lambda: KEY) == "a private key (openssh private key)"
    assert secret_by_content("id_rsa", lambda: b"binary") == "a private key or keystore (by name)"
    assert secret_file_kind("cert.pem").by_name is False


# --- build tools -----------------------------------------------------------------------

def test_every_executable_belongs_to_a_build_tool_package():
    """The image rule looks for the executables of exactly the packages the Dockerfile rule knows."""
    for package in EXECUTABLES:
        assert is_build_tool_package(package), package


@pytest.mark.parametrize("path,tool", [
    ("usr/bin/gcc-12", "gcc"), ("usr/lib/gcc/x86_64-linux-gnu/12/cc1", "cc1"), ("usr/bin/gfortran", "gfortran"),
    ("usr/bin/ninja", "ninja"), ("usr/local/cuda/bin/nvcc", "nvcc"), ("usr/bin/g++", "g++"),
    ("usr/share/doc/make", None), ("usr/bin/gccgo-wrapper", None),
])
def test_build_tool_executables(path, tool):
    assert build_tool_executable(path) == tool


@pytest.mark.parametrize("name,tool", [
    ("gcc", True), ("libpq-dev", True), ("gcc-12.2.1", True), ("openjdk-17-jdk-headless", True),
    ("curl", False), ("ca-certificates", False), ("openjdk-17-jre", False),
])
def test_build_tool_packages(name, tool):
    assert is_build_tool_package(name) is tool


# --- package caches --------------------------------------------------------------------

def test_image_and_dockerfile_rules_name_the_same_cache_directories():
    assert cache_dir("apt-get") == "/var/lib/apt/lists"
    assert cache_dir("pip") == "/root/.cache/pip"
    assert cache_dir("npm") == "/root/.npm/_cacache"
    for cache in PACKAGE_CACHES:
        inside = cache.path[1:] + "/file"
        assert image_cache_of(inside) == cache.path[1:]
        assert image_cache_kind(cache.path[1:]) == cache.what


@pytest.mark.parametrize("path,cache", [
    ("home/app/.cache/pypoetry/cache/x.whl", "home/app/.cache/pypoetry"),
    ("home/app/.cache/pipenv/http/x", "home/app/.cache/pipenv"),
    ("home/app/.npm/_cacache/index", "home/app/.npm/_cacache"),
    ("home/app/.npm/_logs/debug.log", None),
    ("var/lib/apt/lists", None),
])
def test_home_directories_have_the_same_caches_as_root(path, cache):
    assert image_cache_of(path) == cache


# --- the readers, end to end -----------------------------------------------------------

def test_image_rules_read_the_shared_lists(tmp_path):
    from dockwise.image.analyze import analyze
    from dockwise.engine.image import check_image
    from dockwise.image.rules.base import ImageOptions
    from tests.support.image_kit import file, layer_tar, write_oci_layout

    layout = write_oci_layout(tmp_path / "img", [layer_tar(
        file("usr/bin/gfortran", 100, mode=0o755), file("home/app/.cache/pypoetry/a.whl", 500),
        file("app/signing.p12", 10), file("app/truststore.p12", 10), file("app/.env.local.example", 10),
        file("app/terraform.tfstate", 10))])
    found = check_image(analyze(str(layout)), ImageOptions())
    assert {f.extra["tool"] for f in found if f.code == "DI004"} == {"gfortran"}
    assert {f.extra["path"] for f in found if f.code == "DI005"} == {"/home/app/.cache/pypoetry"}
    assert {f.extra["path"] for f in found if f.code == "DI007"} == {"/app/signing.p12", "/app/terraform.tfstate"}


def test_context_reads_the_shared_list(tmp_path):
    from tests.support.context import context_target, make_tree

    make_tree(tmp_path, {"application_default_credentials.json": '{"type": "authorized_user"}',
                         ".env.local.example": "A=1\n", "deploy/_netrc": "machine x password y\n",
                         "Dockerfile": "FROM a\n"})
    target = context_target(str(tmp_path), str(tmp_path / "Dockerfile"))
    assert {s.path for s in target.secrets} == {"application_default_credentials.json", "deploy/_netrc"}


# --- the Dockerfile rules read the same lists ------------------------------------------

def test_dw913_judges_copy_sources_by_the_shared_table():
    """DW913 had its own globs: it flagged templates and truststores and missed keystores
    that are not named keystore.jks, and Terraform state."""
    from tests.support.rules import check_text

    text = "FROM alpine\nCOPY .env.local.example truststore.p12 app.jks terraform.tfstate .npmrc /app/\n"
    flagged = [f.message.split("`")[1] for f in check_text(text, "DW913")]
    assert flagged == ["app.jks", "terraform.tfstate", ".npmrc"]


def test_npm_cache_is_its_cacache_directory_in_every_rule():
    """npm's cache is ~/.npm/_cacache (the image rule's path): removing it cleans the cache
    (DW801 reported it as left), and removing it in a later RUN only hides it (DW301 missed it)."""
    from tests.support.rules import check_text

    same_run = "FROM node:22\nRUN npm ci && rm -rf /root/.npm/_cacache\n"
    assert check_text(same_run, "DW801") == []
    later = "FROM node:22\nRUN npm ci\nRUN rm -rf /root/.npm/_cacache\n"
    [hidden] = check_text(later, "DW301")
    assert "filled /root/.npm/_cacache" in hidden.message and hidden.location.line == 3
    assert check_text("FROM node:22\nRUN npm ci && rm -rf /root/.npm\n", "DW801") == []
