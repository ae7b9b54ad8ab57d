"""Who the container runs as: root, no USER, a USER by name."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.knowledge.runtime import LINUXKIT_CONFIG_LABEL
from dockwise.model.words import first_word_span, instruction_words, word_span
from dockwise.model.purpose import base_default_user, image_purpose, privilege_drop
from dockwise.model.stages import effective_instruction, is_root_user, lineage
from dockwise.rules._entrypoint import entrypoint_script_text
from dockwise.rules.base import CheckTarget, DockerfileRule


def _user_word(target: CheckTarget, instr):
    words = instruction_words(instr, target.dockerfile.escape)
    return words[0] if words else None


def _linuxkit_package(target: CheckTarget, final) -> bool:
    """The image carries LinuxKit's runtime-config label (a system container)."""
    from dockwise.model.words import assignments

    return any(instr.keyword == "LABEL" and any(pair.name_text.strip("\"'") == LINUXKIT_CONFIG_LABEL
                                                for pair in assignments(instr, target.dockerfile.escape))
               for stage in lineage(final) for instr in stage.instructions)


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
        aliases=("CKV_DOCKER_8", "trivy:DS-0002", "dockle:CIS-DI-0001"),
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
        other_severities=(Severity.INFO,),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        final = target.model.final_stage
        if final is None or effective_instruction(final, "USER") is not None:
            return
        root = list(lineage(final))[-1]
        if _linuxkit_package(target, final):
            yield target.finding(
                self.info,
                f"the final stage sets no USER, but it is a LinuxKit package: its "
                f"`{LINUXKIT_CONFIG_LABEL}` label sets the capabilities and namespaces it runs with; "
                "check there that it needs root",
                first_word_span(final.from_instruction, target.dockerfile.escape), severity=Severity.INFO)
            return
        if root.is_scratch:
            yield from self._scratch(target, final)
            return
        if not root.base.known or _windows(root):
            return
        default = base_default_user(final)
        if default == "nonroot":
            return
        if privilege_drop(target.model, lambda path: entrypoint_script_text(target, path)):
            return
        span = first_word_span(final.from_instruction, target.dockerfile.escape)
        purpose = image_purpose(target.model)
        if purpose is not None and purpose[0] == "base":
            yield target.finding(
                self.info,
                f"the final stage (FROM `{final.base.text}`) sets no USER; {purpose[1]}, so root is "
                "left for the images built FROM it to install with: each of those should end with "
                "`USER <uid>`",
                span, severity=Severity.INFO)
            return
        if default == "unknown":
            yield target.finding(
                self.info,
                f"the final stage sets no USER and `{root.base.text}` is not an image whose default "
                "user dockwise knows: if it sets none, the container runs as root. Check the base "
                "image's config, or end with `USER <uid>` (numeric, e.g. 10001) to be sure",
                span, severity=Severity.INFO)
            return
        yield target.finding(
            self.info,
            f"the final stage (FROM `{final.base.text}`) never sets USER, so the container runs as "
            "root; a compromised process is root on the host kernel. Create a user and end with "
            "`USER <uid>` (numeric, e.g. 10001)",
            span)


    def _scratch(self, target: CheckTarget, final) -> Iterator[Finding]:
        """An image built FROM scratch runs its process as UID 0 unless it says otherwise; one
        with no process (files for ``COPY --from``) has nobody to run."""
        start = effective_instruction(final, "ENTRYPOINT") or effective_instruction(final, "CMD")
        if start is None:
            return
        yield target.finding(
            self.info,
            f"the image is built FROM scratch and never sets USER, so `{start.keyword}` runs as UID 0 "
            "(root): a compromised process is root on the host kernel. Add a numeric `USER` "
            "(e.g. `USER 65532:65532`; a scratch image needs no /etc/passwd entry for it)",
            first_word_span(final.from_instruction, target.dockerfile.escape))


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
