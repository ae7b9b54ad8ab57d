"""The scripts a container starts: where a COPY or a heredoc put the file its ENTRYPOINT or CMD
names, and that file's text when the build context is at hand. Shared by the PID 1 and user rules."""

from __future__ import annotations

import os

from dockwise.model.words import instruction_words
from dockwise.rules.base import CheckTarget


MAX_SCRIPT_BYTES = 256 * 1024


DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def _program_paths(program: str, workdir: str) -> list[str]:
    """Where the runtime looks for ``program``: its path, or each PATH directory for a bare name."""
    if "/" in program:
        return [_resolve(program, workdir)]
    return [f"{directory}/{program}" for directory in DEFAULT_PATH]


def _resolve(path: str, workdir: str) -> str:
    if not path.startswith("/"):
        path = workdir.rstrip("/") + "/" + path
    return os.path.normpath(path)


def _heredoc_scripts(target: CheckTarget, dest_path: str, final) -> list[tuple[str, str]]:
    """Scripts written by ``COPY <<EOF /path`` heredocs at ``dest_path``: (label, text)."""
    from dockwise.model.stages import lineage

    found = []
    for stage in lineage(final):
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD") or not instr.heredocs:
                continue
            words = [w.value for w in instruction_words(instr, target.dockerfile.escape)]
            state = target.model.state_at(instr)
            if words and _resolve(words[-1], state.workdir if state else "/") == dest_path:
                found.append((f"the heredoc on line {instr.line}", instr.heredocs[0].content))
    return found


def _copy_sources_of(target: CheckTarget, dest_path: str, final) -> list[str]:
    """Context paths that COPY/ADD put at ``dest_path`` in ``final``'s stage chain."""
    from dockwise.model.stages import lineage

    found: list[str] = []
    for stage in lineage(final):
        for instr in stage.instructions:
            if instr.keyword not in ("COPY", "ADD") or instr.flag("from") is not None:
                continue
            words = [w.value for w in instruction_words(instr, target.dockerfile.escape)]
            if len(words) < 2 or instr.heredocs:
                continue
            state = target.model.state_at(instr)
            workdir = state.workdir if state else "/"
            *sources, dest = words
            dest_abs = _resolve(dest, workdir)
            dest_is_dir = dest.endswith("/") or dest in (".", "./") or len(sources) > 1
            for src in sources:
                if dest_is_dir:
                    if src in (".", "./"):
                        rel = os.path.relpath(dest_path, dest_abs)
                        if not rel.startswith(".."):
                            found.append(rel)
                    elif os.path.join(dest_abs, os.path.basename(src.rstrip("/"))) == dest_path:
                        found.append(src)
                elif dest_abs == dest_path:
                    found.append(src)
    return found


def _context_script(target: CheckTarget, source: str) -> str | None:
    """The text of the script a COPY takes from the build context at ``source``; None when the
    context is not at hand (stdin, ``--no-context``: no guessing), when ``.dockerignore`` keeps
    the file out (the build never has it), or when it is not a small text file."""
    if target.context is None:
        return None
    data = target.context.head(source, MAX_SCRIPT_BYTES + 1)
    if data is None or len(data) > MAX_SCRIPT_BYTES or b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def entrypoint_script_text(target: CheckTarget, program: str) -> str | None:
    """The text of the script at ``program`` (as ENTRYPOINT/CMD name it) in the target image,
    from a heredoc or from the build context; None when it cannot be read."""
    final = target.model.final_stage
    if final is None:
        return None
    from dockwise.model.stages import effective_instruction

    instr = effective_instruction(final, "ENTRYPOINT") or effective_instruction(final, "CMD")
    state = target.model.state_at(instr) if instr is not None else None
    workdir = state.workdir if state else "/"
    for path in _program_paths(program, workdir):
        for _, text in _heredoc_scripts(target, path, final):
            return text
        for source in _copy_sources_of(target, path, final):
            text = _context_script(target, source)
            if text is not None:
                return text
    return None
