"""What every runtime stage gets, whatever its language: packages installed with the base's
own package manager, a non-root user with numeric IDs, and a PID 1 that forwards signals and
reaps children (exec form, tini). Shapes use :func:`package_family` and :func:`add_packages`
for the runtime libraries their split needs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dockwise.fix.cure.draft import Line, StageDraft

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.findings import Finding

UID = 10001  # above every distribution's system and login ranges, so it clashes with no account
USER_NAME = "app"
# Where each family's tini package puts the binary (Debian: /usr/bin, Alpine: /sbin).
TINI = {"apt": "/usr/bin/tini", "apk": "/sbin/tini"}
INITS = frozenset({"tini", "tini-static", "dumb-init", "docker-init", "catatonit", "s6-svscan", "init",
                   "runsvdir", "supervisord"})
# Base images known to be Debian/Ubuntu (apt) unless their tag says alpine.
_APT_FAMILIES = frozenset({"python", "node", "ruby", "perl", "php", "golang", "openjdk", "eclipse-temurin",
                           "amazoncorretto", "debian", "ubuntu", "buildpack-deps", "maven", "gradle",
                           "rust", "elixir", "erlang", "haskell", "julia", "r-base", "nginx", "httpd"})
_NO_SHELL = ("distroless", "scratch", "chainguard", "static")
_SHELL_META = set("$`&|;<>()*?[]{}~!#\\\"'\n")


def package_family(base: str) -> str | None:
    """``apt`` or ``apk``: the package manager of a base image reference, None when unknown
    (distroless, scratch, an image the knowledge does not name)."""
    lowered = base.lower()
    if any(word in lowered for word in _NO_SHELL):
        return None
    name, _, tag = lowered.rpartition("@")[0 if "@" in lowered else 2].partition(":")
    if "alpine" in tag or name.rsplit("/", 1)[-1] == "alpine":
        return "apk"
    return "apt" if name.rsplit("/", 1)[-1] in _APT_FAMILIES else None


def install_line(family: str, packages: list[str]) -> Line:
    """A RUN installing ``packages`` and leaving no package index behind."""
    names = " ".join(packages)
    # Unpinned on purpose: these follow the base image's release, whose versions the cure cannot
    # know; the pragma keeps the fix from adding a warning the user did not have.
    if family == "apk":
        return Line.new(f"# hadolint ignore=DL3018\nRUN apk add --no-cache {names}\n", role="packages",
                        data=tuple(packages))
    text = ("# hadolint ignore=DL3008\n"
            "RUN apt-get update \\\n"
            f"    && apt-get install -y --no-install-recommends {names} \\\n"
            "    && apt-get clean \\\n"  # the .deb files and apt's package caches, on bases without docker-clean
            "    && rm -rf /var/lib/apt/lists/*\n")
    return Line.new(text, role="packages", data=tuple(packages))


def add_packages(stage: StageDraft, family: str, packages: list[str]) -> None:
    """Install ``packages`` first thing in ``stage`` (into the cure's one install line)."""
    existing = stage.with_role("packages")
    wanted = list(existing.data) if existing is not None else []
    wanted += [p for p in packages if p not in wanted]
    line = install_line(family, wanted)
    if existing is not None:
        stage.lines[stage.lines.index(existing)] = line
    else:
        stage.lines.insert(_after_args(stage), line)


def _after_args(stage: StageDraft) -> int:
    """Where root work starts: after the ARGs that open the stage."""
    i = 0
    while i < len(stage.lines) and stage.lines[i].keyword == "ARG":
        i += 1
    return i


# -- non-root -----------------------------------------------------------------------------

def user_value(line: Line) -> str:
    if line.origin is not None:
        return line.origin.body.strip()
    return line.text.split(None, 1)[1].strip() if len(line.text.split(None, 1)) > 1 else ""


def is_root(value: str) -> bool:
    user = value.split(":", 1)[0].strip()
    return user in ("", "root", "0")


def make_non_root(stage: StageDraft, family: str | None, moves: list["Finding"], *,
                  numeric: bool = False) -> str | None:
    """Run ``stage`` as a numeric non-root user; move root-needing RUNs (the ``moves``
    findings) before the USER they follow; with ``numeric``, a named USER becomes its UID
    when the stage says it. The summary, or None when nothing was done."""
    done = []
    moved = _move_before_user(stage, moves)
    if numeric:
        named = _numeric_user(stage)
        if named:
            done.append(named)
    if moved:
        done.append(f"moved {moved} RUN{'s' if moved > 1 else ''} that need{'' if moved > 1 else 's'} root before USER")
    users = [line for line in stage.lines if line.keyword == "USER"]
    if not users or is_root(user_value(users[-1])):
        if family is None:
            return "; ".join(done) or None
        create = _user_line(family)
        packages = stage.with_role("packages")
        at = stage.lines.index(packages) + 1 if packages is not None else _after_args(stage)
        stage.lines.insert(at, create)
        last_root_work = max((i for i, line in enumerate(stage.lines)
                              if line.keyword in ("RUN", "COPY", "ADD", "USER")), default=at)
        stage.lines.insert(last_root_work + 1, Line.new(f"USER {UID}:{UID}\n"))
        done.append(f"created user {USER_NAME} ({UID}:{UID}) and run as `USER {UID}:{UID}` "
                    "after the last instruction that needs root")
    return "; ".join(done) or None


_NAMED_IDS = {"nobody": "65534:65534"}  # the same on Debian, Ubuntu, Alpine and busybox
_USERADD_UID = re.compile(r"\b(?:useradd|adduser)\b[^&;|\n]*?(?:-u|--uid)[ =]?(\d+)\b")


def _numeric_user(stage: StageDraft) -> str | None:
    """Replace the last ``USER <name>`` with the UID the stage gives that name (its useradd
    or adduser ``-u``, or ``nobody``); None when the UID is not known."""
    users = [line for line in stage.lines if line.keyword == "USER"]
    if not users:
        return None
    name, _, group = user_value(users[-1]).partition(":")
    if name.isdigit() or "$" in name:
        return None
    uid = _NAMED_IDS.get(name)
    for line in stage.lines:
        if uid is None and line.keyword == "RUN":
            for match in _USERADD_UID.finditer(line.text):
                rest = line.text[match.end():].split("&&", 1)[0].split(";", 1)[0]
                if re.search(rf"(?:^|\s){re.escape(name)}\s*(?:\\\s*)?$", rest.strip() and " " + rest.rstrip()):
                    uid = match.group(1)
    if uid is None:
        return None
    text = f"USER {uid}\n" if ":" in uid or not group else f"USER {uid}:{group}\n"
    stage.lines[stage.lines.index(users[-1])] = Line("USER", users[-1].comments + text)
    return f"`USER {name}` made numeric (`{text.split(None, 1)[1].strip()}`)"


def _user_line(family: str) -> Line:
    if family == "apk":  # busybox
        text = (f"RUN addgroup -S -g {UID} {USER_NAME} \\\n"
                f"    && adduser -S -D -H -u {UID} -G {USER_NAME} -s /sbin/nologin {USER_NAME}\n")
    else:
        text = (f"RUN groupadd --gid {UID} {USER_NAME} \\\n"
                f"    && useradd --no-log-init --uid {UID} --gid {UID} --no-create-home "
                f"--shell /usr/sbin/nologin {USER_NAME}\n")
    return Line.new(text, role="user")


def _move_before_user(stage: StageDraft, moves: list["Finding"]) -> int:
    moved = 0
    done: set[int] = set()
    for finding in moves:
        at = next((i for i, line in enumerate(stage.lines) if line.origin is not None
                   and line.keyword == "RUN" and _covers(line, finding.location.line)), None)
        if at is None or id(stage.lines[at]) in done:
            continue
        done.add(id(stage.lines[at]))
        user_at = max((i for i in range(at) if stage.lines[i].keyword == "USER"), default=None)
        if user_at is None:
            continue
        stage.lines.insert(user_at, stage.lines.pop(at))
        moved += 1
    return moved


def _covers(line: Line, number: int | None) -> bool:
    span = line.origin.span if line.origin is not None else None
    return span is not None and number is not None and span.start.line <= number <= span.end.line


# -- PID 1 --------------------------------------------------------------------------------

def exec_words(line: Line) -> list[str] | None:
    """The exec-form words of a CMD/ENTRYPOINT line: its JSON array, or its shell form split
    when it is plain words (no expansion, quoting or operator the shell would interpret);
    None otherwise."""
    instr = line.origin
    if instr is None:
        return None
    if instr.json_form:
        return list(instr.args)
    body = instr.body.strip()
    if not body or any(ch in _SHELL_META for ch in body):
        return None
    return body.split()


def json_array(words: list[str]) -> str:
    import json

    return "[" + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]"


