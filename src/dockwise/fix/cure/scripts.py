"""Entrypoint scripts of the build context: hand PID 1 to the last command with ``exec``.

A wrapper that runs its last command as a child keeps the shell as PID 1, and the shell does
not forward SIGTERM (DW601). The edit prefixes that one line with ``exec`` -- only when it is
a plain command at the top level of the script, where nothing after it could still run;
anything else (a loop, a pipeline, a background job, a trap waiting for it) gets a note.
"""

from __future__ import annotations

import re

_ENDS_BLOCK = frozenset({"fi", "done", "esac", "}", ";;", ")"})
_NOT_PLAIN = re.compile(r"[|&;<>()`]|\$\(|^\s*(?:if|for|while|until|case|function|wait|trap|exit|return)\b"
                        r"|^\s*\w+\s*\(\s*\)|^\s*[A-Za-z_][A-Za-z0-9_]*=\S*\s*$")


def exec_last_command(text: str) -> tuple[str | None, str]:
    """(the script with ``exec`` before its last command, or None; why not, when None)."""
    lines = text.splitlines(keepends=True)
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if index and lines[index - 1].rstrip("\n").endswith("\\"):
            return None, "its last command spans several lines"
        if stripped in _ENDS_BLOCK or stripped.split()[0] in _ENDS_BLOCK:
            return None, "its last command is inside a block (if, loop, case or function)"
        if stripped.endswith("\\") or _NOT_PLAIN.search(stripped):
            return None, f"its last line `{stripped[:60]}` is not a plain command"
        if stripped.startswith("exec "):
            return None, "it already starts its last command with exec"
        if _inside_block(lines[:index]):
            return None, "its last command is inside a block (if, loop, case or function)"
        indent = lines[index][:len(lines[index]) - len(lines[index].lstrip())]
        lines[index] = indent + "exec " + lines[index].lstrip()
        return "".join(lines), ""
    return None, "it has no command"


def _inside_block(lines: list[str]) -> bool:
    """Whether an ``if``/loop/``case``/function/brace opened above is still open (keywords
    count only where a command starts: ``echo waiting for db`` opens nothing)."""
    depth = 0
    for line in lines:
        code = line.split(" #", 1)[0].strip()
        if code.startswith("#"):
            continue
        for segment in re.split(r";|&&|\|\||\bthen\b|\bdo\b|\belse\b", code):
            words = segment.split()
            if not words:
                continue
            if words[0] in ("if", "case", "for", "while", "until") or words[-1] == "{":
                depth += 1
            if words[-1] in ("fi", "esac", "done", "}") or words[0] in ("fi", "esac", "done", "}"):
                depth -= 1
    return depth > 0


def script_edits(findings: list, read, context_dir: str) -> tuple[list[tuple[object, str, str, str]], list[str]]:
    """For each DW601 finding about a script of the build context: (finding, file path,
    old text, new text), and notes for the scripts left alone. ``read`` gives a context
    file's text as the builder receives it (None when it does not)."""
    import os

    edits, notes = [], []
    root = os.path.realpath(context_dir)
    for finding in findings:
        label = finding.extra.get("script", "") if finding.code == "DW601" else ""
        if not (label.startswith("`") and label.endswith("`")):
            continue  # a heredoc script lives in the Dockerfile itself
        source = label[1:-1]
        host = os.path.realpath(os.path.join(root, source.lstrip("/")))
        text = read(source)
        if text is None or not host.startswith(root + os.sep) or not os.path.isfile(host):
            continue
        new, why = exec_last_command(text)
        if new is None:
            notes.append(f"{source}: not given `exec`: {why}")
            continue
        edits.append((finding, host, text, new))
    return edits, notes
