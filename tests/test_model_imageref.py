"""Image references: Docker's normalisation and validity rules."""

from __future__ import annotations

import pytest

from dockwise.model.imageref import parse_image_ref

D64 = "sha256:" + "a" * 64


@pytest.mark.parametrize("text, registry, repository, tag, digest, familiar", [
    ("python", "docker.io", "library/python", None, None, "python"),
    ("python:3.12-slim", "docker.io", "library/python", "3.12-slim", None, "python:3.12-slim"),
    ("library/python:3", "docker.io", "library/python", "3", None, "python:3"),
    ("docker.io/library/python:3", "docker.io", "library/python", "3", None, "python:3"),
    ("index.docker.io/library/python", "docker.io", "library/python", None, None, "python"),
    ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None, "bitnami/redis:7.2"),
    ("ghcr.io/org/team/app:v1", "ghcr.io", "org/team/app", "v1", None, "ghcr.io/org/team/app:v1"),
    ("localhost/app", "localhost", "app", None, None, "localhost/app"),
    ("localhost:5000/app:dev", "localhost:5000", "app", "dev", None, "localhost:5000/app:dev"),
    ("registry.example.com:443/a/b", "registry.example.com:443", "a/b", None, None,
     "registry.example.com:443/a/b"),
    ("Registry/app", "Registry", "app", None, None, "Registry/app"),
    ("[::1]:5000/app", "[::1]:5000", "app", None, None, "[::1]:5000/app"),
    ("10.0.0.1:5000/app:1", "10.0.0.1:5000", "app", "1", None, "10.0.0.1:5000/app:1"),
    (f"python@{D64}", "docker.io", "library/python", None, D64, f"python@{D64}"),
    (f"python:3.12@{D64}", "docker.io", "library/python", "3.12", D64, f"python:3.12@{D64}"),
    ("my-org/my__app.x:TAG_1.0-rc", "docker.io", "my-org/my__app.x", "TAG_1.0-rc", None,
     "my-org/my__app.x:TAG_1.0-rc"),
])
def test_valid_references_are_normalised(text, registry, repository, tag, digest, familiar):
    ref = parse_image_ref(text)
    assert ref is not None
    assert (ref.registry, ref.repository, ref.tag, ref.digest, ref.familiar) == (
        registry, repository, tag, digest, familiar)
    assert ref.raw == text
    assert ref.pinned_by_digest is (digest is not None)
    assert ref.name == repository.rsplit("/", 1)[-1]


@pytest.mark.parametrize("text", [
    "", "scratch", "SCRATCH", "Python:3", "org/App", "python:", "python:-bad", ":3",
    "python@sha256:abc", f"python@md5:{'a' * 64}", f"python@sha256:{'A' * 64}",
    "python:3 ", " python", "a//b", "a/b/", "-a", "a-", "python:${TAG}", "${IMAGE}",
    "a" * 64, "host:port/app", "python:" + "t" * 129, "a..b", "a___b",
])
def test_invalid_references_are_rejected(text):
    assert parse_image_ref(text) is None


def test_effective_tag_and_hub_helpers():
    assert parse_image_ref("python").effective_tag == "latest"
    assert parse_image_ref(f"python@{D64}").effective_tag is None
    assert parse_image_ref("python:3").is_official
    assert not parse_image_ref("bitnami/redis").is_official
    assert not parse_image_ref("quay.io/python").is_official
    assert str(parse_image_ref("python:3")) == "docker.io/library/python:3"


@pytest.mark.parametrize("text, registry, repository, tag", [
    ("test_com", "docker.io", "library/test_com", None),
    ("test.com:5000", "docker.io", "library/test.com", "5000"),  # no slash: a tag, not a port
    ("test:5000/repo", "test:5000", "repo", None),
    ("test-com:8080/foo", "test-com:8080", "foo", None),
    ("foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080"),
    ("192.168.1.1", "docker.io", "library/192.168.1.1", None),
    ("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050"),
    ("[2001:db8::1]/repo", "[2001:db8::1]", "repo", None),
    ("b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app", "test.example.com"),
    ("xn--n3h.com/img:xn--n3h.com", "xn--n3h.com", "img", "xn--n3h.com"),
    ("lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase"),
])
def test_registry_detection_like_docker(text, registry, repository, tag):
    ref = parse_image_ref(text)
    assert (ref.registry, ref.repository, ref.tag) == (registry, repository, tag)


@pytest.mark.parametrize("text", [
    "[2001:db8::1]", "[2001:db8::1]:5000", "[fe80::1%eth0]:5000/repo", "aa/asdf$$^/aa",
    "test:5000/Uppercase/lowercase:tag", "repo@sha256:" + "f" * 34, "@sha256:" + "f" * 64,
    "a/" * 123 + "a",  # 247 characters, but 257 once normalised to docker.io/...
])
def test_more_invalid_references(text):
    assert parse_image_ref(text) is None


def test_long_name_within_limit_after_normalisation():
    assert parse_image_ref("a/" * 123 + "a:t") is None
    assert parse_image_ref("a/" * 122 + "a:t").tag == "t"  # exactly 255 as docker.io/a/...
    assert parse_image_ref(f"img@sha512:{'f' * 128}").digest.startswith("sha512:")
