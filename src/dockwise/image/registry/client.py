"""One registry's HTTP API (the OCI distribution spec), over urllib3.

HTTPS by default, verified against the system CA store (``SSL_CERT_FILE`` and
``SSL_CERT_DIR`` are honoured, as is Docker's ``/etc/docker/certs.d/HOST/ca.crt``). Plain
HTTP only for a loopback registry or one named with ``--insecure-registry`` (which also
accepts any certificate), and only when the registry does not speak TLS. Requests are
retried with exponential backoff on 429, 5xx and connection errors (``Retry-After`` is
honoured); a blob read cut off halfway is resumed with a ``Range`` request.

A :class:`Session` is picklable: worker processes that read layers get their own connection
pool and reuse the tokens already obtained.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import queue
import threading
import time
import warnings
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as _Urllib3Error
from urllib3.exceptions import InsecureRequestWarning, MaxRetryError, SSLError

from dockwise.errors import ImageError
from dockwise.image.registry.auth import Challenge, Credentials, find_credentials, parse_challenge

MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
MAX_MANIFEST_BYTES = 4 << 20  # the distribution spec's own limit for manifests
CHUNK = 1 << 20
RESUMES = 3  # times a blob read cut off halfway is resumed
DOCKER_HUB_API = "registry-1.docker.io"
USER_AGENT = "dockwise"


class RegistryError(ImageError):
    """The registry could not be reached, refused us, or served something wrong."""

    tls = False  # the TLS handshake failed (the server may speak plain HTTP)


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` or ``::1``, with or without a port."""
    name = host
    if name.startswith("["):
        name = name[1:name.find("]")]
    elif name.count(":") == 1:
        name = name.split(":")[0]
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


MAX_RETRY_AFTER = 60.0  # seconds: a registry asking to wait longer gets its error instead


class _Retry(urllib3.Retry):
    """urllib3's retry policy with ``Retry-After`` capped: a rate limit asking for an hour
    must not hang a CI job for an hour."""

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, MAX_RETRY_AFTER)


def _retries() -> urllib3.Retry:
    return _Retry(total=6, connect=4, read=3, status=5, other=0, redirect=5,
                         backoff_factor=0.25, backoff_max=8.0,
                         status_forcelist=(429, 500, 502, 503, 504),
                         allowed_methods=frozenset({"GET", "HEAD", "POST"}),
                         raise_on_status=False, respect_retry_after_header=True)


