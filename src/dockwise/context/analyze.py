"""What a walked context holds that should not be sent: heavy directories, secrets, big
logs/archives/data files. Pure functions over a :class:`~dockwise.context.scan.ContextScan`.

Secret *values* never leave this module: a :class:`Secret` carries a description of what was
found ("an RSA private key", "an npm auth token"), never the token itself.
"""

from __future__ import annotations

import os

from dockwise._lazyre import lazy_compile
from dockwise._record import FrozenRecord
from dockwise.context.scan import ContextScan

# name -> (why it is heavy, pattern to put in .dockerignore)
HEAVY_DIRS: dict[str, str] = {
    ".git": "git history",
    "node_modules": "npm dependencies, reinstalled in the image anyway",
    ".venv": "a local virtualenv",
    "venv": "a local virtualenv",
    "__pycache__": "Python bytecode caches",
    ".tox": "tox environments",
    ".nox": "nox environments",
    ".pytest_cache": "pytest cache",
    ".mypy_cache": "mypy cache",
    "target": "build output (Rust/Maven)",
    "dist": "build output",
    "build": "build output",
    ".terraform": "Terraform providers and modules",
    ".cache": "a local cache",
    ".gradle": "Gradle caches",
    ".idea": "IDE settings",
    ".vscode": "IDE settings",
    ".next": "Next.js build cache",
}
# Directories that are often real sources (``build/`` scripts, ``dist/`` shipped on purpose):
# reported, but only excluded by the fixer when nothing in the Dockerfile copies them.
AMBIGUOUS_DIRS = {"build", "dist", "target", ".vscode"}

LOG_EXT = (".log",)
ARCHIVE_EXT = (".zip", ".tar", ".tgz", ".tar.gz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".iso")
DATA_EXT = (".csv", ".tsv", ".parquet", ".sqlite", ".sqlite3", ".db", ".sql", ".dump", ".bak", ".h5",
            ".hdf5", ".npy", ".npz", ".pkl", ".pickle", ".feather", ".avro", ".orc")
DEFAULT_LARGE_BYTES = 10 * 1024 * 1024

SAFE_ENV_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")
KEY_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"}
KEY_EXT = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk")
CONTENT_LIMIT = 256 * 1024


class HeavyDir(FrozenRecord):
    __slots__ = ("path", "why", "sent_bytes", "sent_files")

    path: str
    why: str
    sent_bytes: int
    sent_files: int

    def __init__(self, path: str, why: str, sent_bytes: int, sent_files: int) -> None:
        self._set(path=path, why=why, sent_bytes=sent_bytes, sent_files=sent_files)


class Secret(FrozenRecord):
    __slots__ = ("path", "what", "size")

    path: str
    what: str  # description, never the value
    size: int

    def __init__(self, path: str, what: str, size: int) -> None:
        self._set(path=path, what=what, size=size)


class LargeFile(FrozenRecord):
    __slots__ = ("path", "kind", "size")

    path: str
    kind: str  # "log", "archive", "data"
    size: int

    def __init__(self, path: str, kind: str, size: int) -> None:
        self._set(path=path, kind=kind, size=size)


def directory_totals(scan: ContextScan) -> dict[str, tuple[int, int]]:
    """Sent (bytes, files) per directory, every ancestor included."""
    direct: dict[str, list[int]] = {}
    for path, size in zip(scan.files, scan.sizes):
        cut = path.rfind("/")
        if cut < 0:
            continue
        entry = direct.setdefault(path[:cut], [0, 0])
        entry[0] += size
        entry[1] += 1
    totals: dict[str, list[int]] = {}
    for directory, (size, count) in direct.items():
        while True:
            entry = totals.setdefault(directory, [0, 0])
            entry[0] += size
            entry[1] += count
            cut = directory.rfind("/")
            if cut < 0:
                break
            directory = directory[:cut]
    return {k: (v[0], v[1]) for k, v in totals.items()}


def heavy_dirs(scan: ContextScan, totals: dict[str, tuple[int, int]] | None = None) -> list[HeavyDir]:
    """Known heavy directories that are sent (not excluded); outermost only."""
    totals = totals if totals is not None else directory_totals(scan)
    found: list[HeavyDir] = []
    taken: list[str] = []
    # Only directories that are themselves sent: one that is excluded but has a few files
    # re-included by `!` exceptions is the user's deliberate choice.
    candidates = {p for p in scan.sent_dirs if p.rsplit("/", 1)[-1] in HEAVY_DIRS}
    for path in sorted(candidates):
        name = path.rsplit("/", 1)[-1]
        if any(path.startswith(t + "/") for t in taken):
            continue
        taken.append(path)
        size, count = totals.get(path, (0, 0))
        if count == 0:
            continue  # an empty directory costs nothing
        found.append(HeavyDir(path, HEAVY_DIRS[name], size, count))
    return found


def largest(items: dict[str, tuple[int, int]] | list[tuple[str, int]], n: int) -> list[tuple[str, int]]:
    pairs = [(k, v[0]) for k, v in items.items()] if isinstance(items, dict) else list(items)
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))[:n]


def large_files(scan: ContextScan, threshold: int = DEFAULT_LARGE_BYTES) -> list[LargeFile]:
    found = []
    for path, size in zip(scan.files, scan.sizes):
        if size < threshold:
            continue
        lower = path.lower()
        kind = ("log" if lower.endswith(LOG_EXT) or "/logs/" in "/" + lower else
                "archive" if lower.endswith(ARCHIVE_EXT) else
                "data" if lower.endswith(DATA_EXT) else "")
        if kind:
            found.append(LargeFile(path, kind, size))
    return found


