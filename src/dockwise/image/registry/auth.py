"""Registry credentials, found where ``docker login`` puts them, and the auth challenge.

The Docker config file is ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``.
For a registry host its credentials come from, in order: ``credHelpers[host]`` (a credential
helper for that registry), ``credsStore`` (the default helper), the ``auths[host]`` entry
(``auth``: base64 of ``user:password``, or ``username``/``password``). A helper is the program
``docker-credential-NAME``: ``get`` with the server address on stdin prints
``{"Username": ..., "Secret": ...}`` (the username ``<token>`` marks an identity token).
Docker Hub's key in that file is ``https://index.docker.io/v1/``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from dataclasses import dataclass

from dockwise.errors import ImageError

DOCKER_HUB_KEY = "https://index.docker.io/v1/"
HELPER_TIMEOUT = 30  # seconds: a helper may ask a keychain


@dataclass(frozen=True)
class Credentials:
    username: str
    secret: str
    source: str  # where they came from, for messages: "~/.docker/config.json", "docker-credential-pass"

    @property
    def identity_token(self) -> bool:
        return self.username == "<token>"


def config_path() -> str:
    directory = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return os.path.join(directory, "config.json")


def _load_config(path: str) -> dict:
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(4 << 20))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ImageError(f"cannot read the Docker config file ({exc})", path=path) from None
    if not isinstance(data, dict):
        raise ImageError("the Docker config file is not a JSON object", path=path)
    return data


def _keys(host: str) -> list[str]:
    """The names a registry may have in the config file (``docker login`` wrote one of them)."""
    if host in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        return [DOCKER_HUB_KEY, "index.docker.io", "docker.io", "registry-1.docker.io"]
    return [host, f"https://{host}", f"http://{host}", f"https://{host}/v1/", f"https://{host}/v2/"]


def find_credentials(host: str) -> Credentials | None:
    """The credentials ``docker login`` stored for ``host`` (``docker.io`` for Docker Hub)."""
    path = config_path()
    config = _load_config(path)
    keys = _keys(host)
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key in keys:
            helper = helpers.get(key)
            if isinstance(helper, str) and helper:
                return _from_helper(helper, keys[0])
    store = config.get("credsStore")
    if isinstance(store, str) and store:
        found = _from_helper(store, keys[0])
        if found is not None:
            return found
    auths = config.get("auths")
    if isinstance(auths, dict):
        for key in keys:
            entry = auths.get(key)
            if isinstance(entry, dict):
                found = _from_entry(entry, path)
                if found is not None:
                    return found
    return None


def _from_entry(entry: dict, path: str) -> Credentials | None:
    token = entry.get("identitytoken")
    if isinstance(token, str) and token:
        return Credentials("<token>", token, path)
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            user, sep, password = base64.b64decode(auth, validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise ImageError("an `auth` entry of the Docker config file is not base64 of user:password",
                             path=path) from None
        if not sep:
            raise ImageError("an `auth` entry of the Docker config file has no `:` between user and password",
                             path=path)
        return Credentials(user, password, path)
    user, password = entry.get("username"), entry.get("password")
    if isinstance(user, str) and isinstance(password, str) and user:
        return Credentials(user, password, path)
    return None


def _from_helper(name: str, server: str) -> Credentials | None:
    if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
        raise ImageError(f"credential helper name {name!r} in the Docker config file is not a program name",
                         path=config_path())
    program = f"docker-credential-{name}"
    try:
        proc = subprocess.run([program, "get"], input=server.encode(), capture_output=True,
                              timeout=HELPER_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ImageError(f"the Docker config file names the credential helper {name!r}, but {program} "
                         "is not on PATH", path=config_path()) from None
    except subprocess.TimeoutExpired:
        raise ImageError(f"{program} did not answer within {HELPER_TIMEOUT} s") from None
    if proc.returncode != 0:
        message = proc.stdout.decode(errors="replace").strip() or proc.stderr.decode(errors="replace").strip()
        if "not found" in message.lower():
            return None  # the helper has nothing for this registry: anonymous access
        raise ImageError(f"{program} get failed: {message[:200] or f'exit code {proc.returncode}'}")
    try:
        answer = json.loads(proc.stdout)
        user, secret = answer["Username"], answer["Secret"]
    except (ValueError, KeyError, TypeError):
        raise ImageError(f"{program} get did not print {{\"Username\": ..., \"Secret\": ...}}") from None
    if not isinstance(user, str) or not isinstance(secret, str) or not secret:
        return None
    return Credentials(user, secret, program)


@dataclass(frozen=True)
class Challenge:
    scheme: str  # "bearer" or "basic"
    params: dict[str, str]


_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?')


def parse_challenge(header: str) -> Challenge | None:
    """``Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"``."""
    scheme, _, rest = header.strip().partition(" ")
    if not scheme:
        return None
    params: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = _PARAM.match(rest, pos)
        if not match or match.end() == pos:
            break
        value = match.group(2) if match.group(2) is not None else match.group(3)
        params[match.group(1).lower()] = re.sub(r"\\(.)", r"\1", value)
        pos = match.end()
    return Challenge(scheme.lower(), params)