def make_pid1(stage: StageDraft, family: str | None,
              inherited: tuple[str, ...] | None = ()) -> tuple[str | None, list[str]]:
    """Exec form for CMD and ENTRYPOINT, and tini as PID 1 unless an init already is.
    ``inherited`` is the ENTRYPOINT the base image sets (None: not known), kept behind tini
    when the stage sets none. The summary (None: nothing done) and notes."""
    notes: list[str] = []
    done: list[str] = []
    cmd = _last(stage, "CMD")
    entry = _last(stage, "ENTRYPOINT")
    if entry is not None and not entry.origin.json_form and cmd is not None:
        return None, ["PID 1 left alone: a shell-form ENTRYPOINT ignores CMD, so making it exec form "
                      "would change the command that runs"]
    if family is None:
        no_init = ("the runtime base's package manager is not known, so tini cannot be installed "
                   "(run the container with `--init`, or add tini yourself)")
    elif entry is None and inherited is None:
        no_init = ("the ENTRYPOINT the base image sets is not known, and tini in front of the command "
                   "would replace it (run the container with `--init`)")
    else:
        no_init = ""
    if no_init and any(line is not None and not line.origin.json_form and exec_words(line) is None
                       for line in (cmd, entry)):
        return None, [f"PID 1 left alone: the command needs a shell, and without an init the exec form "
                      f"would still run that shell as PID 1; no init added: {no_init}"]
    cmd_words = _exec_or_shell(cmd, done) if cmd is not None else None
    entry_words = _exec_or_shell(entry, done) if entry is not None else None
    if entry_words is None and cmd_words is None:
        return None, notes
    program = (entry_words if entry is not None else list(inherited or ())) or cmd_words or [""]
    if program[0].rsplit("/", 1)[-1] in INITS:
        pass
    elif no_init:
        notes.append(f"no init added: {no_init}")
    else:
        add_packages(stage, family, ["tini"])
        kept = entry_words if entry is not None else list(inherited or ())
        entry_words = [TINI[family], "--"] + kept
        done.append(f"tini ({TINI[family]}) as PID 1, forwarding signals and reaping children")
    if cmd is not None and cmd_words is not None:
        _replace(stage, cmd, f"CMD {json_array(cmd_words)}\n")
    if entry_words is not None:
        new_entry = f"ENTRYPOINT {json_array(entry_words)}\n"
        if entry is not None:
            _replace(stage, entry, new_entry)
        else:
            stage.lines.insert(stage.lines.index(_last(stage, "CMD")), Line.new(new_entry))
    return ("; ".join(done) or None), notes