class Session:
    """Requests to one registry, authenticated as the Docker config file says."""

    def __init__(self, registry: str, *, insecure: bool = False) -> None:
        self.registry = registry  # as in the reference: "docker.io", "127.0.0.1:5000"
        self.host = DOCKER_HUB_API if registry == "docker.io" else registry
        self.insecure = insecure
        self.plain_http_allowed = insecure or is_loopback(self.host)
        self.scheme: str | None = None  # decided by the first request
        self._auth: dict[str, str] = {}  # scope -> Authorization header value
        self._credentials: Credentials | None = None
        self._credentials_read = False
        self._pool: Any = None
        self._pid = 0

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_pool"] = None
        return state

    # -- transport ------------------------------------------------------------------------

    def pool(self) -> Any:
        if self._pool is None or self._pid != os.getpid():  # a forked worker opens its own sockets
            options: dict[str, Any] = {"retries": _retries(), "timeout": urllib3.Timeout(connect=15, read=120),
                                       "headers": {"User-Agent": USER_AGENT}, "maxsize": 8}
            if self.insecure:
                options["cert_reqs"] = "CERT_NONE"
            else:
                context = _docker_certs_context(self.host)
                if context is not None:
                    options["ssl_context"] = context
            self._pool = urllib3.PoolManager(**options)
            self._pid = os.getpid()
        return self._pool

    def _send(self, method: str, url: str, headers: dict[str, str], *, stream: bool = False,
              body: bytes | None = None) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InsecureRequestWarning)
                return self.pool().request(method, url, headers=headers, body=body, preload_content=not stream,
                                           decode_content=False, redirect=True)
        except MaxRetryError as exc:
            raise self._transport_error(exc.reason or exc, url) from None
        except _Urllib3Error as exc:
            raise self._transport_error(exc, url) from None

    def _transport_error(self, reason: Any, url: str) -> RegistryError:
        text = str(reason)
        where = urlsplit(url).netloc
        if isinstance(reason, SSLError) or "SSL" in type(reason).__name__:
            if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower():
                error = RegistryError(
                    f"the TLS certificate of {where} is not trusted ({_short(text)}); add its CA to the "
                    f"system store (or SSL_CERT_FILE, or /etc/docker/certs.d/{self.host}/ca.crt), or pass "
                    f"--insecure-registry {self.registry} to accept any certificate")
            else:
                error = RegistryError(f"TLS with {where} failed ({_short(text)})")
            error.tls = True
            return error
        if "refused" in text.lower():
            return RegistryError(f"cannot reach registry {where}: connection refused")
        if "Name or service not known" in text or "nodename nor servname" in text or "resolution" in text:
            return RegistryError(f"cannot reach registry {where}: unknown host")
        return RegistryError(f"cannot reach registry {where} ({_short(text)})")

    def base_url(self) -> str:
        if self.scheme is None:
            self.scheme = self._probe_scheme()
        return f"{self.scheme}://{self.host}"

    def _probe_scheme(self) -> str:
        """``https``; ``http`` only where allowed and when the registry does not speak TLS."""
        if not self.plain_http_allowed:
            return "https"
        try:
            response = self._send("GET", f"https://{self.host}/v2/", {})
            response.release_conn()
            return "https"
        except RegistryError as exc:
            if not exc.tls or ("certificate" in str(exc) and not self.insecure):
                raise  # refused, unreachable, or a TLS server whose certificate is not trusted
            response = self._send("GET", f"http://{self.host}/v2/", {})
            response.release_conn()
            return "http"

    # -- authenticated requests -----------------------------------------------------------

    def request(self, method: str, path: str, scope: str, *, headers: dict[str, str] | None = None,
                stream: bool = False) -> Any:
        """``method`` on ``/v2/...`` with the auth ``scope`` needs; answers a 401 challenge once."""
        url = self.base_url() + path
        headers = dict(headers or {})
        if scope in self._auth:
            headers["Authorization"] = self._auth[scope]
        response = self._send(method, url, headers, stream=stream)
        if response.status != 401:
            return response
        challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        response.drain_conn()
        self._authenticate(challenge, scope)
        headers["Authorization"] = self._auth[scope]
        response = self._send(method, url, headers, stream=stream)
        if response.status == 401:
            response.drain_conn()
            raise self._refused()
        return response

    def credentials(self) -> Credentials | None:
        if not self._credentials_read:
            self._credentials = find_credentials(self.registry)
            self._credentials_read = True
        return self._credentials

    def _refused(self) -> RegistryError:
        creds = self.credentials()
        if creds is None:
            return RegistryError(f"registry {self.registry} requires authentication and no credentials "
                                 f"for it were found: run `docker login {self.registry}` (dockwise reads the "
                                 "Docker config file and its credential helpers)")
        who = "an identity token" if creds.identity_token else f"user {creds.username!r}"
        return RegistryError(f"registry {self.registry} refused the credentials of {who} (from {creds.source}): "
                             f"wrong password or no pull access; run `docker login {self.registry}` again")

    def _authenticate(self, challenge: Challenge | None, scope: str) -> None:
        if challenge is None:
            raise RegistryError(f"registry {self.registry} answered 401 without a WWW-Authenticate challenge")
        creds = self.credentials()
        if challenge.scheme == "basic":
            if creds is None or creds.identity_token:
                raise self._refused()
            raw = f"{creds.username}:{creds.secret}".encode()
            self._auth[scope] = "Basic " + base64.b64encode(raw).decode()
        elif challenge.scheme == "bearer":
            self._auth[scope] = "Bearer " + self._token(challenge, scope, creds)
        else:
            raise RegistryError(f"registry {self.registry} asks for {challenge.scheme!r} authentication, "
                                "which dockwise does not speak (Basic and Bearer tokens are supported)")

    def _token(self, challenge: Challenge, scope: str, creds: Credentials | None) -> str:
        realm = challenge.params.get("realm", "")
        parts = urlsplit(realm)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise RegistryError(f"registry {self.registry} names an invalid token realm {realm!r}")
        if parts.scheme == "http" and creds is not None and not (self.insecure or is_loopback(parts.netloc)):
            raise RegistryError(f"registry {self.registry} asks for credentials over plain HTTP ({realm}); "
                                f"refused (pass --insecure-registry {self.registry} if that is intended)")
        params = {"service": challenge.params.get("service", ""), "scope": scope}
        params = {k: v for k, v in params.items() if v}
        headers: dict[str, str] = {}
        if creds is not None and creds.identity_token:
            body = urlencode({**params, "grant_type": "refresh_token", "refresh_token": creds.secret,
                              "client_id": USER_AGENT}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = self._send("POST", realm, headers, body=body)
        else:
            if creds is not None:
                raw = f"{creds.username}:{creds.secret}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
            separator = "&" if parts.query else "?"
            response = self._send("GET", realm + separator + urlencode(params), headers)
        if response.status in (401, 403):
            raise self._refused()
        if response.status != 200:
            raise RegistryError(f"the token service of {self.registry} answered HTTP {response.status}")
        try:
            answer = response.json()
            token = answer.get("token") or answer.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise RegistryError(f"the token service of {self.registry} sent no token")
        return token

    # -- the API --------------------------------------------------------------------------

    def manifest(self, repository: str, reference: str, *, head: bool = False) -> tuple[bytes, str, str]:
        """(body, media type, digest) of a manifest by tag or digest; the body is checked
        against a digest reference. ``head``: no body, the digest from the registry's header
        (or from a GET when the registry sends none)."""
        path = f"/v2/{repository}/manifests/{reference}"
        headers = {"Accept": ", ".join(MANIFEST_TYPES)}
        if head:
            response = self.request("HEAD", path, _pull(repository), headers=headers)
            digest = response.headers.get("Docker-Content-Digest", "")
            if response.status == 200 and digest.startswith("sha256:"):
                return b"", response.headers.get("Content-Type", ""), digest
            if response.status not in (200, 405):
                self._manifest_error(response.status, repository, reference)
        response = self.request("GET", path, _pull(repository), headers=headers, stream=True)
        try:
            if response.status != 200:
                self._manifest_error(response.status, repository, reference)
            body = response.read(MAX_MANIFEST_BYTES + 1)
        finally:
            response.release_conn()
        if len(body) > MAX_MANIFEST_BYTES:
            raise RegistryError(f"the manifest of {repository}:{reference} is over {MAX_MANIFEST_BYTES} bytes")
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        if reference.startswith("sha256:") and reference != digest:
            raise RegistryError(f"the manifest {repository}@{reference} served by {self.registry} does not "
                                f"match its digest (sha256 is {digest})")
        return body, response.headers.get("Content-Type", "").split(";")[0].strip(), digest

    def _manifest_error(self, status: int, repository: str, reference: str) -> None:
        if status == 404:
            raise RegistryError(f"{self.registry} has no image {repository}"
                                f"{'@' if reference.startswith('sha256:') else ':'}{reference} (manifest unknown)")
        if status == 403:
            raise RegistryError(f"registry {self.registry} denies pull access to {repository}")
        if status == 429:
            raise RegistryError(f"registry {self.registry} still answers 429 Too Many Requests after the retries: "
                                "it is rate-limiting pulls (log in with `docker login`, or try later)")
        raise RegistryError(f"registry {self.registry} answered HTTP {status} for the manifest of "
                            f"{repository}:{reference}")

    def blob(self, repository: str, digest: str, limit: int) -> bytes:
        """A small blob (a config), read whole and checked against its digest."""
        reader = BlobReader(self, repository, digest, limit)
        try:
            data = b"".join(iter(lambda: reader.read(CHUNK), b""))
        finally:
            reader.close()
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if actual != digest:
            raise RegistryError(f"blob {digest} of {repository} served by {self.registry} does not match its "
                                f"digest (sha256 is {actual})")
        return data


def _pull(repository: str) -> str:
    return f"repository:{repository}:pull"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."


def _docker_certs_context(host: str) -> Any:
    """The system CA store plus Docker's per-registry ``ca.crt``, when there is one."""
    ca = os.path.join("/etc/docker/certs.d", host, "ca.crt")
    if not os.path.isfile(ca):
        return None
    from urllib3.util.ssl_ import create_urllib3_context

    context = create_urllib3_context()
    context.load_default_certs()
    context.load_verify_locations(cafile=ca)
    return context


class BlobReader:
    """``length`` bytes of a blob, streamed: never held whole, never written to disk. A read
    that fails halfway is resumed where it stopped (``Range``), a few times."""

    def __init__(self, session: Session, repository: str, digest: str, length: int) -> None:
        self.session = session
        self.repository = repository
        self.digest = digest
        self.length = length
        self.offset = 0
        self.aborted = False
        self._response = self._open()

    def _open(self) -> Any:
        headers = {"Range": f"bytes={self.offset}-"} if self.offset else {}
        path = f"/v2/{self.repository}/blobs/{self.digest}"
        response = self.session.request("GET", path, _pull(self.repository), headers=headers, stream=True)
        if response.status == 206 and self.offset:
            return response
        if response.status != 200:
            response.drain_conn()
            if response.status == 404:
                raise RegistryError(f"{self.session.registry} has no blob {self.digest} in {self.repository}")
            raise RegistryError(f"registry {self.session.registry} answered HTTP {response.status} for blob "
                                f"{self.digest}")
        skip = self.offset  # the registry ignored the Range: read past what was already hashed
        while skip:
            data = response.read(min(skip, CHUNK))
            if not data:
                raise RegistryError(f"blob {self.digest} ends early on a retry")
            skip -= len(data)
        return response

    def read(self, size: int) -> bytes:
        for attempt in range(RESUMES + 1):
            try:
                data = self._response.read(size)
                self.offset += len(data)
                return data
            except (_Urllib3Error, OSError) as exc:
                if self.aborted:
                    return b""
                if attempt == RESUMES:
                    raise RegistryError(f"reading blob {self.digest} from {self.session.registry} failed after "
                                        f"{RESUMES} resumes ({_short(str(exc))})") from None
                self._response.release_conn()
                time.sleep(0.25 * 2 ** attempt)
                self._response = self._open()
        return b""  # pragma: no cover - the loop returns or raises

    def abort(self) -> None:
        """Close the connection under a read blocked in another thread (it then ends)."""
        self.aborted = True
        try:
            self._response.close()
        except Exception:  # noqa: BLE001 - a connection already gone is what we want
            pass

    def close(self) -> None:
        self._response.release_conn()


class Prefetched:
    """A blob read ahead of its reader by a thread, a few chunks deep: waiting for the network
    overlaps with decompressing and hashing what already arrived (socket reads, zlib and
    sha256 all release the GIL), so a layer from a registry takes about the time it takes
    from a file. The thread stops when the reader closes, whatever is left unread."""

    DEPTH = 8  # chunks held ahead: 8 MiB at most

    def __init__(self, reader: BlobReader) -> None:
        self._reader = reader
        self._queue: queue.Queue = queue.Queue(self.DEPTH)
        self._stop = threading.Event()
        self._pending = b""
        self._done = False
        self._thread = threading.Thread(target=self._run, name=f"fetch {reader.digest[:19]}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._reader.read(CHUNK)
                self._put(data)
                if not data:
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread, raised there
            self._put(exc)

    def _put(self, item: Any) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read(self, size: int) -> bytes:
        if not self._pending:
            if self._done:
                return b""
            item = self._queue.get()
            if isinstance(item, BaseException):
                self._done = True
                raise item
            if not item:
                self._done = True
                return b""
            self._pending = item
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and not self._done:
            self._reader.abort()  # closed before the end (an error): do not wait for the network
        self._thread.join(timeout=10)
        self._reader.close()

