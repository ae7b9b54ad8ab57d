"""tree-sitter-bash, loaded lazily, and the walk that turns its tree into :class:`Command` objects."""

from __future__ import annotations

import os
import re
from _thread import get_ident
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dockwise._lazyre import lazy_compile
from dockwise.model.shell.command import Command, Redirect, Word
from dockwise.model.shell.paths import _resolve
from dockwise.model.shell.programs import _WRAPPERS, _consumes_next

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.shell.script import ShellScript

# --------------------------------------------------------------------------------------------
# tree-sitter, loaded once and only when a script is parsed

_LANGUAGE: Any = None
_PARSERS: dict[int, Any] = {}  # thread id -> its parser: a Parser must not be shared by threads


def _parser() -> Any:
    """This thread's tree-sitter parser for bash, built on first use."""
    global _LANGUAGE
    parser = _PARSERS.get(get_ident())
    if parser is None:
        from tree_sitter import Language, Parser

        if _LANGUAGE is None:
            _LANGUAGE = Language(_bash_language())
        parser = _PARSERS[get_ident()] = Parser(_LANGUAGE)
    return parser


def _bash_language() -> Any:
    """tree-sitter-bash's language pointer, from its compiled binding.

    The package's ``__init__`` imports :mod:`importlib.resources` (and with it pathlib,
    tempfile, shutil, random: ~15 ms, a tenth of ``dockwise check``'s budget) only to serve a
    highlighting query dockwise does not use; so the binding module is loaded on its own when
    it can be found, and the package imported normally when not."""
    import sys
    from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
    from importlib.util import find_spec, module_from_spec, spec_from_file_location

    name = "tree_sitter_bash._binding"
    module = sys.modules.get(name)
    if module is None:
        package = find_spec("tree_sitter_bash")  # locates the package without running it
        for directory in (package.submodule_search_locations or ()) if package else ():
            for suffix in EXTENSION_SUFFIXES:
                path = os.path.join(directory, "_binding" + suffix)
                if os.path.isfile(path):
                    spec = spec_from_file_location(name, path, loader=ExtensionFileLoader(name, path))
                    if spec is not None:
                        module = module_from_spec(spec)
                        spec.loader.exec_module(module)  # type: ignore[union-attr]
                        return module.language()
        import tree_sitter_bash

        return tree_sitter_bash.language()
    return module.language()

# --------------------------------------------------------------------------------------------
# Wrappers: programs that run another program (`sudo apt-get ...`)

_ASSIGNMENT = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def _unwrap(words: list[Word]) -> tuple[list[str], int, list[Word]]:
    """(wrapper names, index of the effective command in ``words``, env-style assignments)."""
    wrappers: list[str] = []
    assignments: list[Word] = []
    if not words or (words[0].value or "").rpartition("/")[2] not in _WRAPPERS:
        return wrappers, 0, assignments
    i = 0
    while i < len(words):
        value = words[i].value
        name = value.rpartition("/")[2] if value else None
        if name not in _WRAPPERS or i == len(words) - 1:
            break
        takes, positional = _WRAPPERS[name]
        j = i + 1
        lookup_only = False
        while j < len(words):
            v = words[j].value
            if v is None:
                break
            if v == "--":
                j += 1
                break
            if v.startswith("-") and len(v) > 1:
                if name == "command" and v in ("-v", "-V"):
                    lookup_only = True
                if name == "nice" and v[1:].isdigit():
                    j += 1
                    continue
                j += 2 if _consumes_next(v, takes) else 1
                continue
            if name == "env" and _ASSIGNMENT.match(v):
                assignments.append(words[j])
                j += 1
                continue
            break
        j += positional
        if lookup_only or j >= len(words):
            break
        wrappers.append(name)
        i = j
    return wrappers, i, assignments


def _rewrap(command: Command) -> None:
    """Words after a redirection (`xargs -r < list.txt apt-get install`) reach the command only
    once the redirection is read: unwrap again, so the wrapped program is the command's name."""
    words = command.prefix + command.argv
    wrappers, at, env_assignments = _unwrap(words)
    if at <= len(command.prefix):
        return
    command.wrappers = wrappers
    command.prefix = words[:at]
    command.argv = words[at:]
    command.assignments = command.assignments + env_assignments
    command.name = _program_name(command.argv[0]) if command.argv else None


# --------------------------------------------------------------------------------------------
# Word values (quote removal)

