"""Which files hold secrets: one table for ``check`` (DW913, COPY sources), ``context``
(DC003, DC007) and ``image`` (DI007).

The readers have different evidence. The build-context analyzer reads a file's first bytes
and confirms a candidate by its content (an ``.npmrc`` without a token is no secret); a
Dockerfile rule sees only the name; the image analyzer sees the name and, for PEM and PuTTY
files, the first bytes. So every kind says what confirms it (``content``) and whether its
name alone is evidence enough for a reader that cannot look inside (``by_name``).

Descriptions name the kind of secret, never its value.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable

from dockwise._lazyre import lazy_compile


class SecretKind(namedtuple("SecretKind", "what content by_name guess", defaults=(None,))):
    """``what`` describes it in messages once the content confirmed it; ``content`` is a bytes
    pattern that confirms it in the file's first bytes (None: the name is the evidence);
    ``by_name`` says whether a reader without the content reports it on its name alone, and
    ``guess`` how it describes it then (default: ``what``)."""

    __slots__ = ()

    @property
    def by_name_what(self) -> str:
        return self.guess or self.what


class _AllOf:
    """A content test that needs every pattern (a service-account key: its type and its key)."""

    def __init__(self, *needles: bytes) -> None:
        self.needles = needles

    def search(self, data: bytes) -> bool:
        return all(lazy_pattern.search(data) for lazy_pattern in self.needles)


# `.env.example` and friends are templates committed on purpose, without real values.
ENV_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")
PRIVATE_KEY_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})
# Containers of private keys whatever their content looks like in the first bytes.
KEYSTORE_EXTENSIONS = (".p12", ".pfx", ".jks", ".keystore", ".ppk")
# A .pem or .key holds certificates (public) as often as keys: the name decides only when it
# says "key" and not "public"; a reader of the content decides by the PEM header.
KEY_EXTENSIONS = (".pem", ".key")
PEM_KEY_HINTS = ("key", "priv", "_pk", "-pk", "secret", "cred")
PUBLIC_HINTS = ("pub", "cert", "chain", "trust", "ca.", "ca-", "ca_")
# A `.key` or `.pem` named after package signing is a PGP *public* key (`llvm-snapshot.gpg.key`,
# `docker-archive-keyring.gpg`, `nodesource-repo.gpg.key`): copied in to verify downloads.
SIGNING_KEY_HINTS = ("gpg", "pgp", "signing", "keyring", "archive", "release", "repo", "apt", "yum", "rpm")
# A PKCS#12 or Java keystore holds a private key however it is named (`cert.pfx` is the usual
# name of an HTTPS key pair); only a trust store holds certificates alone.
TRUSTSTORE_HINTS = ("trust", "cacerts")

PRIVATE_KEY = lazy_compile(
    rb"-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY)( BLOCK)?-----")
PUTTY_KEY = b"PuTTY-User-Key-File"
_ENV_ASSIGN = lazy_compile(rb"(?m)^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*\S")
_NPM_TOKEN = lazy_compile(rb"(?m)^\s*(?://[^\s]*:)?_(?:authToken|auth|password)\s*=\s*\S")
_PYPI_PASSWORD = lazy_compile(rb"(?m)^\s*password\s*[:=]\s*\S")
_NETRC = lazy_compile(rb"(?m)\bpassword\s+\S")
_GIT_CRED = lazy_compile(rb"https?://[^\s:/]+:[^\s@]+@")
_AWS = lazy_compile(rb"(?m)^\s*aws_secret_access_key\s*=\s*\S|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_KUBE = lazy_compile(rb"(?m)^\s*(client-key-data|token|client-certificate-data|password)\s*:\s*\S")
_DOCKER_AUTH = lazy_compile(rb'"auths?"\s*:\s*\{[^}]*"auth"\s*:\s*"[^"]+"')
_GCP_SERVICE_ACCOUNT = _AllOf(lazy_compile(rb'"type"\s*:\s*"service_account"'), lazy_compile(rb'private_key'))

ENV_FILE = SecretKind("an environment file with variable assignments (often API keys and passwords)",
                      _ENV_ASSIGN, True, "an environment file (often API keys and passwords)")
# `prod.env` is as often plain configuration as secrets: only its content decides.
NAMED_ENV_FILE = SecretKind(ENV_FILE.what, _ENV_ASSIGN, False)
PRIVATE_KEY_FILE = SecretKind("a private key", PRIVATE_KEY, True)
# Keystores are binary and SSH keys may be encrypted: their name is evidence enough.
KEYSTORE = SecretKind("a private key or keystore (by name)", PRIVATE_KEY, True, "a private key or keystore")
GCP_SERVICE_ACCOUNT = SecretKind("a Google Cloud service-account key", _GCP_SERVICE_ACCOUNT, False)

# base name (lower case) -> kind
NAMED_FILES = {
    ".npmrc": SecretKind("an .npmrc with an auth token", _NPM_TOKEN, True, "an .npmrc (may hold registry tokens)"),
    ".pypirc": SecretKind("a .pypirc with a password or token", _PYPI_PASSWORD, True, "PyPI credentials"),
    ".netrc": SecretKind("a .netrc with a password", _NETRC, True, "a .netrc with credentials"),
    "_netrc": SecretKind("a .netrc with a password", _NETRC, True, "a .netrc with credentials"),
    ".git-credentials": SecretKind("stored git credentials", _GIT_CRED, True, "git credentials"),
    "kubeconfig": SecretKind("a kubeconfig with cluster credentials", _KUBE, True),
    "kubeconfig.yaml": SecretKind("a kubeconfig with cluster credentials", _KUBE, True),
    "kubeconfig.yml": SecretKind("a kubeconfig with cluster credentials", _KUBE, True),
    # `gcloud auth application-default login` writes a refresh token here, not a service account
    "application_default_credentials.json": SecretKind("Google Cloud credentials", None, True),
    "htpasswd": SecretKind("an htpasswd file (password hashes)", None, True),
    ".htpasswd": SecretKind("an htpasswd file (password hashes)", None, True),
    "secrets.yml": SecretKind("a secrets file", None, True),
    "secrets.yaml": SecretKind("a secrets file", None, True),
    "secrets.json": SecretKind("a secrets file", None, True),
}
# (parent directory, base name in lower case) -> kind: files that are secrets only in their
# usual folder (`config` is everywhere; `.kube/config` is a cluster login).
FOLDER_FILES = {
    (".aws", "credentials"): SecretKind("AWS credentials (access key)", _AWS, True, "AWS credentials"),
    (".aws", "config"): SecretKind("AWS credentials (access key)", _AWS, False),
    (".kube", "config"): SecretKind("a kubeconfig with cluster credentials", _KUBE, True),
    (".docker", "config.json"): SecretKind("docker registry credentials", _DOCKER_AUTH, True),
    (".azure", "accesstokens.json"): SecretKind("Azure CLI access tokens", None, True),
    (".azure", "msal_token_cache.json"): SecretKind("Azure CLI access tokens", None, True),
    (".azure", "msal_token_cache.bin"): SecretKind("Azure CLI access tokens", None, True),
    ("gcloud", "credentials.db"): SecretKind("Google Cloud credentials", None, True),
    ("gcloud", "access_tokens.db"): SecretKind("Google Cloud credentials", None, True),
}
TERRAFORM_STATE = SecretKind("Terraform state (holds resource secrets in plain text)", None, True)

def _split(path: str) -> tuple[str, str]:
    """(parent directory name, base name) of a ``/``- or ``\\``-separated path."""
    parts = path.replace("\\", "/").rstrip("/").rsplit("/", 2)
    return (parts[-2] if len(parts) > 1 else ""), parts[-1]


def secret_file_kind(path: str) -> SecretKind | None:
    """What kind of secret a file of this name would hold (None: none by its name)."""
    parent, base = _split(path)
    lower = base.lower()
    if lower == ".env" or lower.startswith(".env."):
        return None if lower.endswith(ENV_TEMPLATE_SUFFIXES) else ENV_FILE
    if lower.endswith(".env") and lower != "venv.env":
        return NAMED_ENV_FILE
    kind = FOLDER_FILES.get((parent, lower)) or NAMED_FILES.get(lower)
    if kind is not None:
        return kind
    if lower in PRIVATE_KEY_NAMES:
        return SecretKind(PRIVATE_KEY_FILE.what, PRIVATE_KEY, True, "an SSH private key")
    if lower.endswith(".pub"):
        return None
    if lower.endswith(KEYSTORE_EXTENSIONS):
        return None if any(h in lower for h in TRUSTSTORE_HINTS) else KEYSTORE
    if lower.endswith(KEY_EXTENSIONS):
        by_name = not _says_public(lower) and (lower.endswith(".key") or any(h in lower for h in PEM_KEY_HINTS))
        return SecretKind(PRIVATE_KEY_FILE.what, PRIVATE_KEY, by_name)
    if lower.endswith(".kubeconfig"):
        return NAMED_FILES["kubeconfig"]
    if lower.endswith((".tfstate", ".tfstate.backup")):
        return TERRAFORM_STATE
    if lower.endswith(".json") and ("credential" in lower or "service" in lower or "key" in lower):
        return GCP_SERVICE_ACCOUNT
    return None


def _says_public(lower: str) -> bool:
    return any(h in lower for h in PUBLIC_HINTS + SIGNING_KEY_HINTS) and "priv" not in lower


# Secrets recognisable in a file's first bytes whatever its name (`deploy_key`, `token.txt`):
# private keys, and tokens whose format is their provider's own.
PUBLIC_KEY_BLOCK = lazy_compile(rb"-----BEGIN (?:PGP PUBLIC KEY BLOCK|PUBLIC KEY|CERTIFICATE)-----|^ssh-(?:rsa|ed25519|dss) ")
_TOKENS = (
    (lazy_compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key"),
    (lazy_compile(rb"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{50,}"), "a GitHub token"),
    (lazy_compile(rb"\bglpat-[A-Za-z0-9_-]{20,}"), "a GitLab token"),
    (lazy_compile(rb"\bxox[abpors]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (lazy_compile(rb"\bnpm_[A-Za-z0-9]{36}\b"), "an npm token"),
    (lazy_compile(rb"\bsk_live_[A-Za-z0-9]{20,}"), "a Stripe secret key"),
)
# Keys and token files are small; past this a file is read no further (a log, a data file).
CONTENT_SCAN_LIMIT = 64 * 1024


def secret_in_content(head: bytes) -> str | None:
    """The secret the first bytes of a file show whatever the file is called: a private key
    (PEM, OpenSSH, PGP, PuTTY) or a provider token; None for anything else, public keys and
    certificates included."""
    match = PRIVATE_KEY.search(head)
    if match:
        return f"a private key ({match.group(1).decode().lower()})"
    if head.startswith(PUTTY_KEY):
        return "a private key (putty)"
    for pattern, what in _TOKENS:
        if pattern.search(head):
            return what
    return None


def is_public_key_content(head: bytes) -> bool:
    """The file is a public key or certificate (and holds no private key)."""
    return bool(PUBLIC_KEY_BLOCK.search(head)) and secret_in_content(head) is None


def secret_by_name(path: str) -> str | None:
    """The secret a file holds judged by its name alone (a COPY source, an image path)."""
    kind = secret_file_kind(path)
    return kind.by_name_what if kind is not None and kind.by_name else None


def secret_by_content(path: str, read_head: Callable[[], bytes]) -> str | None:
    """The secret a file holds judged by its name and its first bytes (a context file);
    ``read_head`` is called only when the content decides."""
    kind = secret_file_kind(path)
    if kind is None:
        return None
    if kind.content is None:
        return kind.what
    match = kind.content.search(read_head())
    if not match:
        # A keystore or an SSH key by its well-known name is a secret in any encoding.
        if kind.content is PRIVATE_KEY and (kind is KEYSTORE or _split(path)[1].lower() in PRIVATE_KEY_NAMES):
            return KEYSTORE.what
        return None
    if kind.content is PRIVATE_KEY:
        return f"a private key ({match.group(1).decode().lower()})"
    return kind.what


def secret_by_name_and_head(path: str, head: bytes) -> str | None:
    """The secret an image file holds, judged by its name and the first bytes the image reader
    keeps (those of PEM and PuTTY files): a PEM file is judged by its header, not its name."""
    kind = secret_file_kind(path)
    if kind is not None and kind.content is PRIVATE_KEY and head.startswith(b"-----BEGIN"):
        return kind.by_name_what if private_key_in_head(head) else None
    if kind is not None and kind.by_name:
        return kind.by_name_what
    return PRIVATE_KEY_FILE.what if private_key_in_head(head) else None


def private_key_in_head(head: bytes) -> bool:
    """A PEM or PuTTY private key starts in these bytes (any file name)."""
    return (head.startswith(b"-----BEGIN") and b"PRIVATE KEY" in head) or head.startswith(PUTTY_KEY)
