"""Files made writable by every user of the container (``chmod 777``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import iter_runs, ships, word_value
from dockwise.rules.base import CheckTarget, DockerfileRule

_OCTAL = re.compile(r"0?([0-7])?([0-7])([0-7])([0-7])")
_SYMBOLIC = re.compile(r"([ugoa]*)([-+=])([rwxXst]*)")


def world_writable_mode(mode: str) -> bool:
    """True for a chmod mode that lets others write, without the sticky bit (``1777`` is /tmp's)."""
    match = _OCTAL.fullmatch(mode)
    if match:
        special = int(match.group(1) or "0")
        others = int(match.group(4))
        return bool(others & 2) and not special & 1
    if "t" in mode:
        return False
    for clause in mode.split(","):
        match = _SYMBOLIC.fullmatch(clause)
        # `+w` with no who honours the umask, which keeps others out; `o+w` and `a+w` do not
        if match and match.group(2) in "+=" and "w" in match.group(3) and re.search("[oa]", match.group(1)):
            return True
    return False


class WorldWritable(DockerfileRule):
    info = RuleInfo(
        code="DW505", name="world-writable-files", severity=Severity.WARNING,
        summary="`chmod 777` (or `o+w`) makes files writable by every user of the container.",
        rationale="A world-writable application directory lets any process in the container -- "
                  "whatever user it runs as -- replace the code or configuration the service "
                  "loads, so a small foothold becomes persistent code execution. To let an "
                  "arbitrary UID (OpenShift) write where it must, give the directory to group 0 "
                  "and mirror the owner's bits (`chgrp -R 0 /app && chmod -R g=u /app`), or "
                  "`COPY --chown=<uid>:0`; shared scratch directories take the sticky bit (`1777`).",
        bad_example="RUN chmod -R 777 /app",
        good_example="RUN chgrp -R 0 /app && chmod -R g=u /app",
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run in iter_runs(target):
            if not ships(target, run):
                continue
            for command in run.find("chmod"):
                mode = _mode_word(command)
                if mode is None or not world_writable_mode(word_value(mode) or ""):
                    continue
                if _removed_later(run.script, command, mode):
                    continue  # a scratch directory of this RUN: gone before the layer is saved
                recursive = any((word_value(w) or "") in ("-R", "--recursive") or
                                re.fullmatch(r"-[A-Za-z]*R[A-Za-z]*", word_value(w) or "")
                                for w in command.args)
                what = "everything under the paths" if recursive else "the files"
                yield target.finding(
                    self.info,
                    f"`chmod {word_value(mode)}` lets every user in the container write {what}: any "
                    f"process can replace the code or configuration the service loads. Give them to "
                    f"the one user that writes (`--chown`), or to group 0 with `chmod g=u` for "
                    f"arbitrary UIDs; use `1777` (sticky) only for shared scratch directories.",
                    mode.span)
        for instr in target.model.dockerfile.instructions:
            if instr.keyword in ("COPY", "ADD"):
                flag = instr.flag("chmod")
                if flag is not None and flag.value and world_writable_mode(flag.value) \
                        and target.model.stage_of(instr) is not None and _ships(target, instr):
                    yield target.finding(
                        self.info,
                        f"`--chmod={flag.value}` makes the copied files writable by every user in "
                        f"the container; use `--chown=<uid>` with a mode such as `755`/`644`.",
                        flag.span)


def _ships(target: CheckTarget, instr: Any) -> bool:
    from dockwise.model.stages import ships as stage_ships

    return stage_ships(target.model, instr)


def _removed_later(script: Any, command: Any, mode: Any) -> bool:
    """Every path chmod changes is removed by a later ``rm`` of the same RUN (compared as
    written, so ``chmod 777 "$tmp"`` ... ``rm -rf "$tmp"`` counts)."""
    paths = [w.text.strip("\"'") for w in command.args[command.args.index(mode) + 1:]
             if not (word_value(w) or "").startswith("-")]
    removed = {w.text.strip("\"'").rstrip("/") for later in script.commands
               if later.start > command.start and later.name == "rm" for w in later.args}
    return bool(paths) and all(p.rstrip("/") in removed for p in paths)


def _mode_word(command: Any) -> Any | None:
    """The mode operand of chmod (the first argument that is not an option; ``--reference`` has none)."""
    for word in command.args:
        value = word_value(word) or ""
        if value.startswith("--reference"):
            return None
        if value.startswith("-") and not re.fullmatch(r"-[rwxXst]+", value):
            continue
        return word
    return None
