"""What the image's files give away: build tools, package caches, secrets, setuid bits,
empty passwords."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise._lazyre import lazy_compile
from dockwise.examples import ImageExample
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.image.rules.base import ImageRule, ImageTarget, human_bytes
from dockwise.image.tarscan import DIR, FILE

TOOL_NAME = lazy_compile(r"^(gcc|g\+\+|cc|c\+\+|clang|clang\+\+|cc1|cc1plus|make|gmake|cmake|git|nvcc|"
                       r"rustc|cargo|javac)(-[0-9][0-9.]*)?$")
TOOL_DIRS = ("bin/", "sbin/", "usr/bin/", "usr/sbin/", "usr/local/bin/", "usr/lib/gcc/", "usr/libexec/",
             "usr/local/cuda", "opt/")
HEADER_DIRS = ("usr/include/", "usr/local/include/")
MIN_HEADERS = 20


class BuildToolsPresent(ImageRule):
    info = RuleInfo(
        code="DI004",
        name="image-contains-build-tools",
        severity=Severity.WARNING,
        summary="Compilers, build tools or development headers are in the final image.",
        rationale=("Compilers, make, git and headers are needed to build, not to run. In the runtime "
                   "image they cost hundreds of megabytes and give an attacker a toolchain. Build in "
                   "one stage and COPY --from it only the artefacts into a slim final stage."),
        bad_example=ImageExample(note="RUN apt-get install -y gcc make && make", layers=[
            {"/usr/bin/gcc-12": (900, 0o755), "/usr/bin/make": (300, 0o755)},
            {"/usr/local/bin/app": (900, 0o755)}]),
        good_example=ImageExample([{"/usr/local/bin/app": (900, 0o755)}]),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        tools: dict[str, list] = {}
        headers = []
        for f in target.analysis.final_files:
            base = f.path.rpartition("/")[2]
            match = TOOL_NAME.match(base)
            if match and f.path.startswith(TOOL_DIRS) and (f.mode & 0o111):
                tools.setdefault(match.group(1), []).append(f)
            elif f.path.startswith(HEADER_DIRS) and base.endswith((".h", ".hpp")):
                headers.append(f)
        for name, files in sorted(tools.items()):
            first = max(files, key=lambda f: f.size)
            yield target.finding(
                self.info,
                f"build tool `{name}` is in the final image (/{first.path}, {human_bytes(first.size)}, "
                f"from {target.layer_name(first.layer)}): it is needed to build, not to run -- "
                "build in a separate stage and copy only the result",
                layer=first.layer, path=first.path, tool=name)
        if len(headers) >= MIN_HEADERS:
            layer = _main_layer(headers)
            total = sum(h.size for h in headers)
            yield target.finding(
                self.info,
                f"{len(headers)} C/C++ headers ({human_bytes(total)}) are in the final image, mostly from "
                f"{target.layer_name(layer)}: -dev packages belong in the build stage",
                layer=layer, path="usr/include", tool="headers", bytes=total)


def _main_layer(files) -> int:
    by_layer: dict[int, int] = {}
    for f in files:
        by_layer[f.layer] = by_layer.get(f.layer, 0) + max(f.size, 1)
    return max(by_layer, key=lambda k: by_layer[k])


CACHE_DIRS = {
    "var/lib/apt/lists": "apt package lists",
    "var/cache/apt": "apt package cache",
    "var/cache/apk": "apk package cache",
    "var/cache/yum": "yum cache",
    "var/cache/dnf": "dnf cache",
    "var/cache/zypp": "zypper cache",
    "root/.cache/pip": "pip cache",
    "root/.npm/_cacache": "npm cache",
    "root/.cache/yarn": "yarn cache",
    "usr/local/share/.cache/yarn": "yarn cache",
    "root/.cache/go-build": "Go build cache",
    "root/go/pkg/mod/cache": "Go module download cache",
    "root/.cargo/registry/cache": "cargo registry cache",
}
HOME_CACHES = {".cache/pip": "pip cache", ".npm/_cacache": "npm cache", ".cache/yarn": "yarn cache",
               ".cache/go-build": "Go build cache"}
IGNORED_CACHE_FILES = ("lock", "partial")


CACHE_PREFIXES = tuple(prefix + "/" for prefix in CACHE_DIRS) + ("home/",)


def cache_of(path: str) -> str | None:
    """The cache directory ``path`` lies in, or None."""
    if not path.startswith(CACHE_PREFIXES):
        return None
    for prefix in CACHE_DIRS:
        if path.startswith(prefix + "/"):
            return prefix
    if path.startswith("home/"):
        parts = path.split("/")
        for suffix in HOME_CACHES:
            n = suffix.count("/") + 1
            if "/".join(parts[2:2 + n]) == suffix and len(parts) > 2 + n:
                return "/".join(parts[:2 + n])
    return None


class PackageManagerCache(ImageRule):
    info = RuleInfo(
        code="DI005",
        name="image-contains-package-cache",
        severity=Severity.WARNING,
        summary="Package-manager caches (apt lists, apk/pip/npm/yarn/go caches) are in the image.",
        rationale=("Caches only speed up the next install, which never happens in a running container. "
                   "They are shipped and pulled with every deploy. Clean them in the same RUN that "
                   "fills them, or use a BuildKit cache mount."),
        bad_example=ImageExample(note="RUN apt-get update && apt-get install -y curl", layers=[
            {"/usr/bin/curl": (4000, 0o755),
             "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_Packages": 9000}]),
        good_example=ImageExample([{"/usr/bin/curl": (4000, 0o755)}]),
        aliases=("dockle:DKL-DI-0005",),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        caches: dict[str, list] = {}
        for f in target.analysis.final_files:
            prefix = cache_of(f.path)
            if prefix and f.path.rpartition("/")[2] not in IGNORED_CACHE_FILES:
                caches.setdefault(prefix, []).append(f)
        for prefix, files in sorted(caches.items()):
            total = sum(f.size for f in files)
            if total == 0:
                continue
            kind = CACHE_DIRS.get(prefix) or HOME_CACHES.get(prefix.split("/", 2)[2], "cache")
            layer = _main_layer(files)
            yield target.finding(
                self.info,
                f"{kind} /{prefix} ships {human_bytes(total)} in {len(files)} files, mostly from "
                f"{target.layer_name(layer)}: nothing reads it at run time -- clean it in the same RUN "
                "or use `RUN --mount=type=cache`",
                layer=layer, path=prefix, bytes=total)


SECRET_NAMES = {
    ".env": "a .env file", "id_rsa": "an SSH private key", "id_dsa": "an SSH private key",
    "id_ecdsa": "an SSH private key", "id_ed25519": "an SSH private key",
    ".git-credentials": "git credentials", ".netrc": "a .netrc with credentials",
    ".pypirc": "PyPI credentials", ".npmrc": "an .npmrc (may hold registry tokens)",
    "application_default_credentials.json": "Google Cloud credentials",
    "credentials.db": "Google Cloud credentials",
}
SECRET_SUFFIX_PATHS = {
    ".aws/credentials": "AWS credentials", ".docker/config.json": "Docker registry credentials",
    ".kube/config": "a Kubernetes config", ".azure/accessTokens.json": "Azure credentials",
}
ENV_SAFE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")


def secret_kind(path: str, head: bytes) -> str | None:
    """What kind of secret ``path`` is (never looking further than its first bytes)."""
    base = path.rpartition("/")[2]
    if base in SECRET_NAMES:
        return SECRET_NAMES[base]
    if base.startswith(".env.") and not base.endswith(ENV_SAFE_SUFFIXES):
        return "a .env file"
    for suffix, kind in SECRET_SUFFIX_PATHS.items():
        if path == suffix or path.endswith("/" + suffix):
            return kind
    if head.startswith(b"-----BEGIN") and b"PRIVATE KEY" in head:
        return "a private key"
    if head.startswith(b"PuTTY-User-Key-File"):
        return "a private key"
    return None


class SecretsInImage(ImageRule):
    info = RuleInfo(
        code="DI007",
        name="image-contains-secrets",
        severity=Severity.ERROR,
        summary="Secrets (.env files, private keys, cloud credentials, .git directories) are in a layer.",
        rationale=("Anyone who can pull the image can read every layer, including files a later layer "
                   "deleted. A leaked key or token has to be rotated. Keep secrets out of the build "
                   "context (.dockerignore) and use build secrets (`RUN --mount=type=secret`)."),
        bad_example=ImageExample(note="COPY . /app  (the context holds .env)", layers=[
            {"/app/app.py": "print('hello')\n", "/app/.env": "DB_PASSWORD=hunter2\n"}]),
        good_example=ImageExample([{"/app/app.py": "print('hello')\n"}]),
        aliases=("dockle:CIS-DI-0010",),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        final = {f.path for f in target.analysis.final_files}
        reported_git: set[tuple[int, str]] = set()
        for scan in target.analysis.scans:
            for entry in scan.entries:
                if entry.kind == DIR or (entry.kind != FILE and entry.kind != "h"):
                    continue
                git = _git_dir(entry.path)
                if git is not None:
                    if (scan.index, git) not in reported_git:
                        reported_git.add((scan.index, git))
                        yield self._found(target, scan.index, git, "a .git directory (full history, "
                                          "possibly credentials in .git/config)", git in _dirs(final))
                    continue
                kind = secret_kind(entry.path, entry.head)
                if kind:
                    yield self._found(target, scan.index, entry.path, kind, entry.path in final)

    def _found(self, target: ImageTarget, layer: int, path: str, kind: str, still_visible: bool) -> Finding:
        where = ("" if still_visible else
                 " -- deleted later, but still readable in that layer")
        return target.finding(
            self.info,
            f"/{path} is {kind} (contents redacted), added by {target.layer_name(layer)}{where}: "
            "anyone who pulls the image can read it -- keep it out of the build context and "
            "rotate it if it was real",
            layer=layer, path=path, secret=kind)


def _git_dir(path: str) -> str | None:
    if ".git/" not in path:
        return None
    parts = path.split("/")
    if ".git" in parts[:-1]:
        return "/".join(parts[: parts.index(".git") + 1])
    return None


def _dirs(final: set[str]) -> set[str]:
    out = set()
    for path in final:
        git = _git_dir(path)
        if git:
            out.add(git)
    return out


class SetuidFiles(ImageRule):
    info = RuleInfo(
        code="DI008",
        name="image-setuid-file",
        severity=Severity.INFO,
        summary="A file in the image has the setuid or setgid bit.",
        rationale=("Setuid/setgid programs run with their owner's privileges whoever starts them; each "
                   "is a privilege-escalation path if the container is compromised. Remove the bit "
                   "from programs the service does not need (`chmod a-s`)."),
        bad_example=ImageExample([{"/usr/bin/passwd": (68000, 0o4755)}]),
        good_example=ImageExample([{"/usr/bin/passwd": (68000, 0o755)}]),
        aliases=("dockle:CIS-DI-0008",),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        for f in sorted(target.analysis.final_files, key=lambda f: f.path):
            bits = [name for bit, name in ((0o4000, "setuid"), (0o2000, "setgid")) if f.mode & bit]
            if bits:
                yield target.finding(
                    self.info,
                    f"/{f.path} is {' and '.join(bits)} (mode {f.mode & 0o7777:04o}, from "
                    f"{target.layer_name(f.layer)}): it runs with its owner's privileges -- "
                    "`chmod a-s` it unless the service needs it",
                    layer=f.layer, path=f.path, mode=f"{f.mode & 0o7777:04o}")


class EmptyPassword(ImageRule):
    info = RuleInfo(
        code="DI009",
        name="image-empty-password",
        severity=Severity.ERROR,
        summary="An account in /etc/shadow has an empty password field.",
        rationale=("An empty password field lets anyone log in as that account without a password "
                   "(su, login, sshd with PermitEmptyPasswords). Lock it with `passwd -l` or `*`."),
        bad_example=ImageExample([{"/etc/shadow": "root:*:19000:0:99999:7:::\napp::19000:0:99999:7:::\n"}]),
        good_example=ImageExample([{"/etc/shadow": "root:*:19000:0:99999:7:::\napp:!:19000:0:99999:7:::\n"}]),
        aliases=("dockle:DKL-LI-0001",),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        shadow = target.analysis.merged.lookup("etc/shadow")
        if shadow is None or not shadow.head:
            return
        text = shadow.head.decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            fields = line.split(":")
            if len(fields) >= 2 and fields[0] and fields[1] == "":
                yield target.finding(
                    self.info,
                    f"account `{fields[0]}` has an empty password in /etc/shadow (line {number}): "
                    "anyone can log in as it -- lock it (`passwd -l " + fields[0] + "`)",
                    layer=shadow.layer, path="etc/shadow", account=fields[0])