# --- secrets ---------------------------------------------------------------------------

_PRIVATE_KEY = lazy_compile(rb"-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY)( BLOCK)?-----")
_NPM_TOKEN = lazy_compile(rb"(?m)^\s*(?://[^\s]*:)?_(?:authToken|auth|password)\s*=\s*\S")
_PYPI_PASSWORD = lazy_compile(rb"(?m)^\s*password\s*[:=]\s*\S")
_AWS_KEY = lazy_compile(rb"(?m)^\s*aws_secret_access_key\s*=\s*\S")
_AWS_ID = lazy_compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_KUBE = lazy_compile(rb"(?m)^\s*(client-key-data|token|client-certificate-data|password)\s*:\s*\S")
_DOCKER_AUTH = lazy_compile(rb'"auths?"\s*:\s*\{[^}]*"auth"\s*:\s*"[^"]+"')
_GCP_SA = lazy_compile(rb'"type"\s*:\s*"service_account"')
_ENV_ASSIGN = lazy_compile(rb"(?m)^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*\S")
_NETRC = lazy_compile(rb"(?m)\bpassword\s+\S")
_GIT_CRED = lazy_compile(rb"https?://[^\s:/]+:[^\s@]+@")


def _read_head(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(CONTENT_LIMIT)
    except OSError:
        return b""


def classify_secret(rel: str, abs_path: str) -> str | None:
    """What secret ``rel`` holds (a description), judged by name and content; None if none."""
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    parent = rel.rsplit("/", 2)[-2] if "/" in rel else ""
    if lower == ".env" or (lower.startswith(".env.") and not lower.endswith(SAFE_ENV_SUFFIXES)) \
            or (lower.endswith(".env") and lower not in ("venv.env",)):
        data = _read_head(abs_path)
        if _ENV_ASSIGN.search(data):
            return "an environment file with variable assignments (often API keys and passwords)"
        return None
    if lower == ".npmrc":
        return "an .npmrc with an auth token" if _NPM_TOKEN.search(_read_head(abs_path)) else None
    if lower == ".pypirc":
        return "a .pypirc with a password or token" if _PYPI_PASSWORD.search(_read_head(abs_path)) else None
    if lower in (".netrc", "_netrc"):
        return "a .netrc with a password" if _NETRC.search(_read_head(abs_path)) else None
    if lower == ".git-credentials":
        return "stored git credentials" if _GIT_CRED.search(_read_head(abs_path)) else None
    if parent == ".aws" and lower in ("credentials", "config"):
        data = _read_head(abs_path)
        if _AWS_KEY.search(data) or _AWS_ID.search(data):
            return "AWS credentials (access key)"
        return None
    if (parent == ".kube" and lower == "config") or lower in ("kubeconfig", "kubeconfig.yaml", "kubeconfig.yml"):
        return "a kubeconfig with cluster credentials" if _KUBE.search(_read_head(abs_path)) else None
    if parent == ".azure" and lower in ("accesstokens.json", "msal_token_cache.json", "msal_token_cache.bin"):
        return "Azure CLI access tokens"
    if parent == ".docker" and lower == "config.json":
        return "docker registry credentials" if _DOCKER_AUTH.search(_read_head(abs_path)) else None
    if lower.endswith(".json") and ("credential" in lower or "service" in lower or "key" in lower
                                    or lower == "application_default_credentials.json"):
        data = _read_head(abs_path)
        if _GCP_SA.search(data) and b"private_key" in data:
            return "a Google Cloud service-account key"
        return None
    if lower in KEY_NAMES or lower.endswith(KEY_EXT):
        data = _read_head(abs_path)
        m = _PRIVATE_KEY.search(data)
        if m:
            return "a private key (" + m.group(1).decode().lower() + ")"
        if lower in KEY_NAMES or lower.endswith((".p12", ".pfx", ".jks", ".keystore", ".ppk")):
            return "a private key or keystore (by name)"
        return None
    if lower.endswith(".tfstate") or lower.endswith(".tfstate.backup"):
        return "Terraform state (holds resource secrets in plain text)"
    return None


# Base names worth a closer look; everything else is skipped without string work.
_CANDIDATE_NAME = lazy_compile(
    r"(?i)(?:\.env|.*\.env|\.env\..*|\.npmrc|\.pypirc|_?\.?netrc|\.git-credentials|credentials|config"
    r"|kubeconfig.*|config\.json|.*(?:credential|service|key).*\.json|application_default_credentials\.json"
    r"|id_(?:rsa|dsa|ecdsa|ed25519)|.*\.(?:pem|key|p12|pfx|jks|keystore|ppk)|.*\.tfstate(?:\.backup)?"
    r"|accesstokens\.json|msal_token_cache\..*)")


def secrets(scan: ContextScan) -> list[Secret]:
    """Secret files among the sent files (names first, then a content check of candidates)."""
    found = []
    candidate = _CANDIDATE_NAME.fullmatch
    for path, size in zip(scan.files, scan.sizes):
        if not candidate(path[path.rfind("/") + 1:]) or path in scan.symlinks:
            continue
        what = classify_secret(path, os.path.join(scan.root, path))
        if what:
            found.append(Secret(path, what, size))
    return found


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"  # pragma: no cover