_DQ_ESCAPE = lazy_compile(r"\\([\\\"$`\n])")
_BS_ESCAPE = lazy_compile(r"\\(.)", re.S)
_EXPANSIONS = frozenset({"simple_expansion", "expansion", "command_substitution", "process_substitution",
                         "arithmetic_expansion", "brace_expression"})


def _literal(node: Any, text: str, kind: str | None = None) -> str | None:
    if kind is None:
        kind = node.type
    if kind == "word":
        if "\\" in text:
            return _BS_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)
        return text
    if kind in ("number", "variable_name", "test_operator", "special_variable_name"):
        return text
    if kind == "raw_string":
        return text[1:-1]
    if kind in ("string", "translated_string"):
        inner = text[1:-1] if kind == "string" else text[2:-1]
        for child in node.named_children:
            if child.type != "string_content":
                return None
        return _DQ_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), inner)
    if kind == "ansi_c_string":
        inner = text[2:-1]
        if "\\" not in inner:
            return inner
        try:
            return inner.encode("latin-1", "backslashreplace").decode("unicode_escape")
        except UnicodeDecodeError:  # pragma: no cover - malformed escapes
            return None
    if kind == "concatenation":
        parts = []
        for child in node.children:
            part = _literal(child, child.text.decode("utf-8", "replace"))
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)
    if kind == "variable_assignment":
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return None
        left = name.text.decode("utf-8", "replace")
        if value is None:
            return left + "="
        right = _literal(value, value.text.decode("utf-8", "replace"))
        return None if right is None else f"{left}={right}"
    return None


# --------------------------------------------------------------------------------------------
# The walk: tree-sitter nodes -> Commands

_SEPARATORS = frozenset({"&&", "||", ";", "|", "|&", "&", ";;", ";&", ";;&"})
_SKIP_ARGS = frozenset({"word", "raw_string", "number", "ansi_c_string"})
_DECLARATIONS = frozenset({"declaration_command", "unset_command"})
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
# Named children of a command that are not argument words.
_NOT_ARGUMENTS = _REDIRECTS | {"command_name", "variable_assignment", "comment"}


def _glued(first: Word, second: Word) -> Word:
    """One shell word from two argument nodes with nothing between them.

    The shell splits words at blanks only, but tree-sitter-bash 0.25 cuts some unquoted words
    in two (``$P-$V.x`` becomes ``$P-$`` and ``V.x``); two arguments that touch are one word."""
    value = None if first.value is None or second.value is None else first.value + second.value
    text = first.text + second.text
    return Word(text, value, first.start, second.end, first._span_of, "concatenation")


