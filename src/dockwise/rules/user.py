"""Family 5: who the container runs as, and commands that need a user they no longer have."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import (
    all_instructions, effective_instruction, first_word_span, instruction_words, is_root_user, stage_chain,
    word_span,
)
from dockwise.rules.base import CheckTarget, DockerfileRule

# Base images whose default user is not root (so a final stage without USER is fine).
NONROOT_BASE_HINTS = ("nonroot", "rootless")
NONROOT_REGISTRY_PREFIXES = ("cgr.dev/chainguard/",)
NONROOT_REPOSITORY_PREFIXES = ("bitnami/",)


def _user_word(target: CheckTarget, instr):
    words = instruction_words(instr, target.dockerfile.escape)
    return words[0] if words else None


def _base_known_nonroot(stage) -> bool:
    ref = stage.base_ref
    if ref is None:
        return False
    if any(h in (ref.tag or "") for h in NONROOT_BASE_HINTS):
        return True
    full = f"{ref.registry}/{ref.repository}"
    if full.startswith(NONROOT_REGISTRY_PREFIXES) and "-dev" not in (ref.tag or ""):
        return True
    return ref.repository.startswith(NONROOT_REPOSITORY_PREFIXES)


def _windows(stage) -> bool:
    """Windows images have no root user (ContainerUser/ContainerAdministrator instead)."""
    ref = stage.base_ref
    text = f"{ref.repository}:{ref.tag or ''}".lower() if ref else ""
    return any(w in text for w in ("windows", "nanoserver", "servercore", "ltsc20"))


class LastUserRoot(DockerfileRule):
    info = RuleInfo(
        code="DL3002",
        name="last-user-root",
        severity=Severity.WARNING,
        summary="The image runs as root: the last USER of the final stage is root.",
        rationale=(
            "A process running as root inside the container is root on the host's kernel: one "
            "container escape or writable host mount away from owning the node. Runtime policies "
            "(Kubernetes runAsNonRoot, OpenShift) refuse to start such images."),
        bad_example="FROM debian:12\nUSER root\nCMD [\"app\"]\n",
        good_example="FROM debian:12\nRUN useradd -r -u 10001 app\nUSER 10001\nCMD [\"app\"]\n",
        aliases=("hadolint:DL3002", "CKV_DOCKER_8", "trivy:DS-0002", "dockle:CIS-DI-0001"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        user_instr = effective_instruction(final, "USER") if final else None
        if user_instr is None:
            user_instr = _loose_last_user(target)
        if user_instr is None:
            return
        word = _user_word(target, user_instr)
        if word is None:
            return
        value = target.model.expand(word.value, user_instr)
        if value.known and is_root_user(value.text):
            yield target.finding(
                self.info,
                f"the final image runs as `{value.text}`: a compromised process is root on the host "
                "kernel and runAsNonRoot policies reject the image; switch to a numeric non-root "
                "`USER` (e.g. `USER 10001`) after the steps that need root",
                word_span(user_instr, word))


def _loose_last_user(target: CheckTarget):
    """A USER in a file without FROM (hadolint's snippets) counts as the final one."""
    if target.model.stages:
        return None
    users = [i for i in target.dockerfile.instructions if i.keyword == "USER"]
    return users[-1] if users else None


class NoUserInFinalStage(DockerfileRule):
    info = RuleInfo(
        code="DW501",
        name="final-stage-without-user",
        severity=Severity.WARNING,
        summary="The final stage never sets USER, so the container runs as root.",
        rationale=(
            "Without a USER the container's processes run as root (UID 0): a compromise or a "
            "writable host mount gives root on the node, and runAsNonRoot policies refuse the image."),
        bad_example="FROM python:3.12-slim\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n",
        good_example=("FROM python:3.12-slim\nRUN useradd -r -u 10001 app\nCOPY app.py /app/\n"
                      "USER 10001\nCMD [\"python\", \"/app/app.py\"]\n"),
        aliases=("CKV_DOCKER_3", "trivy:DS-0002", "dockle:CIS-DI-0001"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        if final is None or final.is_scratch:
            return
        if effective_instruction(final, "USER") is not None:
            return
        root = list(stage_chain(final))[-1]
        if root.is_scratch or _base_known_nonroot(root) or not root.base.known or _windows(root):
            return
        span = first_word_span(final.from_instruction, target.dockerfile.escape)
        yield target.finding(
            self.info,
            f"the final stage (FROM `{final.base.text}`) never sets USER, so the container runs as "
            "root; a compromised process is root on the host kernel. Create a user and end with "
            "`USER <uid>` (numeric, e.g. 10001)",
            span)


class NonNumericUser(DockerfileRule):
    info = RuleInfo(
        code="DW502",
        name="non-numeric-user",
        severity=Severity.INFO,
        summary="The runtime USER is a name, not a numeric UID.",
        rationale=(
            "A user name is resolved through the image's /etc/passwd: the host and Kubernetes "
            "cannot map it, and `runAsNonRoot: true` refuses to start a pod whose image user is "
            "non-numeric because it cannot verify it is not root."),
        bad_example="FROM debian:12\nRUN useradd -r app\nUSER app\n",
        good_example="FROM debian:12\nRUN useradd -r -u 10001 app\nUSER 10001:10001\n",
        aliases=("hadolint:DL3066",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        instr = effective_instruction(final, "USER") if final else _loose_last_user(target)
        if instr is None:
            return
        word = _user_word(target, instr)
        if word is None:
            return
        value = target.model.expand(word.value, instr)
        user = value.text.split(":", 1)[0]
        if not value.known or not user or user.isdigit() or is_root_user(value.text):
            return
        yield target.finding(
            self.info,
            f"`USER {value.text}` names a user instead of a UID: Kubernetes runAsNonRoot cannot "
            "verify a name and refuses the pod, and host file ownership cannot be mapped; use the "
            f"numeric UID (e.g. `USER 10001` after `useradd -u 10001 {user}`)",
            word_span(instr, word))


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


class SudoUsage(DockerfileRule):
    info = RuleInfo(
        code="DL3004",
        name="no-sudo",
        severity=Severity.ERROR,
        summary="Do not use sudo in RUN.",
        rationale=(
            "sudo behaves unpredictably without a TTY, adds a setuid binary to the image, and is "
            "pointless in a build: switch USER around the steps that need root instead."),
        bad_example="FROM debian:12\nRUN sudo apt-get update\n",
        good_example="FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n",
        aliases=("hadolint:DL3004", "trivy:DS-0010"),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for instr in all_instructions(target.model):
            if instr.keyword != "RUN":
                continue
            for command in target.shell(instr).commands:
                sudo = _sudo_word(command)
                if sudo is not None and sudo.span is not None:
                    yield target.finding(
                        self.info,
                        "`sudo` in a RUN: it needs a TTY-less sudoers setup, ships a setuid binary "
                        "and hides who really runs the step; use `USER root` before this RUN (and "
                        "`USER <uid>` after it) instead",
                        sudo.span)


def _sudo_word(command):
    """The `sudo` word of ``sudo [opts] cmd`` (a wrapper) or of a bare `sudo` command."""
    if command.name == "sudo":
        return command.argv[0] if command.argv else None
    if "sudo" in command.wrappers:
        for word in command.prefix:
            if word.value == "sudo" or (word.value or "").endswith("/sudo"):
                return word
    return None
