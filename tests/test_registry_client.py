"""The registry client's parts that need no registry: references, the auth challenge, where
credentials come from (the Docker config file, its credential helpers), rates and durations."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from dockwise.cli import main
from dockwise.errors import ImageError
from dockwise.image.registry.auth import find_credentials, parse_challenge
from dockwise.image.registry.client import is_loopback
from dockwise.image.source import is_registry_reference
from dockwise.units import human_duration, human_rate, parse_rate


@pytest.mark.parametrize("name", ["127.0.0.1:5000/team/app:1.4", "docker://python", "ghcr.io/org/app",
                                  "python:3.12", "registry.example:5000/team/app@sha256:" + "a" * 64,
                                  "localhost/app"])
def test_references_read_as_registry_images(name):
    assert is_registry_reference(name)


@pytest.mark.parametrize("name", ["app.tar", "missing.tar", "-", "./app:1.0", "/abs/app:1.0", "oci://layout",
                                  "python", "Not A Ref"])
def test_file_names_stay_files(name):
    assert not is_registry_reference(name)


def test_an_existing_file_wins_over_a_reference(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app:1.4").write_text("")
    assert not is_registry_reference("app:1.4")


def test_bearer_challenge_parameters():
    found = parse_challenge('Bearer realm="https://auth.example/token",service="registry.example",'
                            'scope="repository:team/app:pull,push"')
    assert found.scheme == "bearer"
    assert found.params == {"realm": "https://auth.example/token", "service": "registry.example",
                            "scope": "repository:team/app:pull,push"}
    assert parse_challenge('Basic realm="x"').scheme == "basic"


@pytest.mark.parametrize("host,loopback", [("127.0.0.1:5000", True), ("localhost", True), ("[::1]:5000", True),
                                           ("127.3.2.1", True), ("10.0.0.1:5000", False),
                                           ("registry.example", False), ("localhost.example:443", False)])
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def write_config(tmp_path, monkeypatch, config: dict) -> None:
    (tmp_path / "config.json").write_text(json.dumps(config))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))


def test_auths_entry_is_base64_user_and_password(tmp_path, monkeypatch):
    auth = base64.b64encode(b"bot:pa:ss").decode()
    write_config(tmp_path, monkeypatch, {"auths": {"https://registry.example": {"auth": auth}}})
    creds = find_credentials("registry.example")
    assert (creds.username, creds.secret) == ("bot", "pa:ss")
    assert find_credentials("other.example") is None


def test_docker_hub_credentials_live_under_the_v1_key(tmp_path, monkeypatch):
    auth = base64.b64encode(b"hubuser:tok").decode()
    write_config(tmp_path, monkeypatch, {"auths": {"https://index.docker.io/v1/": {"auth": auth}}})
    assert find_credentials("docker.io").username == "hubuser"


def test_a_broken_auth_entry_is_one_clear_error(tmp_path, monkeypatch):
    write_config(tmp_path, monkeypatch, {"auths": {"registry.example": {"auth": "%%%"}}})
    with pytest.raises(ImageError, match="not base64 of user:password"):
        find_credentials("registry.example")


def helper(tmp_path, monkeypatch, name: str, script: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / f"docker-credential-{name}"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")


def test_cred_helpers_come_before_the_store_and_auths(tmp_path, monkeypatch):
    helper(tmp_path, monkeypatch, "special", 'echo \'{"Username": "from-helper", "Secret": "s1"}\'\n')
    helper(tmp_path, monkeypatch, "store", 'echo \'{"Username": "from-store", "Secret": "s2"}\'\n')
    auth = base64.b64encode(b"from-auths:s3").decode()
    write_config(tmp_path, monkeypatch, {"credHelpers": {"a.example": "special"}, "credsStore": "store",
                                         "auths": {"a.example": {"auth": auth}, "b.example": {"auth": auth}}})
    assert find_credentials("a.example").username == "from-helper"
    assert find_credentials("b.example").username == "from-store"


def test_a_store_without_the_registry_falls_back_to_auths(tmp_path, monkeypatch):
    helper(tmp_path, monkeypatch, "store", 'echo "credentials not found in native keychain"; exit 1\n')
    auth = base64.b64encode(b"from-auths:s3").decode()
    write_config(tmp_path, monkeypatch, {"credsStore": "store", "auths": {"b.example": {"auth": auth}}})
    assert find_credentials("b.example").username == "from-auths"
    assert find_credentials("c.example") is None


def test_a_missing_helper_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    write_config(tmp_path, monkeypatch, {"credsStore": "desktop"})
    with pytest.raises(ImageError, match="docker-credential-desktop is not on PATH"):
        find_credentials("registry.example")


def test_an_identity_token_from_a_helper(tmp_path, monkeypatch):
    helper(tmp_path, monkeypatch, "tok", 'echo \'{"Username": "<token>", "Secret": "refresh-me"}\'\n')
    write_config(tmp_path, monkeypatch, {"credsStore": "tok"})
    assert find_credentials("registry.example").identity_token


@pytest.mark.parametrize("text,rate", [("1Gbit", 125e6), ("100Mbit", 12.5e6), ("1Gbps", 125e6),
                                       ("10Gb/s", 1.25e9), ("125MB/s", 125e6), ("100MiB/s", 100 * 2**20)])
def test_rates(text, rate):
    assert parse_rate(text) == pytest.approx(rate)


@pytest.mark.parametrize("text", ["1G", "1GB", "fast", "-1Gbit", "0Mbit", ""])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_rate_and_duration_printing():
    assert human_rate(125e6) == "1 Gbit/s"
    assert human_rate(12.5e6) == "100 Mbit/s"
    assert human_duration(3.44) == "3.4 s"
    assert human_duration(75) == "1 min 15 s"
    assert human_duration(4000) == "1 h 6 min"


def test_bandwidth_without_replicas_is_a_usage_error(capsys):
    assert main(["image", "app.tar", "--bandwidth", "1Gbit"]) == 2
    assert "pass --replicas N with it" in capsys.readouterr().err


def test_a_bad_bandwidth_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["image", "app.tar", "--replicas", "3", "--bandwidth", "fast"])
    assert exit_info.value.code == 2
    assert "not a rate: 'fast'" in capsys.readouterr().err


def test_an_unreachable_registry_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    from tests.support.registry import free_port

    assert main(["image", f"127.0.0.1:{free_port()}/team/app:1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "connection refused" in err


def test_registry_rules_match_a_platform_by_its_prefix_and_stay_silent_without_a_registry():
    from dockwise.image.registry.facts import StaticFacts
    from dockwise.model import build_model
    from dockwise.rules.base import CheckTarget
    from dockwise.rules.base_images.registry_facts import BaseImagePlatformMissing
    from dockwise.syntax import parse_dockerfile

    tree = parse_dockerfile("FROM --platform=linux/arm64 example.org/tools:1.2\n")
    facts = StaticFacts.from_json('{"example.org/tools:1.2": {"platforms": ["linux/amd64", "linux/arm64/v8"]}}')
    assert facts.known["example.org/tools:1.2"].platform_of("linux/arm64") == "linux/arm64/v8"
    rule = BaseImagePlatformMissing()
    assert list(rule.check(CheckTarget("Dockerfile", tree, build_model(tree), registry=facts))) == []
    assert list(rule.check(CheckTarget("Dockerfile", tree, build_model(tree)))) == []  # no --registry
    facts = StaticFacts.from_json('{"example.org/tools:1.2": {"platforms": ["linux/amd64"]}}')
    [finding] = rule.check(CheckTarget("Dockerfile", tree, build_model(tree), registry=facts))
    assert "has no image for linux/arm64 (the registry lists linux/amd64)" in finding.message


@pytest.mark.parametrize("registry,insecure,plain_http", [
    ("registry.example:5000", (), False), ("10.1.2.3:5000", (), False), ("127.0.0.1:5000", (), True),
    ("localhost:5000", (), True), ("registry.example:5000", ("registry.example:5000",), True),
    ("registry.example:5000", ("registry.example",), True), ("other.example", ("registry.example",), False)])
def test_plain_http_only_for_loopback_or_an_insecure_registry(registry, insecure, plain_http):
    from dockwise.image.registry import RegistryOptions

    session = RegistryOptions(insecure=insecure).session(registry)
    assert session.plain_http_allowed is plain_http
    assert session.insecure is bool(insecure and plain_http)


def test_docker_hub_is_reached_at_its_api_host():
    from dockwise.image.registry import RegistryOptions

    assert RegistryOptions().session("docker.io").host == "registry-1.docker.io"


def test_a_long_retry_after_is_capped():
    import urllib3

    from dockwise.image.registry.client import MAX_RETRY_AFTER, _retries

    policy = _retries()
    assert policy.get_retry_after(urllib3.HTTPResponse(headers={"Retry-After": "3600"}, status=429)) == MAX_RETRY_AFTER
    assert policy.get_retry_after(urllib3.HTTPResponse(headers={"Retry-After": "2"}, status=429)) == 2
    assert type(policy.new(total=1)) is type(policy)  # every retry keeps the cap


class FakeDownload:
    """A blob download: ``chunks`` then EOF, or an error after them; a read may block until aborted."""

    digest = "sha256:" + "f" * 64

    def __init__(self, chunks, error=None, block=False):
        import threading

        self.chunks, self.error, self.block = list(chunks), error, block
        self.unblocked = threading.Event()
        self.closed = False

    def read(self, size):
        if self.chunks:
            return self.chunks.pop(0)
        if self.block:
            self.unblocked.wait(30)
            return b""
        if self.error:
            raise self.error
        return b""

    def abort(self):
        self.unblocked.set()

    def close(self):
        self.closed = True


def test_read_ahead_gives_every_byte_in_order_then_the_end():
    from dockwise.image.registry.client import Prefetched

    reader = Prefetched(FakeDownload([b"ab", b"cde", b"f"]))
    got = [reader.read(2) for _ in range(5)]
    reader.close()
    assert got == [b"ab", b"cd", b"e", b"f", b""]


def test_read_ahead_hands_an_error_to_the_reader():
    from dockwise.image.registry.client import Prefetched, RegistryError

    reader = Prefetched(FakeDownload([b"ab"], error=RegistryError("reading blob failed after 3 resumes")))
    assert reader.read(10) == b"ab"
    with pytest.raises(RegistryError, match="after 3 resumes"):
        reader.read(10)
    reader.close()


def test_closing_early_does_not_wait_for_a_stalled_download():
    import time

    from dockwise.image.registry.client import Prefetched

    download = FakeDownload([b"x"], block=True)
    reader = Prefetched(download)
    assert reader.read(1) == b"x"
    start = time.monotonic()
    reader.close()
    assert time.monotonic() - start < 5 and download.closed


def test_dw102_carries_the_digest_fix_only_with_a_registry():
    from dockwise.image.registry.facts import StaticFacts
    from dockwise.model import build_model
    from dockwise.rules.base import CheckTarget
    from dockwise.rules.base_images.tags import BaseImageNotPinnedByDigest
    from dockwise.syntax import parse_dockerfile

    digest = "sha256:" + "c" * 64
    tree = parse_dockerfile("ARG V=1.2.3\nFROM example.org/tools:1.2.3\nFROM example.org/tools:$V\n")
    facts = StaticFacts.from_json('{"example.org/tools:1.2.3": {"digest": "%s"}}' % digest)
    plain, through_arg = BaseImageNotPinnedByDigest().check(
        CheckTarget("Dockerfile", tree, build_model(tree), registry=facts))
    [edit] = plain.fix.edits
    assert (edit.replacement, plain.fix.safe) == (f"example.org/tools:1.2.3@{digest}", True)
    assert through_arg.fix is None  # an ARG-made reference is `dockwise pin`'s job
    unpinned = list(BaseImageNotPinnedByDigest().check(CheckTarget("Dockerfile", tree, build_model(tree))))
    assert [f.fix for f in unpinned] == [None, None]