def _exec_or_shell(line: Line, done: list[str]) -> list[str]:
    words = exec_words(line)
    if line.origin.json_form:
        return words or []
    done.append(f"{line.keyword} in exec form")
    if words is None:  # a real shell script: keep its shell, under an init
        return ["/bin/sh", "-c", line.origin.body.strip()]
    return words


def _last(stage: StageDraft, keyword: str) -> Line | None:
    return next((line for line in reversed(stage.lines) if line.keyword == keyword), None)


def _replace(stage: StageDraft, old: Line, text: str) -> None:
    stage.lines[stage.lines.index(old)] = Line(old.keyword, old.comments + text)


# -- moving to a slim base ----------------------------------------------------------------

_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add"}


def needs_full_image(model, lines: list[Line], provided: list[str]) -> str | None:
    """Why the RUNs of ``lines`` cannot run on the slim variant of a full language image: one
    runs a program only the full image has (curl, git, make...) that neither ``provided`` (the
    packages the runtime stage gets) nor an earlier install of these lines brings; None when
    they can. For shapes that move a stage to a slim base."""
    from dockwise.knowledge.build_tools import FULL_IMAGE_ONLY_PROGRAMS
    from dockwise.model.runs import collect_runs

    have = set(provided)
    runs = {id(run.outer): run for run in collect_runs(model) if not run.onbuild}
    for line in lines:
        run = runs.get(id(line.origin))
        if run is None:
            continue
        for command in run.script.commands:
            if command.name in _INSTALLERS:
                inv = run.invocation(command)
                if inv.sub == _INSTALLERS[command.name]:
                    have.update(w.value.split("=", 1)[0] for w in inv.operands if w.value)
                continue
            package = FULL_IMAGE_ONLY_PROGRAMS.get(command.name or "")
            if package is not None and package not in have and command.name not in have:
                return (f"{line.quoted} runs `{command.name}`, which the slim "
                        f"base does not have (install `{package}` in that stage first)")
    return None
