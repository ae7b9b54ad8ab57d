"""Commands that need root after USER switched to a user without it."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import instruction_words, is_root_user
from dockwise.rules.base import CheckTarget, DockerfileRule


ROOT_PACKAGE_MANAGERS = {
    "apt-get": {"install", "update", "upgrade", "dist-upgrade", "remove", "purge", "autoremove"},
    "apt": {"install", "update", "upgrade", "remove", "purge"},
    "apk": {"add", "del", "update", "upgrade"},
    "yum": {"install", "update", "upgrade", "remove", "erase", "groupinstall"},
    "dnf": {"install", "update", "upgrade", "remove", "erase"},
    "microdnf": {"install", "update", "upgrade", "remove"},
    "zypper": {"install", "in", "update", "up", "remove", "rm", "refresh", "ref"},
    "tdnf": {"install", "update", "upgrade", "remove"},
    "pacman": None,
    "dpkg": {"-i", "--install"},
    "rpm": {"-i", "-U", "--install", "--upgrade"},
}
ROOT_USER_TOOLS = {"useradd", "groupadd", "adduser", "addgroup", "usermod", "groupmod", "userdel",
                   "chpasswd", "update-ca-certificates", "ldconfig", "locale-gen", "update-alternatives"}
# Which operands a file command writes: "all" positionals, the "last" one (the destination), or
# all but the first (chmod/chown: the first is the mode or owner).
FILE_WRITERS = {"mkdir": "all", "touch": "all", "tee": "all", "sed": "all", "cp": "last", "mv": "last",
                "ln": "last", "install": "last", "chmod": "rest", "chown": "rest"}
# Root-owned trees. /var and /opt are left out: packages and Dockerfiles often hand their
# subdirectories (/var/lib/tor, /opt/app) to the service user.
ROOT_DIRS = ("/usr/", "/etc/", "/bin/", "/sbin/", "/lib/", "/lib64/")


def _written_paths(command) -> list[str]:
    mode = FILE_WRITERS.get(command.name or "")
    if mode is None or (command.name == "sed" and not command.has_option("-i", "--in-place")):
        return []
    words = command.positionals()
    if mode == "last":
        words = words[-1:] if len(words) >= 2 else []
    elif mode == "rest":
        words = words[1:]
    return [w.value for w in words if w.value]


def _needs_root(command, owned: tuple[str, ...] = ()) -> str | None:
    """Why ``command`` needs root, or None. ``owned``: paths handed to the user earlier."""
    name = command.name
    if name is None:
        return None
    if name in ROOT_PACKAGE_MANAGERS:
        subs = ROOT_PACKAGE_MANAGERS[name]
        if subs is None:
            return f"`{name}` changes system packages"
        if name in ("dpkg", "rpm"):
            if any(command.has_option(o) for o in subs):
                return f"`{name}` installs system packages"
            return None
        sub = command.subcommand()
        if sub in subs:
            return f"`{name} {sub}` changes system packages"
        return None
    if name in ROOT_USER_TOOLS:
        return f"`{name}` edits system files"
    if name == "npm" and command.subcommand() in ("install", "i", "add") and command.has_option("-g", "--global"):
        return "`npm install -g` writes /usr/local/lib/node_modules"
    for path in _written_paths(command):
        if path.startswith(ROOT_DIRS) and not any(path == o or path.startswith(o.rstrip("/") + "/") for o in owned):
            return f"`{name}` writes `{path}`, which only root may change"
    return None


def _handed_over(target: CheckTarget, instr) -> list[str]:
    """Paths a RUN `chown`s / `chmod`s or a `COPY --chown` creates: later writes there are allowed."""
    if instr.keyword in ("COPY", "ADD"):
        if instr.flag("chown") is None and instr.flag("chmod") is None:
            return []
        words = instruction_words(instr, target.dockerfile.escape)
        return [words[-1].value] if len(words) >= 2 else []
    if instr.keyword != "RUN":
        return []
    return [p for c in target.shell(instr).find("chown", "chmod") for p in _written_paths(c)]


def _wrapped_in_sudo(command) -> bool:
    return any(w in ("sudo", "doas", "su-exec", "gosu", "su") for w in command.wrappers)


class RootCommandAfterUser(DockerfileRule):
    info = RuleInfo(
        code="DW503",
        name="root-command-as-non-root-user",
        severity=Severity.ERROR,
        summary="A RUN needs root but the stage already switched to a non-root USER.",
        rationale=(
            "After `USER app`, package managers, useradd and writes under /usr, /etc or /var fail "
            "with permission denied: the build breaks (or a later edit silently stops working)."),
        bad_example="FROM debian:12\nUSER 10001\nRUN apt-get update && apt-get install -y curl\n",
        good_example="FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 10001\n",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for stage in target.model.stages:
            owned: list[str] = []
            for instr in stage.instructions:
                yield from self._check_run(target, instr, tuple(owned))
                owned.extend(_handed_over(target, instr))

    def _check_run(self, target: CheckTarget, instr, owned: tuple[str, ...]) -> Iterator[Finding]:
        if instr.keyword == "RUN":
            state = target.model.state_at(instr)
            if state is None or state.user is None:
                return
            if not state.user.known or is_root_user(state.user.text):
                return
            npm_prefix = any(k.upper() == "NPM_CONFIG_PREFIX" for k in state.env)
            for command in target.shell(instr).commands:
                if command.name == "npm" and npm_prefix:
                    continue  # global installs go to a prefix the user owns
                why = _needs_root(command, owned)
                if why and not _wrapped_in_sudo(command) and command.span is not None:
                    yield target.finding(
                        self.info,
                        f"{why} but this RUN executes as `{state.user.text}` (set by an earlier "
                        "USER): the build fails with permission denied; move this command before "
                        "the `USER` instruction",
                        command.span)
