"""Paths a script removes and creates: ``rm``/``find -delete`` patterns, downloads, redirects,
archives, clones and copies."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable

from dockwise._lazyre import lazy_compile
from dockwise.model.shell.command import Command, Word, Write, word_value

# --------------------------------------------------------------------------------------------
# Paths: removal and creation


def _normalize(path: str) -> str:
    if not path:
        return path
    norm = posixpath.normpath(path)
    return "/" + norm.lstrip("/") if path.startswith("/") else norm


def _resolve(path: str, cwd: str | None) -> str:
    if path.startswith("/") or cwd is None:
        return _normalize(path)
    return _normalize(posixpath.join(cwd, path))


_BRACE = lazy_compile(r"\{([^{}]*,[^{}]*)\}")


def _expand_braces(value: str, limit: int = 64) -> list[str]:
    """``a/{b,c}/d`` -> ``["a/b/d", "a/c/d"]`` (comma lists, innermost first; capped)."""
    results, done = [value], []
    while results and len(done) + len(results) <= limit:
        item = results.pop()
        match = _BRACE.search(item)
        if match is None:
            done.append(item)
            continue
        head, tail = item[:match.start()], item[match.end():]
        results.extend(head + alt + tail for alt in reversed(match.group(1).split(",")))
    return done + results


def _covers(pattern: str, recursive: bool, target: str) -> bool:
    """Does removing ``pattern`` remove ``target`` (both may be globs)?"""
    pattern = _normalize(pattern)
    if pattern == target or fnmatch.fnmatchcase(target, pattern):
        return True
    # a parent of the target (or of every match of a target glob) is removed
    parent = posixpath.dirname(target)
    while parent and parent not in ("/", "."):
        if parent == pattern or fnmatch.fnmatchcase(parent, pattern):
            return recursive  # rm -f on a directory fails
        parent = posixpath.dirname(parent)
    return False


# find predicates that do not narrow what is deleted (or only to files, leaving empty dirs)
_FIND_NEUTRAL = frozenset({"-type", "-mindepth", "-maxdepth", "-depth", "-xdev", "-mount", "-print",
                           "-print0", "-ignore_readdir_race", "-noleaf", "-follow", "-L", "-P", "-H"})
_FIND_WITH_VALUE = frozenset({"-type", "-mindepth", "-maxdepth", "-name", "-iname"})


def _find_targets(command: Command) -> tuple[list[Word], str] | None:
    """(root words, ``-name`` glob) of a ``find ... -delete`` / ``-exec rm``: it removes what
    lies under each root and matches the glob (``*``: everything, the roots included; a
    ``-not -name x`` spares a few names and is read as everything). None
    when it deletes nothing, or when a filter we cannot follow (``-mtime``, ``-path``,
    ``-size``, ...) leaves unknown which part goes."""
    words = [w.value for w in command.args]
    deletes = "-delete" in words
    if not deletes and "-exec" in words:
        i = words.index("-exec")
        deletes = i + 1 < len(words) and words[i + 1] is not None and posixpath.basename(words[i + 1]) == "rm"
    if not deletes:
        return None
    roots: list[Word] = []
    for word in command.args:
        if word_value(word).startswith(("-", "(", "!")):
            break
        roots.append(word)
    name = "*"
    tail = words[len(roots):words.index("-exec") if "-exec" in words else len(words)]
    i = 0
    while i < len(tail):
        word = tail[i]
        if word in ("-name", "-iname") and i + 1 < len(tail) and tail[i + 1] and name == "*":
            name = tail[i + 1]
        elif word in ("-not", "!") and i + 2 < len(tail) and tail[i + 1] in ("-name", "-iname"):
            i += 3  # all but a few names (`-not -name lock`): what matters is gone
            continue
        elif word is None or (word not in _FIND_NEUTRAL and word != "-delete"):
            return None
        i += 2 if word in _FIND_WITH_VALUE else 1
    return roots, name


def _find_removals(command: Command) -> list[tuple[str, bool, Command]]:
    """(pattern, recursive, command) for what a ``find`` removes (see :func:`_find_targets`);
    a root that expands (``find "$DIR" -delete``) removes something unknown."""
    found = _find_targets(command)
    if found is None:
        return []
    roots, name = found
    out = []
    for root in [r.value for r in roots] if roots else ["."]:
        if root is None:
            continue
        base = _resolve(root, command.cwd)
        out.append(((base.rstrip("/") or "") + "/" + name, name == "*", command))
    return out


REMOVERS = frozenset({"rm", "rmdir", "unlink", "shred"})


def removed_words(command: Command) -> list[Word]:
    """The words naming what a removal command deletes: the operands of ``rm``/``rmdir``/
    ``unlink``/``shred``; for ``find P -delete`` (or ``-exec rm``) P, and for ``find P -name
    x -delete`` a word standing for ``P/x`` (the matches, not P)."""
    if command.name in REMOVERS:
        return [w for w in command.args if not word_value(w).startswith("-") or word_value(w) == "-"]
    if command.name != "find":
        return []
    found = _find_targets(command)
    if found is None:
        return []
    roots, name = found
    if name == "*":
        return roots
    out = []
    for root in roots:
        value = None if root.value is None else (root.value.rstrip("/") or "") + "/" + name
        out.append(Word(root.text.rstrip("/") + "/" + name, value, root.start, root.end, root._span_of, root.kind))
    return out


def path_covers(removed: str, path: str, recursive: bool = True) -> bool:
    """True if removing ``removed`` (maybe a glob) deletes ``path`` or empties it: the path
    itself, a parent (only when the removal is ``recursive``), a glob over either, or
    ``P/*`` for ``P`` (``rm -rf /var/lib/apt/lists/*`` empties the folder)."""
    removed = removed.rstrip("/") or "/"
    path = path.rstrip("/") or "/"
    if removed == path:
        return True
    if is_under(path, removed):
        return recursive
    if not any(c in removed for c in "*?["):
        return False
    head, tail = posixpath.split(removed)
    if tail == "*" and path == head:
        return recursive
    if fnmatch.fnmatchcase(path, removed):
        return True
    parts = path.split("/")
    return recursive and any(fnmatch.fnmatchcase("/".join(parts[:cut]), removed) for cut in range(len(parts) - 1, 1, -1))


def is_under(path: str, parent: str) -> bool:
    """True if ``path`` is ``parent`` or lies below it (plain string paths, normalised)."""
    if not parent:
        return False
    if parent == "/":
        return path.startswith("/")
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _with_cwd(path: str | None, cwd: str | None) -> str | None:
    if path is None:
        return None
    return _resolve(path, cwd)


def _url_basename(url: str | None) -> str | None:
    if not url:
        return None
    name = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return name or None


def _command_writes(command: Command) -> list[Write]:
    out: list[Write] = []
    for redirect in command.redirects:
        if redirect.writes_file and redirect.target is not None:
            out.append(Write(redirect.target, _with_cwd(redirect.target.value, command.cwd), "redirect", command))
    handler = _WRITERS.get(command.name or "")
    if handler is not None:
        out.extend(handler(command))
    return out


def _writes_wget(command: Command) -> list[Write]:
    target = command.option_value("-O", "--output-document")
    if target is not None:
        if target.value == "-" or (target.value or "").startswith("/dev/"):
            return []
        return [Write(target, _with_cwd(target.value, command.cwd), "download", command)]
    prefix = command.option_value("-P", "--directory-prefix")
    directory = prefix.value if prefix is not None else None
    out = []
    for url in command.positionals():
        name = _url_basename(url.value)
        if name is None:
            continue
        path = posixpath.join(directory, name) if directory else name
        out.append(Write(None, _with_cwd(path, command.cwd), "download", command))
    return out


def _writes_curl(command: Command) -> list[Write]:
    out = []
    target = command.option_value("-o", "--output")
    directory_word = command.option_value("--output-dir")
    directory = directory_word.value if directory_word is not None else None
    if target is not None and target.value != "-" and not (target.value or "").startswith("/dev/"):
        path = target.value
        if path is not None and directory and not path.startswith("/"):
            path = posixpath.join(directory, path)
        out.append(Write(target, _with_cwd(path, command.cwd), "download", command))
    if command.has_option("-O", "--remote-name", "--remote-name-all"):
        for url in command.positionals():
            name = _url_basename(url.value)
            if name:
                path = posixpath.join(directory, name) if directory else name
                out.append(Write(None, _with_cwd(path, command.cwd), "download", command))
    return out


def _writes_tar(command: Command) -> list[Write]:
    first = command.args[0].value if command.args else None
    old_style = first is not None and not first.startswith("-") and "x" in first
    if not (old_style or command.has_option("-x", "--extract", "--get")):
        return []
    directory = command.option_value("-C", "--directory")
    if directory is not None:
        return [Write(directory, _with_cwd(directory.value, command.cwd), "extract", command)]
    return [Write(None, command.cwd, "extract", command)] if command.cwd else []


def _writes_unzip(command: Command) -> list[Write]:
    directory = command.option_value("-d")
    if directory is not None:
        return [Write(directory, _with_cwd(directory.value, command.cwd), "extract", command)]
    return [Write(None, command.cwd, "extract", command)] if command.cwd else []


def _writes_git(command: Command) -> list[Write]:
    if command.subcommand() != "clone":
        return []
    operands = command.operands()
    if len(operands) >= 2:
        return [Write(operands[1], _with_cwd(operands[1].value, command.cwd), "clone", command)]
    if operands:
        name = _url_basename(operands[0].value)
        if name and name.endswith(".git"):
            name = name[:-4]
        if name:
            return [Write(None, _with_cwd(name, command.cwd), "clone", command)]
    return []


def _writes_each(kind: str) -> Callable[[Command], list[Write]]:
    def writes(command: Command) -> list[Write]:
        return [Write(w, _with_cwd(w.value, command.cwd), kind, command) for w in command.positionals()]
    return writes


def _writes_copy(command: Command) -> list[Write]:
    target = command.option_value("-t", "--target-directory")
    if target is not None:
        return [Write(target, _with_cwd(target.value, command.cwd), "copy", command)]
    positional = command.positionals()
    if len(positional) >= 2:
        dest = positional[-1]
        return [Write(dest, _with_cwd(dest.value, command.cwd), "copy", command)]
    return []


def _writes_tee(command: Command) -> list[Write]:
    return [Write(w, _with_cwd(w.value, command.cwd), "redirect", command)
            for w in command.positionals() if not (w.value or "").startswith("/dev/")]


_WRITERS: dict[str, Callable[[Command], list[Write]]] = {
    "wget": _writes_wget,
    "curl": _writes_curl,
    "tar": _writes_tar,
    "unzip": _writes_unzip,
    "git": _writes_git,
    "mkdir": _writes_each("mkdir"),
    "touch": _writes_each("touch"),
    "cp": _writes_copy,
    "mv": _writes_copy,
    "install": _writes_copy,
    "ln": _writes_copy,
    "tee": _writes_tee,
}
