"""Image config checks: the user it runs as, its healthcheck, how it starts."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.examples import ImageExample
from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.image.rules.base import ImageRule, ImageTarget

ROOT_USERS = {"", "0", "root", "0:0", "root:root", "root:0", "0:root"}


class RunsAsRoot(ImageRule):
    info = RuleInfo(
        code="DI001",
        name="image-runs-as-root",
        severity=Severity.WARNING,
        summary="The image's config runs its process as root.",
        rationale=("A process running as root inside the container is root on the host's kernel: a "
                   "container escape or a writable host mount becomes a full compromise. Set a "
                   "non-root USER in the final stage."),
        bad_example=ImageExample([{"/app/app.py": "print('hello')\n"}], config={"Cmd": ["python", "app.py"]}),
        good_example=ImageExample([{"/app/app.py": "print('hello')\n"}],
                                  config={"User": "10001", "Cmd": ["python", "app.py"]}),
        aliases=("dockle:CIS-DI-0001",),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        user = str(target.config.get("User") or "").strip()
        if user not in ROOT_USERS:
            return
        shown = user or "(empty)"
        yield target.finding(
            self.info,
            f"the image runs as root (config User is {shown}); a container escape would be root on "
            "the host -- add `USER <non-root uid>` at the end of the final stage",
            instruction=target.last_instruction("USER"), user=shown)


class NoHealthcheck(ImageRule):
    info = RuleInfo(
        code="DI002",
        name="image-without-healthcheck",
        severity=Severity.INFO,
        summary="The image's config has no HEALTHCHECK.",
        rationale=("Without a healthcheck, Docker and Swarm only know whether the process exists, not "
                   "whether it answers; a hung service stays 'up'. (Kubernetes ignores it and uses "
                   "probes, so this is informational.) Build with a format that keeps it: OCI images "
                   "drop HEALTHCHECK, docker-format images keep it."),
        bad_example=ImageExample([{"/app/app.py": "print('hello')\n"}], config={"Cmd": ["gunicorn", "app:app"]}),
        good_example=ImageExample([{"/app/app.py": "print('hello')\n"}], config={
            "Cmd": ["gunicorn", "app:app"],
            "Healthcheck": {"Test": ["CMD-SHELL", "wget -qO- http://localhost:8000/health || exit 1"]}}),
        aliases=("dockle:CIS-DI-0006",),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        health = target.config.get("Healthcheck")
        test = health.get("Test") if isinstance(health, dict) else None
        if test and test != ["NONE"]:
            return
        why = "is disabled (NONE)" if test == ["NONE"] else "is missing"
        yield target.finding(
            self.info,
            f"the image's HEALTHCHECK {why}: a hung service keeps looking healthy -- add "
            "`HEALTHCHECK CMD <probe>` (and build with --format docker, OCI drops it)",
            instruction=target.last_instruction("HEALTHCHECK"))


class ShellFormStart(ImageRule):
    info = RuleInfo(
        code="DI003",
        name="image-shell-form-start",
        severity=Severity.WARNING,
        summary="The image starts through `/bin/sh -c` (shell-form ENTRYPOINT or CMD).",
        rationale=("With `/bin/sh -c` as PID 1 the shell, not your program, receives SIGTERM; most "
                   "shells do not forward it, so `docker stop` waits its 10 seconds and then kills "
                   "the process without a clean shutdown."),
        bad_example=ImageExample([{"/app/app.py": "print('hello')\n"}],
                                 config={"Cmd": ["/bin/sh", "-c", "gunicorn app:app"]}),
        good_example=ImageExample([{"/app/app.py": "print('hello')\n"}], config={"Cmd": ["gunicorn", "app:app"]}),
    )

    def check(self, target: ImageTarget) -> Iterator[Finding]:
        entrypoint = target.config.get("Entrypoint") or []
        cmd = target.config.get("Cmd") or []
        for key, value in (("Entrypoint", entrypoint), ("Cmd", cmd if not entrypoint else [])):
            if _is_shell_form(value):
                keyword = key.upper()
                yield target.finding(
                    self.info,
                    f"the image's {key} runs through `{value[0]} -c`: PID 1 is the shell, which does not "
                    "forward SIGTERM, so stops wait for the kill timeout -- write "
                    f"{keyword} in JSON (exec) form",
                    instruction=target.last_instruction(keyword), field=key)


def _is_shell_form(value: object) -> bool:
    return (isinstance(value, list) and len(value) >= 2 and isinstance(value[0], str)
            and value[0].rsplit("/", 1)[-1] in {"sh", "bash", "ash", "dash"} and value[1] == "-c")
