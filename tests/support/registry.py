"""A real registry on loopback for tests: Debian's ``docker-registry`` (the CNCF distribution
registry) with TLS from a certificate made here and htpasswd (bcrypt) auth; images are pushed
with skopeo. Test-side ground truth: nothing here uses dockwise code.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

USER = "ci-bot"
PASSWORD = "s3cret-pull-token"


class RegistryUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_tls(directory: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dockwise test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def htpasswd_line(user: str, password: str) -> str:
    import bcrypt

    return f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)).decode()}\n"


class Registry:
    """``docker-registry serve`` on 127.0.0.1 with TLS and htpasswd auth, in ``root``."""

    def __init__(self, root: Path) -> None:
        for program in ("docker-registry", "skopeo"):
            if shutil.which(program) is None:
                raise RegistryUnavailable(f"{program} is not installed (apt-get install docker-registry skopeo)")
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.ca, cert, key = make_tls(self.root)
        self.cert_dir = self.root / "certs.d"  # what skopeo reads: a folder of *.crt
        self.cert_dir.mkdir(exist_ok=True)
        shutil.copy(self.ca, self.cert_dir / "ca.crt")
        (self.root / "htpasswd").write_text(htpasswd_line(USER, PASSWORD))
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        config = {
            "version": 0.1,
            "log": {"level": "warn"},
            "storage": {"filesystem": {"rootdirectory": str(self.root / "data")}, "delete": {"enabled": True}},
            "http": {"addr": self.host, "secret": "dockwise-test", "tls": {"certificate": str(cert), "key": str(key)}},
            "auth": {"htpasswd": {"realm": "dockwise-test", "path": str(self.root / "htpasswd")}},
        }
        (self.root / "config.yml").write_text(json.dumps(config))  # JSON is YAML
        self.log = open(self.root / "registry.log", "wb")
        self.process = subprocess.Popen(["docker-registry", "serve", str(self.root / "config.yml")],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RegistryUnavailable("docker-registry exited: "
                                          + (self.root / "registry.log").read_text(errors="replace")[-500:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RegistryUnavailable("docker-registry did not start listening within 20 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def docker_config(self, directory: Path, password: str = PASSWORD, user: str = USER) -> Path:
        """A Docker config folder (``$DOCKER_CONFIG``) holding ``docker login`` credentials."""
        directory.mkdir(parents=True, exist_ok=True)
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        (directory / "config.json").write_text(json.dumps({"auths": {self.host: {"auth": auth}}}))
        return directory

    def env(self, docker_config: Path) -> dict[str, str]:
        """What a client needs: the credentials and the test CA."""
        return {"DOCKER_CONFIG": str(docker_config), "SSL_CERT_FILE": str(self.ca)}

    def skopeo(self, *args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run(["skopeo", *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
        return proc

    def push(self, source: str, name: str, *, all_images: bool = False) -> str:
        """Copy ``source`` (a skopeo transport:path) to ``name`` (``repo:tag``) in the registry;
        returns ``host/repo:tag``."""
        dest = f"{self.host}/{name}"
        self.skopeo("copy", "--quiet", "--dest-creds", f"{USER}:{PASSWORD}", "--dest-cert-dir", str(self.cert_dir),
                    *(["--all"] if all_images else []), source, f"docker://{dest}")
        return dest

    def digest(self, name: str) -> str:
        """The digest of the manifest (or index) ``name`` points to, as skopeo reads it."""
        raw = self.skopeo("inspect", "--raw", "--creds", f"{USER}:{PASSWORD}", "--cert-dir", str(self.cert_dir),
                          f"docker://{self.host}/{name}").stdout
        import hashlib

        return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


class Proxy:
    """A plain-HTTP front for the registry on loopback that can misbehave: serve a blob whose
    bytes do not match its digest, answer with 503 or 429 a few times first, or ask for a
    Bearer token (issued by its own token endpoint for the registry's user and password)."""

    def __init__(self, registry: Registry, *, tamper_digest: str | None = None, failures: int = 0,
                 failure_status: int = 503, bearer: bool = False, cut_digest: str | None = None) -> None:
        import http.server
        import ssl
        import threading

        self.registry = registry
        self.tamper_digest = tamper_digest
        self.failures = failures
        self.failure_status = failure_status
        self.bearer = bearer
        self.cut_digest = cut_digest  # the first download of this blob stops halfway
        self.ranges: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.token_requests: list[str] = []
        self.context = ssl.create_default_context(cafile=str(registry.ca))
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                proxy.handle(self, "GET")

            def do_HEAD(self) -> None:
                proxy.handle(self, "HEAD")

            def do_POST(self) -> None:  # the OAuth2 refresh-token grant of an identity token
                proxy.refresh(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    TOKEN = "test-token-abc"

    def handle(self, handler, method: str) -> None:
        import http.client

        self.requests.append((method, handler.path))
        if handler.path.startswith("/token"):
            return self._token(handler)
        if self.failures > 0 and "/manifests/" in handler.path:
            self.failures -= 1
            return self._reply(handler, self.failure_status, b"try again", {"Retry-After": "0"})
        headers = {"Authorization": handler.headers.get("Authorization", "")}
        if self.bearer:
            if headers["Authorization"] != f"Bearer {self.TOKEN}":
                challenge = (f'Bearer realm="http://{self.host}/token",service="test-registry",'
                             f'scope="repository:team/app:pull"')
                return self._reply(handler, 401, b"{}", {"WWW-Authenticate": challenge})
            headers["Authorization"] = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        for name in ("Accept", "Range"):
            if handler.headers.get(name):
                headers[name] = handler.headers[name]
        if "Range" in headers:
            self.ranges.append(headers["Range"])
        conn = http.client.HTTPSConnection("127.0.0.1", self.registry.port, context=self.context)
        conn.request(method, handler.path, headers={k: v for k, v in headers.items() if v})
        upstream = conn.getresponse()
        body = upstream.read()
        if self.tamper_digest and handler.path.endswith("/blobs/" + self.tamper_digest) and len(body) > 8:
            body = body[:4] + bytes([body[4] ^ 0xFF]) + body[5:]  # gzip MTIME: still valid gzip
        keep = {k: v for k, v in upstream.getheaders()
                if k.lower() in ("content-type", "docker-content-digest", "www-authenticate", "location")}
        conn.close()
        if self.cut_digest and handler.path.endswith("/blobs/" + self.cut_digest) and upstream.status == 200:
            self.cut_digest = None
            return self._cut(handler, body, keep)
        if upstream.status == 206:
            keep["Content-Range"] = upstream.getheader("Content-Range", "")
        if method == "HEAD":
            keep["Content-Length"] = upstream.getheader("Content-Length", "0")
            return self._reply(handler, upstream.status, b"", keep, head=True)
        return self._reply(handler, upstream.status, body, keep)

    def _token(self, handler) -> None:
        from urllib.parse import parse_qs, urlsplit

        self.token_requests.append(handler.path)
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        query = parse_qs(urlsplit(handler.path).query)
        if handler.headers.get("Authorization") != expected or query.get("service") != ["test-registry"]:
            return self._reply(handler, 401, b'{"errors": [{"code": "UNAUTHORIZED"}]}', {})
        return self._reply(handler, 200, json.dumps({"token": self.TOKEN}).encode(),
                           {"Content-Type": "application/json"})

    REFRESH_TOKEN = "identity-refresh-token"

    def refresh(self, handler) -> None:
        from urllib.parse import parse_qs

        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        form = parse_qs(body.decode())
        self.token_requests.append("POST " + handler.path)
        if handler.path != "/token" or form.get("grant_type") != ["refresh_token"] \
                or form.get("refresh_token") != [self.REFRESH_TOKEN] or form.get("service") != ["test-registry"]:
            return self._reply(handler, 401, b'{"errors": [{"code": "UNAUTHORIZED"}]}', {})
        return self._reply(handler, 200, json.dumps({"access_token": self.TOKEN}).encode(),
                           {"Content-Type": "application/json"})

    @staticmethod
    def _cut(handler, body: bytes, headers: dict[str, str]) -> None:
        """Promise the whole blob, send half of it, and drop the connection."""
        handler.send_response(200)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[:len(body) // 2])
        handler.wfile.flush()
        handler.close_connection = True
        import socket

        handler.connection.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _reply(handler, status: int, body: bytes, headers: dict[str, str], head: bool = False) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        if not head:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if not head:
            handler.wfile.write(body)
