"""Where fixed text goes: written back in place (atomically), or shown as a unified diff."""

from __future__ import annotations


def write_fixed(path: str, text: str) -> str | None:
    """Write the fixed file; the error line if that is impossible."""
    import os
    import stat

    from dockwise.errors import DockwiseError
    from dockwise.inputs import atomic_write

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO, /dev/stdin: a rename would replace it
            return (f"{path}: error: fixes not written: not a regular file (pipe the Dockerfile "
                    "into `dockwise check --fix -` to get the fixed text on stdout)")
        atomic_write(path, text)
    except DockwiseError as exc:  # read-only, hard-linked, full disk
        return f"{exc.path or path}: error: fixes not written: {exc.message}"
    except OSError as exc:
        return f"{path}: error: fixes not written: {exc.strerror or exc}"
    return None


_DIFF_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
                 "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def diff_name(name: str) -> str:
    """A file name for a diff header, as git writes it: unchanged, or -- when it holds a
    control character, a quote, a backslash, a byte that is not UTF-8 or a character that
    reorders text on a terminal -- in double quotes with C escapes and octal bytes
    (``"a/x\\033[31m.Dockerfile"``). A raw newline there broke the patch; a raw ESC reached
    the terminal; a non-UTF-8 byte could not be written to ``-o``."""
    from dockwise.textsafe import has_unsafe

    if not has_unsafe(name) and '"' not in name and "\\" not in name:
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if ch in _DIFF_ESCAPES:
            out.append(_DIFF_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogate escape)
            out.append(f"\\{code - 0xDC00:03o}")
        elif has_unsafe(ch):
            out.append("".join(f"\\{byte:03o}" for byte in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def unified_diff(before: str, after: str, path: str) -> str:
    import difflib

    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=diff_name(f"a/{path}"), tofile=diff_name(f"b/{path}"))
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
