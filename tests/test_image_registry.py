"""`dockwise image` straight from a real registry (docker-registry on loopback, TLS from a
certificate made by the test, htpasswd auth), images built with buildah and pushed with skopeo.

The same image read from the registry and from an OCI archive of the same blobs must give the
same figures; credentials, a tampered blob, retries and a token service are exercised through
a small proxy in front of the registry.
"""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from dockwise.cli import main

pytestmark = pytest.mark.buildah

APP_DOCKERFILE = """\
FROM {base}
RUN dd if=/dev/zero of=/big bs=1000 count=300 && echo hi > /hello
RUN rm /big
COPY payload.txt /app/payload.txt
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    from tests.support.registry import Registry, RegistryUnavailable

    try:
        server = Registry(tmp_path_factory.mktemp("registry"))
    except RegistryUnavailable as exc:
        pytest.skip(f"no registry can run here: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app(buildah, registry, tmp_path_factory):
    """The app image as an OCI archive, pushed from that archive to team/app:1.4."""
    ctx = tmp_path_factory.mktemp("app")
    (ctx / "Dockerfile").write_text(APP_DOCKERFILE.format(base=buildah.base_image()))
    (ctx / "payload.txt").write_text("payload\n" * 100)
    image = buildah.build(ctx, "registry-app:1.4")
    archive = buildah.export(image, "oci-archive", ctx / "app.oci.tar")
    ref = registry.push(f"oci-archive:{archive}", "team/app:1.4")
    return {"archive": archive, "ref": ref, "context": ctx}


@pytest.fixture
def logged_in(registry, tmp_path, monkeypatch):
    """The environment of a client that ran `docker login` and trusts the test CA."""
    for key, value in registry.env(registry.docker_config(tmp_path / "docker")).items():
        monkeypatch.setenv(key, value)
    return registry


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["image", *argv, "--format", "json", "--no-progress"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def figures(document: dict) -> dict:
    """The image section without what names the input (its kind)."""
    section = dict(document["image"])
    section.pop("kind")
    return section


_WRITES: list[str] | None = None  # files opened for writing while a test records them


def _record_writes(event: str, args: tuple) -> None:
    if _WRITES is not None and event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1] or "", args[2] or 0
        if any(c in str(mode) for c in "wax+") or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            _WRITES.append(str(path))


def test_registry_image_gives_the_same_figures_as_its_archive(app, logged_in, capsys):
    global _WRITES
    _, from_archive = run_json(capsys, str(app["archive"]))
    sys.addaudithook(_record_writes)
    _WRITES = []
    try:
        code, from_registry = run_json(capsys, app["ref"], "--jobs", "1")
        written = _WRITES
    finally:
        _WRITES = None
    assert written == []  # layers are streamed: nothing is spooled to disk
    assert code == 0
    assert figures(from_registry) == figures(from_archive)
    assert from_registry["image"]["kind"] == "registry"
    assert [f["code"] for f in from_registry["findings"]] == [f["code"] for f in from_archive["findings"]]
    assert from_registry["image"]["reclaimable_bytes"] == 300_000


def test_docker_and_oci_prefixes_name_the_transport(app, logged_in, capsys):
    _, plain = run_json(capsys, app["ref"])
    _, prefixed = run_json(capsys, "docker://" + app["ref"])
    _, layout = run_json(capsys, "oci://" + str(app["archive"]))
    assert figures(prefixed) == figures(plain) == figures(layout)


def test_layers_read_by_worker_processes_give_the_same_figures(app, logged_in, capsys):
    _, serial = run_json(capsys, app["ref"], "--jobs", "1")
    _, parallel = run_json(capsys, app["ref"], "--jobs", "2")
    assert figures(parallel) == figures(serial)


def test_a_wrong_password_is_one_clear_error(app, registry, tmp_path, monkeypatch, capsys):
    config = registry.docker_config(tmp_path / "docker", password="not-the-password")
    for key, value in registry.env(config).items():
        monkeypatch.setenv(key, value)
    code = main(["image", app["ref"], "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"registry {registry.host} refused the credentials of user 'ci-bot'" in err
    assert "docker login" in err


def test_no_credentials_says_to_log_in(app, registry, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "nothing"))
    monkeypatch.setenv("SSL_CERT_FILE", str(registry.ca))
    assert main(["image", app["ref"], "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "requires authentication and no credentials" in err and f"docker login {registry.host}" in err


def test_an_untrusted_certificate_is_refused_unless_the_registry_is_named_insecure(app, registry, tmp_path,
                                                                                  monkeypatch, capsys):
    monkeypatch.setenv("DOCKER_CONFIG", str(registry.docker_config(tmp_path / "docker")))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    assert main(["image", app["ref"], "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "is not trusted" in err and f"--insecure-registry {registry.host}" in err
    code, document = run_json(capsys, app["ref"], "--insecure-registry", registry.host)
    assert code == 0 and document["image"]["reclaimable_bytes"] == 300_000


def test_credentials_from_a_credential_helper(app, registry, tmp_path, monkeypatch, capsys):
    from tests.support.registry import PASSWORD, USER

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-dwtest"
    asked = tmp_path / "asked"
    helper.write_text(f"#!/bin/sh\ncat > {asked}\n"
                      f"echo '{{\"ServerURL\": \"x\", \"Username\": \"{USER}\", \"Secret\": \"{PASSWORD}\"}}'\n")
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    config = tmp_path / "docker"
    config.mkdir()
    (config / "config.json").write_text(json.dumps({"credHelpers": {registry.host: "dwtest"}}))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    monkeypatch.setenv("SSL_CERT_FILE", str(registry.ca))
    code, document = run_json(capsys, app["ref"])
    assert code == 0 and document["image"]["reclaimable_bytes"] == 300_000
    assert asked.read_text().strip() == registry.host


def _through(proxy, registry, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("DOCKER_CONFIG", str(registry.docker_config(tmp_path / "proxy-docker")))
    config = json.loads((tmp_path / "proxy-docker" / "config.json").read_text())
    config["auths"] = {proxy.host: config["auths"][registry.host]}
    (tmp_path / "proxy-docker" / "config.json").write_text(json.dumps(config))
    return f"{proxy.host}/team/app:1.4"


@pytest.fixture
def proxy_factory(registry):
    from tests.support.registry import Proxy

    made = []

    def make(**options):
        made.append(Proxy(registry, **options))
        return made[-1]
    yield make
    for proxy in made:
        proxy.stop()


def test_a_blob_whose_bytes_do_not_match_its_digest_is_refused(app, registry, proxy_factory, tmp_path,
                                                              monkeypatch, capsys):
    _, honest = run_json(capsys, str(app["archive"]))
    victim = honest["image"]["layers"][1]["digest"]
    proxy = proxy_factory(tamper_digest=victim)
    ref = _through(proxy, registry, tmp_path, monkeypatch)
    assert main(["image", ref, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "layer 2" in err and "does not match its digest" in err
    assert any(path.endswith(victim) for _, path in proxy.requests)


def test_a_download_cut_off_halfway_is_resumed_where_it_stopped(app, registry, proxy_factory, tmp_path,
                                                                monkeypatch, capsys):
    _, honest = run_json(capsys, str(app["archive"]))
    victim = max(honest["image"]["layers"], key=lambda layer: layer["compressed_bytes"])
    proxy = proxy_factory(cut_digest=victim["digest"])
    ref = _through(proxy, registry, tmp_path, monkeypatch)
    code, document = run_json(capsys, ref, "--jobs", "1")
    assert code == 0 and figures(document) == figures(honest)
    assert proxy.ranges == [f"bytes={victim['compressed_bytes'] // 2}-"]


@pytest.mark.parametrize("status", [503, 429])
def test_busy_registry_answers_are_retried(app, registry, proxy_factory, tmp_path, monkeypatch, capsys, status):
    _, honest = run_json(capsys, str(app["archive"]))
    proxy = proxy_factory(failures=2, failure_status=status)
    ref = _through(proxy, registry, tmp_path, monkeypatch)
    code, document = run_json(capsys, ref)
    assert code == 0 and figures(document) == figures(honest)
    manifest_gets = [p for m, p in proxy.requests if "/manifests/" in p]
    assert len(manifest_gets) >= 3  # two refused, then served


def test_bearer_token_from_the_challenge_realm(app, registry, proxy_factory, tmp_path, monkeypatch, capsys):
    _, honest = run_json(capsys, str(app["archive"]))
    proxy = proxy_factory(bearer=True)
    ref = _through(proxy, registry, tmp_path, monkeypatch)
    code, document = run_json(capsys, ref)
    assert code == 0 and figures(document) == figures(honest)
    assert len(proxy.token_requests) == 1  # one token for every request of the repository
    assert "scope=repository%3Ateam%2Fapp%3Apull" in proxy.token_requests[0]


def test_an_identity_token_is_exchanged_for_an_access_token(app, registry, proxy_factory, tmp_path, monkeypatch,
                                                            capsys):
    from tests.support.registry import Proxy

    proxy = proxy_factory(bearer=True)
    config = tmp_path / "docker"
    config.mkdir()
    (config / "config.json").write_text(json.dumps(
        {"auths": {proxy.host: {"auth": "", "identitytoken": Proxy.REFRESH_TOKEN}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    code, document = run_json(capsys, f"{proxy.host}/team/app:1.4")
    assert code == 0 and document["image"]["reclaimable_bytes"] == 300_000
    assert proxy.token_requests == ["POST /token"]


def test_pull_cost_of_a_scale_out(app, logged_in, capsys):
    dockerfile = app["context"] / "Dockerfile"
    code, document = run_json(capsys, app["ref"], "--replicas", "40", "--bandwidth", "100Mbit",
                              "--dockerfile", str(dockerfile))
    image = document["image"]
    pull = image["pull_cost"]
    sizes = [layer["compressed_bytes"] for layer in image["layers"]]
    assert pull["node_bytes"] == sum(sizes) == image["compressed_bytes"]
    assert pull["total_bytes"] == 40 * sum(sizes)
    assert pull["node_seconds"] == pytest.approx(sum(sizes) / 12_500_000)
    assert pull["base_layers"] == [1]  # busybox came with the FROM
    assert pull["cached_base_node_bytes"] == sum(sizes[1:])
    main(["image", app["ref"], "--replicas", "40", "--no-progress", "--dockerfile", str(dockerfile)])
    text = capsys.readouterr().out
    assert "pull cost of a scale-out from zero: 40 node(s), 1 Gbit/s each" in text
    assert "base cached  skips layer(s) 1 " in text


def test_pull_cost_skips_the_layers_of_a_cached_image(app, buildah, logged_in, tmp_path, capsys):
    base = buildah.export(buildah.base_image(), "oci-archive", tmp_path / "base.oci.tar")
    _, document = run_json(capsys, app["ref"], "--replicas", "3", "--cached", str(base))
    image = document["image"]
    assert image["pull_cost"]["base_layers"] == [1]
    assert image["pull_cost"]["cached_base_node_bytes"] == sum(l["compressed_bytes"] for l in image["layers"][1:])
    _, document = run_json(capsys, app["ref"], "--replicas", "3", "--cached", app["ref"])
    assert document["image"]["pull_cost"]["cached_base_node_bytes"] == 0  # every layer is on the node
    assert main(["image", app["ref"], "--replicas", "3", "--cached", str(tmp_path / "nope.tar")]) == 2
    assert "--cached" in capsys.readouterr().err


@pytest.fixture(scope="module")
def two_platforms(buildah, registry, tmp_path_factory):
    """team/multi:1, an index of a linux/amd64 and a linux/arm64 image (pushed with
    `buildah manifest push --all`), each with one file of its own."""
    from tests.support.registry import PASSWORD, USER

    work = tmp_path_factory.mktemp("multi")
    images = {}
    for arch, size in (("amd64", 1000), ("arm64", 2000)):
        container = buildah.run("from", "scratch").stdout.strip().splitlines()[-1]
        payload = work / f"{arch}.bin"
        payload.write_bytes(b"x" * size)
        buildah.run("copy", container, str(payload), f"/{arch}.bin")
        buildah.run("config", "--os", "linux", "--arch", arch, container)
        images[arch] = f"localhost/multi-{arch}:1"
        buildah.run("commit", container, images[arch])
        buildah.run("rm", container)
    buildah.run("manifest", "create", "localhost/multi-list:1")
    for image in images.values():
        buildah.run("manifest", "add", "localhost/multi-list:1", image)
    buildah.run("manifest", "push", "--all", "--creds", f"{USER}:{PASSWORD}", "--cert-dir", str(registry.cert_dir),
                "localhost/multi-list:1", f"docker://{registry.host}/team/multi:1")
    return f"{registry.host}/team/multi:1"


def test_an_index_is_resolved_with_platform(two_platforms, logged_in, capsys):
    _, arm = run_json(capsys, two_platforms, "--platform", "linux/arm64")
    _, amd = run_json(capsys, two_platforms, "--platform", "linux/amd64")
    assert arm["image"]["architecture"] == "arm64" and amd["image"]["architecture"] == "amd64"
    assert [f["path"] for f in arm["image"]["largest_files"]] == ["/arm64.bin"]
    assert arm["image"]["total_bytes"] == 2000 and amd["image"]["total_bytes"] == 1000
    assert main(["image", two_platforms, "--platform", "linux/s390x", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "no image for platform linux/s390x (available: linux/amd64, linux/arm64)" in err


def test_plain_http_registry_on_loopback_needs_no_flag(app, registry, proxy_factory, tmp_path, monkeypatch,
                                                       capsys):
    proxy = proxy_factory()  # plain HTTP on 127.0.0.1
    ref = _through(proxy, registry, tmp_path, monkeypatch)
    code, document = run_json(capsys, ref)
    assert code == 0 and document["image"]["reclaimable_bytes"] == 300_000


# -- dockwise pin ----------------------------------------------------------------------------------

def pin(*argv: str) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["pin", *argv])
    return code, out.getvalue(), err.getvalue()


def test_pin_rewrites_from_lines_to_the_registry_digests(app, two_platforms, logged_in, tmp_path):
    registry = logged_in
    dockerfile = tmp_path / "Dockerfile"
    original = (f"ARG BASE={two_platforms}\n"
                f"FROM {app['ref']} AS build\n"
                "RUN true\n"
                "FROM ${BASE}\n"
                "FROM build AS again\n"
                "FROM scratch\n"
                f"FROM {registry.host}/team/app:no-such-tag\n")
    dockerfile.write_text(original)
    app_digest = registry.digest("team/app:1.4")
    index_digest = registry.digest("team/multi:1")

    code, out, _ = pin(str(dockerfile), "--diff")
    assert code == 0 and dockerfile.read_text() == original  # --diff writes nothing
    assert f"+FROM {app['ref']}@{app_digest} AS build" in out

    code, out, _ = pin(str(dockerfile))
    assert code == 0
    lines = dockerfile.read_text().splitlines()
    assert lines[0] == f"ARG BASE={two_platforms}@{index_digest}"  # the index, every platform pinned
    assert lines[1] == f"FROM {app['ref']}@{app_digest} AS build"  # the tag kept for people
    assert lines[2:] == original.splitlines()[2:]  # stage, scratch and the unknown tag left alone
    assert "index of 2 platforms" in out
    assert f"{dockerfile}:5: skipped: `build` is the stage `build`" in out
    assert f"{dockerfile}:6: skipped: scratch" in out
    assert f"{dockerfile}:7: unresolved:" in out and "manifest unknown" in out

    code, out, _ = pin(str(dockerfile), "--check")
    assert code == 2  # the unknown tag cannot be verified
    assert out.count(": current:") == 2


def test_pin_check_notices_a_re_pushed_tag_and_update_refreshes_it(app, two_platforms, buildah, logged_in,
                                                                 tmp_path):
    registry = logged_in
    ref = registry.push(f"oci-archive:{app['archive']}", "team/moving:1")
    first = registry.digest("team/moving:1")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {ref}\nCMD [\"/bin/sh\"]\n")
    assert pin(str(dockerfile))[0] == 0
    assert dockerfile.read_text().startswith(f"FROM {ref}@{first}\n")
    code, out, _ = pin("--check", str(dockerfile))
    assert code == 0 and ": current:" in out

    other = buildah.export("localhost/multi-arm64:1", "oci-archive", tmp_path / "other.oci.tar")
    registry.push(f"oci-archive:{other}", "team/moving:1")  # the tag is re-pushed
    second = registry.digest("team/moving:1")
    assert second != first
    code, out, _ = pin("--check", str(dockerfile))
    assert code == 1
    assert f"the tag 1 now points to {second}, not the pinned digest" in out
    assert dockerfile.read_text().startswith(f"FROM {ref}@{first}\n")  # --check writes nothing

    assert pin(str(dockerfile))[0] == 0  # without --update a pinned digest is kept
    assert dockerfile.read_text().startswith(f"FROM {ref}@{first}\n")
    code, out, _ = pin("--update", str(dockerfile))
    assert code == 0 and ": updated:" in out
    assert dockerfile.read_text() == f"FROM {ref}@{second}\nCMD [\"/bin/sh\"]\n"
    assert pin("--check", str(dockerfile))[0] == 0


def test_pin_with_an_unreachable_registry_leaves_the_file_alone(tmp_path, monkeypatch):
    from tests.support.registry import free_port

    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    dockerfile = tmp_path / "Dockerfile"
    text = f"FROM 127.0.0.1:{free_port()}/team/app:1\n"
    dockerfile.write_text(text)
    code, out, err = pin(str(dockerfile))
    assert code == 0 and dockerfile.read_text() == text
    assert "unresolved" in out and "connection refused" in out and not err


# -- dockwise check --registry ---------------------------------------------------------------------

def test_check_registry_asks_the_registry_about_each_base(app, two_platforms, logged_in, tmp_path, capsys):
    registry = logged_in
    app_digest = registry.digest("team/app:1.4")
    stale = "sha256:" + "0" * 64
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM --platform=linux/arm64 {app['ref']} AS arm\n"
                          f"FROM --platform=linux/arm64 {two_platforms} AS multi\n"
                          f"FROM {app['ref']}@{app_digest} AS pinned\n"
                          f"FROM {two_platforms}@{stale} AS stale\n"
                          f"FROM {registry.host}/team/app:gone\n")
    code = main(["check", str(dockerfile), "--registry", "--no-context", "--format", "json",
                 "--select", "DW105,DW106,DW107"])
    captured = capsys.readouterr()
    found = [(f["line"], f["code"]) for f in json.loads(captured.out)["findings"]]
    assert code == 1  # DW105 is an error
    assert found == [(1, "DW105"), (2, "DW107"), (3, "DW107"), (4, "DW106")]
    main(["check", str(dockerfile), "--registry", "--no-context", "--format", "json", "--select", "DW107"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    _, multi = run_json(capsys, two_platforms, "--platform", "linux/arm64")
    _, pinned = run_json(capsys, app["ref"])
    sizes = {f["line"]: f["extra"]["compressed_bytes"] for f in findings}
    assert sizes == {2: multi["image"]["compressed_bytes"], 3: pinned["image"]["compressed_bytes"]}
    assert "team/app:gone" in captured.err and "manifest unknown" in captured.err


def test_check_without_registry_asks_nothing(app, logged_in, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nothing-trusted.pem"))  # a request would fail loudly
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM --platform=linux/arm64 {app['ref']}\n")
    main(["check", str(dockerfile), "--no-context", "--format", "json", "--select", "DW105,DW106,DW107"])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["findings"] == [] and captured.err == ""


def test_check_registry_fix_pins_the_base_dw102_reports(app, logged_in, tmp_path, capsys):
    registry = logged_in
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {app['ref']}\nUSER 1000\n")
    main(["check", str(dockerfile), "--no-context", "--select", "DW102"])
    assert "1 fixable" not in capsys.readouterr().out  # without the registry there is no digest to write
    main(["check", str(dockerfile), "--registry", "--no-context", "--select", "DW102", "--fix"])
    capsys.readouterr()
    assert dockerfile.read_text() == f"FROM {app['ref']}@{registry.digest('team/app:1.4')}\nUSER 1000\n"