class _Builder:
    """Walks one tree iteratively and collects commands in source order."""

    def __init__(self, script: ShellScript, data: bytes, text: str) -> None:
        self.script = script
        self.data = data
        self.span_of = script._span_of
        self.commands = script.commands
        self.pending: str | None = None
        self.cwd: str | None = script.workdir
        self.multiline = b"\n" in data
        self.swallowed: list[int] = []  # byte offsets of newlines tree-sitter took for blanks
        self.text = text
        if len(data) == len(text):
            self.char = None  # ASCII: byte offsets are character offsets
        else:
            self.char = _byte_to_char_table(text)

    def index(self, byte: int) -> int:
        return byte if self.char is None else self.char[byte]

    def nests(self, node: Any) -> bool:
        """Can ``node`` hold a command (a substitution)? One byte search instead of a walk."""
        text = self.data[node.start_byte:node.end_byte]
        return b"$(" in text or b"`" in text or b"<(" in text or b">(" in text

    def word(self, node: Any, kind: str | None = None) -> Word:
        start, end = node.start_byte, node.end_byte
        if self.char is not None:
            start, end = self.char[start], self.char[end]
        text = self.text[start:end]
        if kind is None:
            kind = node.type
        if kind == "word" and "\\" not in text:
            return Word(text, text, start, end, self.span_of, kind)
        return Word(text, _literal(node, text, kind), start, end, self.span_of, kind)

    def run(self, root: Any) -> None:
        # stack items: (node, in_condition, pipeline_id, in_substitution) or a callable post-action
        stack: list[Any] = [(root, False, None, False)]
        pipe_counter: dict[int, int] = {}
        while stack:
            item = stack.pop()
            if callable(item):
                item()
                continue
            node, cond, pipe, subst = item
            kind = node.type
            if not node.is_named:
                if kind in _SEPARATORS:
                    self.pending = "&&" if kind == "&&" else kind
                continue
            if kind == "command" or kind in _DECLARATIONS:
                if node.end_byte > node.start_byte:  # error recovery inserts empty commands
                    if kind == "command":
                        self.command(node, cond, pipe, subst, pipe_counter)
                    else:
                        self.declaration(node, cond, pipe, subst, pipe_counter)
                if self.nests(node):  # walk into $(...), `...`, <(...) only where there are some
                    for child in reversed(node.children):
                        if child.type not in _SKIP_ARGS and self.nests(child):
                            stack.append((child, cond, None, subst))
                continue
            if kind == "redirected_statement":
                self.redirected(node, stack, cond, pipe, subst)
                continue
            children = node.children
            if kind == "pipeline":
                pipe = self.script._pipelines = self.script._pipelines + 1
            elif kind in _SUBSTITUTIONS:
                subst, pipe = True, None
                stack.append(self._restore(self.pending, self.cwd))
                self.pending = None
            elif kind == "subshell":
                stack.append(self._restore(None, self.cwd))
            elif kind == "list":
                self.push_list(children, stack, cond, pipe, subst)
                continue
            elif kind in ("if_statement", "elif_clause", "while_statement", "until_statement"):
                self.push_conditional(children, stack, pipe, subst, cond)
                continue
            for child in reversed(children):
                stack.append((child, cond, pipe, subst))

    def _restore(self, pending: str | None, cwd: str | None) -> Callable[[], None]:
        """After a subshell or substitution: its `cd` does not leak out."""
        def restore() -> None:
            self.pending = pending if self.pending is None else self.pending
            self.cwd = cwd
        return restore

    def push_list(self, children: list[Any], stack: list[Any], cond: bool, pipe: Any, subst: bool) -> None:
        left_is_condition = any(c.type == "||" for c in children)
        seen_op = False
        items = []
        for child in children:
            if not child.is_named and child.type in _SEPARATORS:
                seen_op = True
                items.append((child, cond, pipe, subst))
            else:
                items.append((child, cond or (left_is_condition and not seen_op), pipe, subst))
        stack.extend(reversed(items))

    def push_conditional(self, children: list[Any], stack: list[Any], pipe: Any, subst: bool, cond: bool) -> None:
        in_test = False
        items = []
        for child in children:
            kind = child.type
            if kind in ("if", "elif", "while", "until"):
                in_test = True
            elif kind in ("then", "do_group", "else_clause", "elif_clause", "fi", "done"):
                in_test = False
            items.append((child, cond or in_test, pipe, subst))
        stack.extend(reversed(items))

    def redirected(self, node: Any, stack: list[Any], cond: bool, pipe: Any, subst: bool) -> None:
        children = node.children
        body = children[0] if children and children[0].type not in _REDIRECTS else None
        redirect_nodes = [c for c in children if c.type in _REDIRECTS]
        first = len(self.commands)
        # tree-sitter hangs `a && b > f` and `a | b > f` on the whole list; the shell redirects b.
        last = body
        while last is not None and last.type in ("list", "pipeline", "negated_command") and last.named_child_count:
            last = last.named_children[-1]
        last_start = self.index(last.start_byte) if last is not None and last.type == "command" else None

        def attach() -> None:
            owner = None
            if len(self.commands) > first:
                owner = self.commands[first]
                if last_start is not None:
                    owner = next((c for c in self.commands[first:] if c.start == last_start and not c.in_substitution), owner)
            extra: list[Word] = []
            redirects = []
            for r in redirect_nodes:
                redirects.extend(self.redirect(r, extra))
            if owner is not None:
                owner.redirects.extend(redirects)
                if extra and (body is not None and body.type == "command" or last_start is not None):
                    owner.argv.extend(extra)
                    owner.end = max(owner.end, extra[-1].end)
                    _rewrap(owner)

        stack.append(attach)
        # walk redirect targets for nested substitutions, then the body (body first: LIFO)
        for r in reversed(redirect_nodes):
            stack.append((r, cond, None, subst))
        if body is not None:
            stack.append((body, cond, pipe, subst))

    def redirect(self, node: Any, extra: list[Word]) -> list[Redirect]:
        operator = None
        fd = None
        target = None
        out: list[Redirect] = []
        for child in node.children:
            kind = child.type
            if not child.is_named:
                if operator is None:
                    operator = kind
                continue
            if kind == "file_descriptor":
                fd = child.text.decode()
            elif kind in ("heredoc_start", "heredoc_body", "heredoc_end", "heredoc_content"):
                continue
            elif kind in _REDIRECTS:
                out.extend(self.redirect(child, extra))
            elif target is None:
                target = self.word(child)
            else:
                extra.append(self.word(child))
        out.insert(0, Redirect(operator or "", target, fd))
        return out

    def check_gaps(self, children: list[Any]) -> None:
        """Record an unescaped newline between the words of one command (a mis-parse)."""
        data = self.data
        for before, after in zip(children, children[1:]):
            gap = data[before.end_byte:after.start_byte]
            nl = gap.find(b"\n")
            if nl >= 0 and not gap[:nl].rstrip(b" \t\r").endswith(b"\\") and gap.strip(b" \t\r\n") == b"":
                self.swallowed.append(before.end_byte + nl)
                return

    def command(self, node: Any, cond: bool, pipe: Any, subst: bool, pipe_counter: dict[int, int]) -> Command:
        if self.multiline and b"\n" in self.data[node.start_byte:node.end_byte]:
            self.check_gaps(node.children)
        words: list[Word] = []
        assignments: list[Word] = []
        redirects: list[Redirect] = []
        extra: list[Word] = []
        word = self.word
        argument_end = -1  # byte where the last argument node ended
        for child in node.children:
            kind = child.type
            if kind in _SKIP_ARGS or (child.is_named and kind not in _NOT_ARGUMENTS):
                argument = word(child, kind)
                if child.start_byte == argument_end:  # see _glued
                    words[-1] = _glued(words[-1], argument)
                else:
                    words.append(argument)
                argument_end = child.end_byte
                continue
            argument_end = -1
            if kind == "command_name":
                inner = child.child(0)
                words.append(word(inner) if inner is not None else word(child, kind))
            elif kind == "variable_assignment":
                (words if words else assignments).append(word(child, kind))
            elif kind in _REDIRECTS:
                redirects.extend(self.redirect(child, extra))
        words.extend(extra)
        return self.emit(node, words, assignments, redirects, cond, pipe, subst, pipe_counter)

    def declaration(self, node: Any, cond: bool, pipe: Any, subst: bool, pipe_counter: dict[int, int]) -> None:
        words = []
        for child in node.children:
            if child.is_named:
                words.append(self.word(child))
            elif child.type in ("export", "declare", "local", "readonly", "typeset", "unset", "unsetenv"):
                keyword = self.word(child)
                keyword.value = keyword.text
                words.append(keyword)
        self.emit(node, words, [], [], cond, pipe, subst, pipe_counter)

    def emit(self, node: Any, words: list[Word], assignments: list[Word], redirects: list[Redirect],
             cond: bool, pipe: Any, subst: bool, pipe_counter: dict[int, int]) -> Command:
        wrappers, at, env_assignments = _unwrap(words)
        argv = words[at:]
        name = _program_name(argv[0]) if argv else None
        connector = self.pending
        if connector is None and self.commands and not subst:
            connector = ";"
        self.pending = None
        index = 0
        if pipe is not None:
            index = pipe_counter.get(pipe, 0)
            pipe_counter[pipe] = index + 1
        command = Command(name=name, argv=argv, start=self.index(node.start_byte), end=self.index(node.end_byte),
                          connector=connector, in_pipeline=pipe is not None, in_condition=cond,
                          in_substitution=subst, wrappers=wrappers, prefix=words[:at],
                          assignments=assignments + env_assignments, redirects=redirects,
                          pipeline=pipe, pipeline_index=index, cwd=self.cwd, _span_of=self.span_of)
        if name == "cd":
            self.track_cd(command)
        self.commands.append(command)
        return command

    def track_cd(self, command: Command) -> None:
        positional = command.positionals()
        target = positional[0].value if positional else None
        if target and not command.in_substitution:
            resolved = _resolve(target, self.cwd)
            self.cwd = resolved if resolved.startswith("/") else None
        else:
            self.cwd = None


_LITERAL_TAIL = lazy_compile(r"/([A-Za-z0-9._+-]+)$")


def _program_name(word: Word) -> str | None:
    """Basename of the program: ``/usr/bin/apt-get`` and ``$CONDA_DIR/bin/conda`` give
    ``apt-get`` and ``conda``; a name that is itself an expansion (``$CC``) gives None."""
    value = word.value
    if value is not None:
        return value.rpartition("/")[2] or None
    match = _LITERAL_TAIL.search(word.text)
    return match.group(1) if match else None


def _byte_to_char_table(text: str) -> list[int]:
    table: list[int] = []
    for i, ch in enumerate(text):
        n = len(ch.encode("utf-8", "surrogatepass"))
        table.extend([i] * n)
    table.append(len(text))
    return table

