"""The shell model of RUN: every simple command of a script, with exact spans.

A RUN's script is parsed once with tree-sitter-bash (loaded lazily, cached) and flattened into
:class:`Command` objects in source order -- commands inside ``&&``/``||``/``;``/``|`` lists,
subshells, ``if``/``for``/``while``/``case`` blocks, functions and ``$(...)`` included.  Each
command knows its *effective* name (``sudo -E apt-get`` and ``DEBIAN_FRONTEND=x apt-get`` are both
``apt-get``), what joined it to the previous command, and whether it runs in a pipeline or a
condition (where a failure does not stop the build).

Positions: tree-sitter reports UTF-8 byte offsets into the script; they are converted to
character indices and handed to the instruction's ``span_of`` so every :class:`Word` and
:class:`Command` points at its exact place in the Dockerfile, across continuation lines.

Shells that are not POSIX-like (``SHELL ["powershell", ...]``, ``["cmd", "/S", "/C"]``) are
recognised and left unparsed: ``ShellScript.posix`` is False and ``commands`` is empty.

::

    shell = effective_shell(dockerfile, instr, state)  # SHELL, hadolint pragma, cmd on Windows
    script = parse_run(instr, shell=shell, workdir=None)  # shell form, heredoc, exec form
    script = parse_shell("apt-get update && apt-get install -y curl")  # spans None without span_of
    script.posix, script.parsed_ok, script.language, script.exec_form, script.commands
    script.find("apt-get")            # by effective name;  script.mentions("sudo") wrappers too
    script.invocations("apk")         # Invocation(command, subcommand, options, operands)
    script.removes("/var/lib/apt/lists/*", after=command)   # rm -rf, find -delete, globs, parents
    script.pipes_into_shell()         # curl|sh, wget -O-|bash, sh -c "$(curl)", bash <(curl)
    script.downloads_into("python3")  # the same for other interpreters
    script.writes()                   # Write(word, path, kind, command): downloads, > file, tar -C, ...
    Command: name argv args span connector in_pipeline in_condition in_substitution
             in_nested_shell (inside sh -c '...') wrappers prefix assignments redirects
             pipeline pipeline_index cwd
             has_option() option() option_value() subcommand() operands() positionals() options()
    Word: text value span start end kind

ShellCheck over these scripts lives in :mod:`dockwise.model.shellcheck`.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from _thread import get_ident
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dockwise._lazyre import lazy_compile
from dockwise._record import Record

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Instruction, Span

SpanOf = Callable[[int, int], "Span"]

DEFAULT_SHELL = ("/bin/sh", "-c")
NON_POSIX_SHELLS = frozenset({"powershell", "pwsh", "cmd"})
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox", "yash", "posh"})
# Where a download piped into one of these runs unreviewed code.
PIPE_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"})
DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
BRACE_SHELLS = frozenset({"bash", "zsh", "ksh", "mksh"})

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
# Data model


class Word:
    """One word of a command as written. ``value`` is the literal after quote removal, or None
    when the word holds an expansion (``$VAR``, ``$(...)``, ``${X:-y}``) whose value is unknown."""

    __slots__ = ("text", "value", "start", "end", "_span_of", "_span", "kind")

    def __init__(self, text: str, value: str | None, start: int, end: int,
                 span_of: SpanOf | None, kind: str = "word") -> None:
        self.text = text
        self.value = value
        self.start = start  # character index into the script
        self.end = end
        self.kind = kind  # tree-sitter node type: word, string, raw_string, concatenation, ...
        self._span_of = span_of
        self._span: Any = _UNSET

    @property
    def span(self) -> "Span | None":
        if self._span is _UNSET:
            self._span = self._span_of(self.start, self.end) if self._span_of else None
        return self._span

    @property
    def is_literal(self) -> bool:
        return self.value is not None

    def __repr__(self) -> str:
        return f"Word({self.text!r})"


_UNSET: Any = object()


class Redirect(Record):
    """A redirection such as ``> /tmp/x``, ``2>&1`` or ``<<EOF``."""

    __slots__ = ("operator", "target", "fd", "heredoc")

    operator: str  # ">", ">>", "&>", "<", "<<", "<<<", ">&", ...
    target: Word | None  # the file (None for heredocs without a target)
    fd: str | None  # "2" in 2>/dev/null
    heredoc: Any  # for a RUN heredoc (`RUN python3 <<EOF`): the syntax tree's Heredoc

    def __init__(self, operator: str, target: Word | None, fd: str | None = None,
                 heredoc: Any = None) -> None:
        self.operator = operator
        self.target = target
        self.fd = fd
        self.heredoc = heredoc

    @property
    def writes_file(self) -> bool:
        """True when this redirect creates or appends to a file (not /dev/null, not an fd dup)."""
        if self.operator not in (">", ">>", "&>", "&>>", ">|"):
            return False
        value = self.target.value if self.target else None
        return value is None or not (value.startswith("/dev/") or value.isdigit() or value == "-")


class Command(Record):
    """One simple command. ``argv`` starts at the effective command (wrappers are in
    ``wrappers``/``prefix``), so ``argv[0]`` is the program and ``args`` what it receives."""

    __slots__ = ("name", "argv", "start", "end", "connector", "in_pipeline", "in_condition",
                 "in_substitution", "in_nested_shell", "wrappers", "prefix", "assignments",
                 "redirects", "pipeline", "pipeline_index", "cwd", "_span_of")

    name: str | None  # basename of the literal effective command ("apt-get"), None if an expansion
    argv: list[Word]  # effective command and its arguments
    start: int  # character range of the whole command in the script (assignments, wrappers included)
    end: int
    connector: str | None  # "&&" | "||" | ";" | "|" | "&" | None
    in_pipeline: bool
    in_condition: bool  # if/while/until test, or left of ||: a failure does not stop the build
    in_substitution: bool  # inside $(...), `...` or <(...)
    in_nested_shell: bool  # inside the literal script of `sh -c '...'` / `bash -c "..."` / `su -c`
    wrappers: list[str]  # ["sudo", "env"] for `sudo env X=1 make`
    prefix: list[Word]  # words of the wrappers and their options
    assignments: list[Word]  # leading VAR=x words (and env's)
    redirects: list[Redirect]
    pipeline: int | None  # identifies the pipeline the command belongs to
    pipeline_index: int  # position in that pipeline (0 = first)
    cwd: str | None  # where it runs: the WORKDIR given, or an earlier literal `cd`; None if unknown
    _span_of: SpanOf | None

    def __init__(self, name: str | None, argv: list[Word], start: int, end: int,
                 connector: str | None = None, in_pipeline: bool = False,
                 in_condition: bool = False, in_substitution: bool = False,
                 in_nested_shell: bool = False, wrappers: list[str] | None = None,
                 prefix: list[Word] | None = None, assignments: list[Word] | None = None,
                 redirects: list[Redirect] | None = None, pipeline: int | None = None,
                 pipeline_index: int = 0, cwd: str | None = None,
                 _span_of: SpanOf | None = None) -> None:
        self.name = name
        self.argv = argv
        self.start = start
        self.end = end
        self.connector = connector
        self.in_pipeline = in_pipeline
        self.in_condition = in_condition
        self.in_substitution = in_substitution
        self.in_nested_shell = in_nested_shell
        self.wrappers = [] if wrappers is None else wrappers
        self.prefix = [] if prefix is None else prefix
        self.assignments = [] if assignments is None else assignments
        self.redirects = [] if redirects is None else redirects
        self.pipeline = pipeline
        self.pipeline_index = pipeline_index
        self.cwd = cwd
        self._span_of = _span_of

    @property
    def span(self) -> "Span | None":
        return self._span_of(self.start, self.end) if self._span_of else None

    @property
    def args(self) -> list[Word]:
        return self.argv[1:]

    @property
    def path(self) -> str | None:
        """The command as written (``/usr/bin/apt-get``), None if not literal."""
        return self.argv[0].value if self.argv else None

    # ---- options -----------------------------------------------------------------------------

    def value_options(self) -> frozenset[str]:
        return OPTIONS_WITH_VALUE.get(self.name or "", frozenset())

    def has_option(self, *names: str) -> bool:
        """True if any of ``names`` is given: ``-y`` matches ``-qy`` and ``-y``; ``--yes`` matches
        ``--yes`` and ``--yes=...``. Arguments after ``--`` are not options."""
        return self.option(*names) is not None

    def option(self, *names: str) -> Word | None:
        """The first argument word that sets one of ``names`` (see :meth:`has_option`)."""
        wanted = set(names)
        short = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        takes = self.value_options()
        skip_next = False
        for word in self.args:
            if skip_next:
                skip_next = False
                continue
            v = _flag_text(word)
            if v is None or len(v) < 2 or v[0] != "-":
                continue
            if v == "--":
                break
            if v.startswith("--"):
                if v.split("=", 1)[0] in wanted:
                    return word
                skip_next = "=" not in v and v in takes
                continue
            if v in wanted:
                return word
            skip_next = v in takes
            for i, c in enumerate(v[1:], 1):  # combined short flags: -qy, -xzf
                if c in short:
                    return word
                if "-" + c in takes:
                    skip_next = i == len(v) - 1
                    break
        return None

    def option_value(self, *names: str) -> Word | None:
        """The value given to an option: ``-O file``, ``-Ofile``, ``--output=file``, ``--output file``."""
        args = self.args
        short = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        for i, word in enumerate(args):
            v = _flag_text(word)
            if v is None or len(v) < 2 or v[0] != "-":
                continue
            if v == "--":
                break
            if v.startswith("--"):
                key, eq, rest = v.partition("=")
                if key in names:
                    if eq:
                        return _sub_word(word, len(key) + 1)
                    return args[i + 1] if i + 1 < len(args) else None
                continue
            if v in names:
                return args[i + 1] if i + 1 < len(args) else None
            for j, c in enumerate(v[1:], 1):
                if c in short:
                    if j == len(v) - 1:
                        return args[i + 1] if i + 1 < len(args) else None
                    return _sub_word(word, j + 1)
                if "-" + c in self.value_options():
                    break
        return None

    def _split(self, value_options: Iterable[str] | None) -> tuple[list[Word], list[Word]]:
        """(options, positional arguments), knowing which options consume the next word."""
        takes = self.value_options() if value_options is None else frozenset(value_options)
        options: list[Word] = []
        positional: list[Word] = []
        args = self.args
        i = 0
        while i < len(args):
            word = args[i]
            v = _flag_text(word)
            if v == "--":
                positional.extend(args[i + 1:])
                break
            if v is not None and len(v) > 1 and v[0] == "-":
                options.append(word)
                if _consumes_next(v, takes) and i + 1 < len(args):
                    options.append(args[i + 1])
                    i += 1
            else:
                positional.append(word)
            i += 1
        return options, positional

    def subcommand(self, skip_options: bool = True, value_options: Iterable[str] | None = None) -> str | None:
        """The first non-option argument (``install`` in ``apt-get -y install x``), or None.

        Options known to take a value (``apt-get -o X install``) are skipped with their value."""
        if not skip_options:
            return self.args[0].value if self.args else None
        _, positional = self._split(value_options)
        return positional[0].value if positional else None

    def operands(self, value_options: Iterable[str] | None = None) -> list[Word]:
        """Non-option arguments after the subcommand (packages, paths)."""
        _, positional = self._split(value_options)
        return positional[1:]

    def positionals(self, value_options: Iterable[str] | None = None) -> list[Word]:
        """All non-option arguments, subcommand included (``rm -rf a b`` gives ``a``, ``b``)."""
        return self._split(value_options)[1]

    def options(self, value_options: Iterable[str] | None = None) -> list[Word]:
        """The option words (and the values they consume)."""
        return self._split(value_options)[0]

    def __repr__(self) -> str:
        return f"Command({' '.join(w.text for w in self.argv)!r})"


def _consumes_next(v: str, takes: frozenset[str]) -> bool:
    if v.startswith("--"):
        return "=" not in v and v in takes
    if v in takes:
        return True
    for i, c in enumerate(v[1:], 1):
        if "-" + c in takes:
            return i == len(v) - 1
    return False


def _flag_text(word: Word) -> str | None:
    """What to read options from: the literal value, or for ``--python="$PY"`` (an option whose
    value expands) the text as written."""
    if word.value is not None:
        return word.value
    return word.text if word.text.startswith("-") else None


def _sub_word(word: Word, skip: int) -> Word:
    """The tail of an option word (the ``file`` of ``--output=file``); exact when unquoted."""
    if word.value is None:  # --output="$DIR/x": the value expands
        return Word(word.text[skip:], None, word.start + skip, word.end, word._span_of, word.kind)
    value = word.value[skip:]
    if word.text == word.value:
        return Word(value, value, word.start + skip, word.end, word._span_of, word.kind)
    return Word(value, value, word.start, word.end, word._span_of, word.kind)


class Invocation(Record):
    """One call of a program, split the way rules read it."""

    __slots__ = ("command", "subcommand", "options", "operands")

    command: Command
    subcommand: str | None
    options: list[Word]
    operands: list[Word]

    def __init__(self, command: Command, subcommand: str | None, options: list[Word],
                 operands: list[Word]) -> None:
        self.command = command
        self.subcommand = subcommand
        self.options = options
        self.operands = operands


class Write(Record):
    """A path a command creates or downloads into. Duck-compatible with :class:`Word`."""

    __slots__ = ("word", "path", "kind", "command")

    word: Word | None  # the word naming the path (None when derived, e.g. curl -O's URL basename)
    path: str | None  # the literal path (relative paths resolved against a literal `cd`), None if unknown
    kind: str  # "download" | "redirect" | "extract" | "clone" | "mkdir" | "copy" | "touch"
    command: Command

    def __init__(self, word: Word | None, path: str | None, kind: str, command: Command) -> None:
        self.word = word
        self.path = path
        self.kind = kind
        self.command = command

    @property
    def value(self) -> str | None:
        return self.path

    @property
    def text(self) -> str:
        return self.word.text if self.word else (self.path or "")

    @property
    def span(self) -> "Span | None":
        return self.word.span if self.word else self.command.span


class ShellScript:
    """A parsed RUN script. ``commands`` lists every simple command in source order."""

    def __init__(self, text: str, *, shell: tuple[str, ...] = DEFAULT_SHELL, posix: bool = True,
                 language: str = "sh", span_of: SpanOf | None = None) -> None:
        self.text = text
        self.shell = tuple(shell)
        self.posix = posix
        self.language = language  # sh, bash, dash, ash, ksh, zsh, powershell, cmd, or a shebang program
        self.commands: list[Command] = []
        self.parsed_ok = True
        self.exec_form = False
        self.workdir: str | None = None  # absolute WORKDIR the script starts in, when known
        self._pipelines = 0  # pipelines numbered so far (Command.pipeline)
        self._span_of = span_of

    def span_of(self, start: int, end: int) -> "Span | None":
        """The Dockerfile span of ``text[start:end]`` (None for a plain string)."""
        return self._span_of(start, end) if self._span_of else None

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def __len__(self) -> int:
        return len(self.commands)

    def __repr__(self) -> str:
        return f"ShellScript({self.text!r}, commands={len(self.commands)})"

    # ---- queries ----------------------------------------------------------------------------

    def find(self, *names: str) -> list[Command]:
        """Commands whose effective name is one of ``names`` (``/usr/bin/apt-get`` is ``apt-get``)."""
        wanted = set(names)
        return [c for c in self.commands if c.name in wanted]

    def mentions(self, *names: str) -> list[Command]:
        """Commands that run one of ``names`` directly or as a wrapper (``sudo`` in ``sudo make``)."""
        wanted = set(names)
        return [c for c in self.commands if c.name in wanted or wanted.intersection(c.wrappers)]

    def text_of(self, item: "Command | Word") -> str:
        """The script text of a command or word (after BuildKit's continuation joining)."""
        return self.text[item.start:item.end]

    def invocations(self, *names: str, value_options: Iterable[str] | None = None) -> list[Invocation]:
        """Each call of ``names`` as (command, subcommand, options, operands)."""
        found = []
        for command in self.find(*names):
            options, positional = command._split(value_options)
            sub = positional[0].value if positional else None
            found.append(Invocation(command, sub, options, positional[1:]))
        return found

    def removes(self, path: str, *, after: Command | None = None) -> bool:
        """True if a command here removes ``path``: itself, a parent directory, or a glob matching
        it (``rm -rf /var/lib/apt/lists`` and ``rm -rf /var/lib/apt/lists/*`` both remove
        ``/var/lib/apt/lists/*``). ``find P -delete`` and ``find P -exec rm`` count too; cleaners
        such as ``apt-get clean`` do not (rules decide what those are worth). With ``after``,
        only removals that run after that command count."""
        target = _normalize(path)
        start = after.start if after is not None else -1
        return any(_covers(pattern, recursive, target)
                   for pattern, recursive, command in self.removals() if command.start > start)

    def removals(self) -> list[tuple[str, bool, Command]]:
        """(absolute-or-literal pattern, recursive, command) for every literal path removed.
        Brace alternatives (``/tmp/{a,b}``) are expanded only where the shell does it (bash,
        zsh, ksh): ``/bin/sh`` on Debian (dash) and BusyBox take the braces literally."""
        out: list[tuple[str, bool, Command]] = []
        braces = self.language in BRACE_SHELLS
        for command in self.commands:
            if command.name in ("rm", "rmdir", "unlink"):
                recursive = command.name == "rm" and command.has_option("-r", "-R", "--recursive")
                for word in command.positionals():
                    if word.value:
                        for value in (_expand_braces(word.value) if braces else (word.value,)):
                            out.append((_resolve(value, command.cwd), recursive, command))
            elif command.name == "find":
                out.extend(_find_removals(command))
        return out

    def pipes_into_shell(self) -> bool:
        """True for ``curl ... | sh``, ``wget -O- ... | bash``, ``sh -c "$(curl ...)"``, ``bash <(curl ...)``."""
        return bool(self.downloads_into_shell())

    def downloads_into_shell(self) -> list[Command]:
        """The shell commands that run a download unreviewed (see :meth:`pipes_into_shell`)."""
        return self.downloads_into(*PIPE_SHELLS)

    def downloads_into(self, *programs: str) -> list[Command]:
        """Commands among ``programs`` that run what curl/wget fetched: later in the same
        pipeline, or given it through ``$(...)`` / ``<(...)`` (``python3`` for ``curl | python3``)."""
        wanted = set(programs)
        found = []
        downloaders: dict[int, int] = {}  # pipeline -> index of first downloader
        for command in self.commands:
            if command.pipeline is None:
                continue
            if command.name in DOWNLOADERS:
                downloaders.setdefault(command.pipeline, command.pipeline_index)
            elif command.name in wanted and command.pipeline in downloaders \
                    and command.pipeline_index > downloaders[command.pipeline]:
                found.append(command)
        for command in self.commands:
            if command.name in wanted and command not in found:
                if any(d.name in DOWNLOADERS and d.in_substitution and command.start < d.start < command.end
                       for d in self.commands):
                    found.append(command)
        return found

    def writes(self) -> list[Write]:
        """Paths this script creates or downloads into: ``wget -O``, ``curl -o/-O``, ``> file``,
        ``tar -x -C``, ``unzip -d``, ``git clone URL DIR``, ``mkdir``, ``cp``/``mv`` targets, ``touch``."""
        out: list[Write] = []
        for command in self.commands:
            out.extend(_command_writes(command))
        return out


# --------------------------------------------------------------------------------------------
# Options that take a value, per program (so `apt-get -o X install` has subcommand `install`)

def _opts(*names: str) -> frozenset[str]:
    return frozenset(names)


_APT = _opts("-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release")
_PIP = _opts("-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
             "-f", "--find-links", "-t", "--target", "--prefix", "--root", "-e", "--editable",
             "--trusted-host", "--cache-dir", "--src", "--platform", "--python-version", "--implementation",
             "--abi", "--log", "--proxy", "--retries", "--timeout", "--progress-bar", "--no-binary",
             "--only-binary", "-d", "--dest", "--upgrade-strategy", "--python")
_RPM = _opts("-c", "--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo",
             "-x", "--exclude", "-d", "--debuglevel", "-e", "--errorlevel", "--repo", "--repoid",
             "--setopt", "--forcearch", "--downloaddir", "--destdir")
_CP = _opts("-t", "--target-directory", "-S", "--suffix")

OPTIONS_WITH_VALUE: dict[str, frozenset[str]] = {
    "apt-get": _APT, "apt": _APT, "apt-cache": _APT, "aptitude": _APT,
    "apk": _opts("-X", "--repository", "-p", "--root", "--repositories-file", "--cache-dir",
                 "-t", "--virtual", "--arch", "--keys-dir"),
    "pip": _PIP, "pip3": _PIP, "pip2": _PIP, "pipx": _PIP, "uv": _PIP,
    "yum": _RPM, "dnf": _RPM, "microdnf": _RPM, "tdnf": _RPM,
    "zypper": _opts("--root", "-R", "-r", "--repo", "-t", "--type", "--from"),
    "gem": _opts("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source", "-s", "-p",
                 "--platform"),
    "npm": _opts("--prefix", "--registry", "--cache", "-w", "--workspace", "--userconfig", "--loglevel"),
    "yarn": _opts("--cache-folder", "--modules-folder", "--network-timeout", "--cwd"),
    "pnpm": _opts("--dir", "-C", "--filter", "--store-dir"),
    "curl": _opts("-o", "--output", "-H", "--header", "-d", "--data", "-u", "--user", "-A", "--user-agent",
                  "-e", "--referer", "-x", "--proxy", "-X", "--request", "-T", "--upload-file", "-w",
                  "--write-out", "-m", "--max-time", "--retry", "--connect-timeout", "-b", "--cookie",
                  "-c", "--cookie-jar", "-F", "--form", "--output-dir", "-r", "--range", "--cacert",
                  "--cert", "--key", "-K", "--config", "--data-binary", "--data-raw", "--data-urlencode",
                  "--retry-delay", "--retry-max-time", "--proto", "--proto-redir", "-C", "--continue-at",
                  "-E", "-Y", "-y", "--limit-rate", "-z", "-Q", "--resolve", "--url", "--max-filesize",
                  "--capath", "--interface", "--dns-servers", "--create-file-mode"),
    "wget": _opts("-O", "--output-document", "-P", "--directory-prefix", "-o", "--output-file", "-a",
                  "--append-output", "-t", "--tries", "-T", "--timeout", "-U", "--user-agent", "--header",
                  "-e", "--execute", "-i", "--input-file", "--user", "--password", "-w", "--wait", "-Q",
                  "--quota", "-l", "--level", "-A", "--accept", "-R", "--reject", "-D", "--domains",
                  "--ca-certificate", "--ca-directory", "--certificate", "--private-key", "-B", "--base"),
    "tar": _opts("-C", "--directory", "-f", "--file", "-T", "--files-from", "-X", "--exclude-from",
                 "-I", "--use-compress-program", "-b", "--blocking-factor", "-H", "--format", "-g",
                 "--listed-incremental", "-K", "-N", "-V", "--label", "--exclude", "--strip-components",
                 "--owner", "--group", "--mode", "--transform", "--xform"),
    "git": _opts("-C", "-c", "--git-dir", "--work-tree", "-b", "--branch", "--depth", "-o", "--origin",
                 "-j", "--jobs", "--reference", "--filter", "--template", "--separate-git-dir", "--config",
                 "-u", "--upload-pack", "--shallow-since", "--shallow-exclude"),
    "mkdir": _opts("-m", "--mode"),
    "cp": _CP, "mv": _CP, "ln": _CP,
    "install": _opts("-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory",
                     "-S", "--suffix"),
    "unzip": _opts("-d", "-P"),
    "useradd": _opts("-u", "--uid", "-g", "--gid", "-G", "--groups", "-d", "--home-dir", "-s", "--shell",
                     "-c", "--comment", "-k", "--skel", "-e", "--expiredate", "-f", "--inactive",
                     "-K", "--key", "-p", "--password", "-R", "--root", "-b", "--base-dir"),
    "groupadd": _opts("-g", "--gid", "-K", "--key", "-p", "--password", "-R", "--root"),
    "adduser": _opts("-u", "--uid", "-G", "-h", "--home", "-s", "--shell", "-g", "--gecos", "--gid",
                     "--ingroup", "-k"),
    "addgroup": _opts("-g", "--gid"),
    "usermod": _opts("-u", "-g", "-G", "-d", "-s", "-c", "-l", "-e", "-f", "-p", "-R"),
    "go": _opts("-o", "-C", "-ldflags", "-tags", "-gcflags", "-mod", "-p", "-modfile", "-asmflags",
                "-buildmode", "-compiler", "-pkgdir", "-toolexec", "-overlay"),
    "sed": _opts("-e", "--expression", "-f", "--file"),
    "make": _opts("-C", "--directory", "-f", "--file", "--makefile", "-I", "--include-dir", "-o", "-W"),
    "conda": _opts("-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"),
    "mamba": _opts("-c", "--channel", "-n", "--name", "-p", "--prefix", "--file"),
    "cargo": _opts("--root", "--version", "--git", "--branch", "--tag", "--rev", "--path", "--target",
                   "-j", "--jobs", "--features", "-F", "--profile", "--bin", "--example", "--index",
                   "--registry", "--config", "-Z", "--manifest-path", "-p", "--package", "--target-dir"),
    "composer": _opts("--working-dir", "-d"),
    "bundle": _opts("--jobs", "-j", "--retry", "--path", "--without", "--with", "--gemfile"),
    "gpg": _opts("--keyserver", "-o", "--output", "--homedir", "--keyring", "--export-options",
                 "--import-options", "--trust-model", "--default-key", "-u", "--local-user",
                 "--recipient", "-r", "--keyserver-options"),
    "chown": _opts("--reference", "--from"),
    "chmod": _opts("--reference"),
    "docker-php-ext-install": _opts("-j"),
    "ssh-keyscan": _opts("-p", "-t", "-T", "-f"),
    "find": frozenset(),
    "rm": frozenset(),
}


# --------------------------------------------------------------------------------------------
# Wrappers: programs that run another program (`sudo apt-get ...`)

# wrapper -> (options that take a value, number of leading positional words before the command)
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (_opts("-u", "--user", "-g", "--group", "-h", "--host", "-p", "--prompt", "-C",
                   "--close-from", "-D", "--chdir", "-r", "--role", "-t", "--type", "-U", "--other-user",
                   "-T", "--command-timeout"), 0),
    "doas": (_opts("-u", "-C"), 0),
    "env": (_opts("-u", "--unset", "-C", "--chdir", "-S", "--split-string"), 0),
    "nice": (_opts("-n", "--adjustment"), 0),
    "ionice": (_opts("-c", "-n", "-p", "-P", "-u"), 0),
    "time": (_opts("-f", "--format", "-o", "--output"), 0),
    "nohup": (frozenset(), 0),
    "xargs": (_opts("-I", "-n", "--max-args", "-P", "--max-procs", "-d", "--delimiter", "-L",
                    "--max-lines", "-s", "--max-chars", "-E", "-a", "--arg-file"), 0),
    "command": (frozenset(), 0),
    "exec": (_opts("-a"), 0),
    "builtin": (frozenset(), 0),
    "timeout": (_opts("-s", "--signal", "-k", "--kill-after"), 1),
    "stdbuf": (_opts("-i", "-o", "-e"), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "chronic": (frozenset(), 0),
    "eatmydata": (frozenset(), 0),
    "unbuffer": (frozenset(), 0),
    "busybox": (frozenset(), 0),
}

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


# --------------------------------------------------------------------------------------------
# Public entry points


def shell_language(shell: Iterable[str] | None) -> tuple[str, bool]:
    """(language, posix) of a SHELL array: ``["/bin/bash", "-c"]`` -> ("bash", True)."""
    key = tuple(shell) if shell else DEFAULT_SHELL
    found = _LANGUAGES.get(key)
    if found is None:
        found = _LANGUAGES[key] = _shell_language(key)
    return found


_LANGUAGES: dict[tuple[str, ...], tuple[str, bool]] = {}


def _shell_language(argv: tuple[str, ...]) -> tuple[str, bool]:
    if not argv:
        return "sh", True
    program = argv[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    if program.endswith(".exe"):
        program = program[:-4]
    if program in NON_POSIX_SHELLS:
        return ("powershell" if program == "pwsh" else program), False
    if program == "busybox" and len(argv) > 1 and argv[1] in ("sh", "ash"):
        return "ash", True
    if program in POSIX_SHELLS:
        return program, True
    return program or "sh", True


_SHELL_PRAGMA = lazy_compile(r"#\s*hadolint\s+shell\s*=\s*([^\s#]+)", re.I)


def pragma_shell(dockerfile: Any, instr: "Instruction") -> str | None:
    """The shell named by hadolint's ``# hadolint shell=powershell`` pragma where ``instr`` runs:
    the last such comment before it, in its own stage or before the first FROM (global)."""
    import bisect

    pragma_at, pragma_names, from_at = _shell_pragmas(dockerfile)
    here = instr.span.start.offset
    before = bisect.bisect_left(pragma_at, here)  # pragmas above instr
    if before == 0:
        return None
    froms = bisect.bisect_left(from_at, here)  # FROMs above instr
    if froms == 0 or pragma_at[before - 1] > from_at[froms - 1]:
        return pragma_names[before - 1]  # global, or in instr's own stage
    global_ones = bisect.bisect_left(pragma_at, from_at[0])
    return pragma_names[global_ones - 1] if global_ones else None


_pragmas_of: list = [None, None]  # (dockerfile, its pragmas): rules ask once per RUN of one file


def _shell_pragmas(dockerfile: Any) -> tuple[list[int], list[str], list[int]]:
    """Offsets and names of the file's shell pragmas, and the offsets of its FROMs (in order)."""
    if _pragmas_of[0] is not dockerfile:
        pragma_at, names = [], []
        for comment in dockerfile.comments:
            match = _SHELL_PRAGMA.match(comment.text.strip())
            if match:
                pragma_at.append(comment.span.start.offset)
                names.append(match.group(1))
        from_at = [i.span.start.offset for i in dockerfile.instructions if i.keyword == "FROM"]
        _pragmas_of[:] = [dockerfile, (pragma_at, names, from_at)]
    return _pragmas_of[1]


WINDOWS_SHELL = ("cmd", "/S", "/C")
_WINDOWS_IMAGE = lazy_compile(r"nanoserver|servercore|windows|dotnet/framework", re.I)


def looks_windows(image: str | None, platform: str | None = None) -> bool:
    """A Windows base image (``mcr.microsoft.com/windows/servercore``, ``python:3-windowsservercore``,
    ``--platform=windows/amd64``): its default shell is ``cmd /S /C``, not ``/bin/sh -c``."""
    if platform and platform.lower().startswith("windows"):
        return True
    return bool(image and _WINDOWS_IMAGE.search(image))


def effective_shell(dockerfile: Any, instr: "Instruction", state: Any) -> list[str]:
    """The shell a RUN really gets: the SHELL in effect; where none was set, hadolint's
    ``# hadolint shell=`` pragma, else ``cmd /S /C`` on a Windows base image, else ``/bin/sh -c``.
    ``state`` is the build model's state at ``instr`` (None before the first FROM)."""
    shell = list(state.shell) if state is not None and state.shell else list(DEFAULT_SHELL)
    if shell != list(DEFAULT_SHELL):
        return shell
    pragma = pragma_shell(dockerfile, instr)
    if pragma:
        return [pragma]
    stage = getattr(state, "stage", None)
    seen = 0
    while stage is not None and getattr(stage, "base_stage", None) is not None and seen < 64:
        stage, seen = stage.base_stage, seen + 1
    if stage is not None:
        base = getattr(stage.base, "text", None)
        platform = getattr(stage.platform, "text", None) if stage.platform is not None else None
        if looks_windows(base, platform):
            return list(WINDOWS_SHELL)
    return shell


def parse_shell(script: str, span_of: SpanOf | None = None, *,
                shell: Iterable[str] | None = None, workdir: str | None = None) -> ShellScript:
    """Parse a POSIX/bash script into a :class:`ShellScript` (spans through ``span_of``).

    ``workdir`` (absolute) is where the script starts: relative paths in ``removes``/``writes``
    and ``Command.cwd`` are resolved against it."""
    language, posix = shell_language(shell)
    result = ShellScript(script, shell=tuple(shell or DEFAULT_SHELL), posix=posix,
                         language=language, span_of=span_of)
    result.workdir = _normalize(workdir) if workdir and workdir.startswith("/") else None
    if posix:
        _fill(result)
    return result


def _fill(result: ShellScript, text: str | None = None, depth: int = 0) -> None:
    """Parse ``text`` (default: the script's text; a same-length stand-in where parts of the
    script are not shell code) into ``result.commands``."""
    text = result.text if text is None else text
    data = text.encode("utf-8", "surrogatepass")
    for _ in range(16):
        tree = _parser().parse(data)
        root = tree.root_node
        result.parsed_ok = not root.has_error
        result.commands = []
        builder = _Builder(result, data, text)
        builder.run(root)
        if not builder.swallowed:
            if depth < 3 and b"-" in data:
                _add_nested_shells(result, text, depth)
            return
        # tree-sitter-bash issue #347: after a pipeline of 2+ stages, a newline followed by an
        # `&&` list is not seen as a separator and the next line becomes arguments. A `;` in
        # its place means the same to the shell and keeps every byte offset.
        patched = bytearray(data)
        for offset in builder.swallowed:
            patched[offset] = ord(";")
        data = bytes(patched)


_C_SHELLS = PIPE_SHELLS | {"su", "busybox"}


def _dash_c_script(command: Command) -> Word | None:
    """The script word of ``bash -c 'script'``, ``sh -ec "script"``, ``su - app -c 'script'``."""
    args = command.args
    for i, word in enumerate(args):
        v = word.value
        if v is None or not v.startswith("-") or v.startswith("--"):
            if command.name != "su" and v is not None and not v.startswith("-"):
                return None  # `bash script.sh -c`: -c belongs to the script
            continue
        if "c" in v[1:]:
            rest = args[i + 1:]
            while rest and command.name != "su" and (rest[0].value or "").startswith("-"):
                rest = rest[1:]  # sh -c -e 'x' is rare but valid
            return rest[0] if rest else None
    return None


def _add_nested_shells(result: ShellScript, text: str, depth: int, json_strings: bool = False) -> None:
    """Parse the literal script of ``sh -c '...'`` (and bash/su) in place: its commands join
    ``result.commands`` marked ``in_nested_shell``, with spans inside the quotes."""
    found: list[Command] = []
    for command in result.commands:
        if command.name not in _C_SHELLS:
            continue
        word = _dash_c_script(command)
        if word is None or word.value is None or word.kind not in ("raw_string", "string", "word"):
            continue  # an expanding script ("$(curl ...)") is already walked as a substitution
        quoted = word.kind != "word"
        lo, hi = word.start + quoted, word.end - quoted
        inner = text[lo:hi]
        if not inner.strip() or (json_strings and "\\" in inner):
            continue  # JSON escapes would shift positions
        nested = ShellScript(inner, shell=(command.name or "sh",), language=command.name or "sh")
        nested._pipelines = result._pipelines + 1000
        _fill(nested, None, depth + 1)
        result._pipelines = nested._pipelines
        for inner_command in nested.commands:
            _shift(inner_command, lo, result._span_of)
            inner_command.in_nested_shell = True
            inner_command.in_condition = inner_command.in_condition or command.in_condition
            inner_command.in_substitution = inner_command.in_substitution or command.in_substitution
            inner_command.cwd = inner_command.cwd or command.cwd
            found.append(inner_command)
    if found:
        result.commands = sorted(result.commands + found, key=lambda c: c.start)


def _shift(command: Command, offset: int, span_of: SpanOf | None) -> None:
    command.start += offset
    command.end += offset
    command._span_of = span_of
    words = command.argv + command.prefix + command.assignments
    words += [r.target for r in command.redirects if r.target is not None]
    for word in {id(w): w for w in words}.values():
        word.start += offset
        word.end += offset
        word._span_of = span_of
        word._span = _UNSET


def parse_run(instr: "Instruction", shell: Iterable[str] | None = None, *,
              workdir: str | None = None) -> ShellScript:
    """The shell model of a RUN (shell form, heredoc, or exec form) with Dockerfile spans.

    ``shell`` is the SHELL in effect (default ``/bin/sh -c``); ``workdir`` the WORKDIR when known."""
    shell_argv = tuple(shell) if shell else DEFAULT_SHELL
    if instr.json_form:
        return _parse_exec_form(instr, shell_argv, workdir)
    if instr.heredocs:
        return _parse_heredoc_run(instr, shell_argv, workdir)
    return parse_shell(instr.body, instr.span_of, shell=shell_argv, workdir=workdir)


_SHEBANG = lazy_compile(r"#!\s*(\S+)(?:[ \t]+(\S+))?")
_NOT_NEWLINE = lazy_compile(r"[^\n]")


def _marker_text(instr: "Instruction", heredoc: Any) -> str:
    """The ``<<EOF`` word as written on the instruction line."""
    base = instr.span.start.offset
    return instr.source[heredoc.marker_span.start.offset - base:heredoc.marker_span.end.offset - base]


def _parse_heredoc_run(instr: "Instruction", shell: tuple[str, ...], workdir: str | None) -> ShellScript:
    body = instr.body
    markers = [_marker_text(instr, h) for h in instr.heredocs]
    if len(markers) == 1 and markers[0] and body.strip() == markers[0] and markers[0].startswith("<<"):
        # `RUN <<EOF`: BuildKit runs the body itself as the script (or through its shebang).
        heredoc = instr.heredocs[0]
        program = _shebang_program(heredoc.content)
        span_of = _heredoc_span_of(instr, heredoc)
        if program is not None and program not in POSIX_SHELLS:
            return ShellScript(heredoc.content, shell=shell, posix=False, language=program, span_of=span_of)
        return parse_shell(heredoc.content, span_of, shell=(program,) if program else shell, workdir=workdir)
    return _parse_mixed_heredoc_run(instr, shell, workdir, markers)


def _parse_mixed_heredoc_run(instr: "Instruction", shell: tuple[str, ...], workdir: str | None,
                             markers: list[str]) -> ShellScript:
    """`RUN python3 <<EOF`, `RUN cat <<EOF > file`: the shell gets the line, then the bodies.

    tree-sitter-bash misreads heredocs in several BuildKit-valid shapes (``<<EOF cmd``,
    ``3<<EOF``, ``<<eo'f'``), so the line is parsed with its ``<<EOF`` markers blanked out and
    each body is attached to the command it feeds. A body fed to a shell (``bash <<EOF``) is
    shell code and is parsed in place; any other body is data."""
    body = instr.body
    blanked, positions = body, []
    for marker in markers:
        at = blanked.find(marker) if marker else -1
        if at >= 0:
            blanked = blanked[:at] + " " * len(marker) + blanked[at + len(marker):]
        positions.append(at)
    result = parse_shell(blanked, instr.span_of, shell=shell, workdir=workdir)
    if not result.posix:
        result.text = body
        return result
    feeds = [_fed_command(result.commands, at, len(body)) for at in positions]
    shell_fed = [c is not None and c.name in POSIX_SHELLS and not c.has_option("-c") for c in feeds]
    text, parse_text = body, blanked
    segments: list[tuple[int, int, SpanOf]] = [(0, len(body), instr.span_of)]
    data_ranges: list[tuple[int, int]] = []  # bodies parsed only for their $(...) (unquoted data)
    for heredoc, is_code in zip(instr.heredocs, shell_fed):
        text, parse_text = text + "\n", parse_text + "\n"
        start = len(text)
        text += heredoc.content
        substitutes = not heredoc.quoted and ("$(" in heredoc.content or "`" in heredoc.content)
        if is_code or substitutes:
            parse_text += heredoc.content
            if not is_code:
                data_ranges.append((start, len(text)))
        else:
            parse_text += _NOT_NEWLINE.sub(" ", heredoc.content)
        segments.append((start, len(text), _heredoc_span_of(instr, heredoc)))
        if heredoc.content and not heredoc.content.endswith("\n"):
            text, parse_text = text + "\n", parse_text + "\n"
        text, parse_text = text + heredoc.name + "\n", parse_text + " " * len(heredoc.name) + "\n"
    result.text = text
    result._span_of = _join_segments(segments)
    if any(shell_fed) or data_ranges:
        _fill(result, parse_text)
        # in a data body only what $(...) runs is a command (an unquoted heredoc expands it)
        result.commands = [c for c in result.commands if c.in_substitution
                           or not any(lo <= c.start < hi for lo, hi in data_ranges)]
        feeds = [_fed_command(result.commands, at, len(body)) for at in positions]
    for heredoc, command in zip(instr.heredocs, feeds):
        if command is not None:
            command.redirects.append(Redirect("<<-" if heredoc.chomp else "<<", None, heredoc=heredoc))
    return result


def _fed_command(commands: list[Command], at: int, limit: int) -> Command | None:
    """The command whose stdin a heredoc marker at ``at`` feeds: the one around it, else the
    first one after it (``<<EOF python3``), else the last one before it (all on the line,
    which ends at ``limit``)."""
    if at < 0:
        return None
    before = None
    for command in commands:
        if command.start >= limit:
            break
        if command.in_substitution:
            continue
        if command.start <= at <= command.end:
            return command
        if command.start > at:
            return command
        before = command
    return before


def _shebang_program(content: str) -> str | None:
    match = _SHEBANG.match(content)
    if not match:
        return None
    program = match.group(1).rsplit("/", 1)[-1]
    if program == "env" and match.group(2):
        program = match.group(2).rsplit("/", 1)[-1]
    return program


def _heredoc_span_of(instr: "Instruction", heredoc: Any) -> SpanOf:
    """Map heredoc content indices to the file, line by line (tabs stripped by <<- included)."""
    from dockwise.syntax.tree import Span

    content = heredoc.content
    starts = instr._line_starts
    begin = heredoc.content_start or heredoc.span.start
    anchors: list[tuple[int, int]] = []  # (content index of a line start, source offset)
    source = instr.source
    base = instr.span.start.offset
    index = 0
    for n, line in enumerate(content.split("\n")):
        if n == 0:
            offset = begin.offset
        elif begin.line - 1 + n < len(starts):
            offset = starts[begin.line - 1 + n]
        else:
            offset = anchors[-1][1] + (index - anchors[-1][0])
        if heredoc.chomp:
            rel = offset - base
            while 0 <= rel < len(source) and source[rel] == "\t":
                rel += 1
                offset += 1
        anchors.append((index, offset))
        index += len(line) + 1

    def offset_of(i: int) -> int:
        lo, hi = 0, len(anchors) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if anchors[mid][0] <= i:
                lo = mid
            else:
                hi = mid - 1
        a_index, a_offset = anchors[lo]
        return a_offset + (i - a_index)

    def span_of(start: int, end: int) -> "Span":
        first = instr.position(offset_of(start))
        if end <= start:
            return Span(first, first)
        return Span(first, instr.position(offset_of(end - 1) + 1))

    return span_of


def _join_segments(segments: list[tuple[int, int, SpanOf]]) -> SpanOf:
    from dockwise.syntax.tree import Span

    def locate(i: int) -> tuple[int, int, SpanOf]:
        for seg in reversed(segments):
            if seg[0] <= i:
                return seg
        return segments[0]

    def span_of(start: int, end: int) -> "Span":
        s0, s_end, first = locate(start)
        e0, e_end, last = locate(max(end - 1, start))
        if first is last:
            return first(start - s0, min(end, s_end) - s0)
        a = first(start - s0, start - s0 + 1)
        b = last(max(end - 1, e0) - e0, min(end, e_end) - e0)
        return Span(a.start, b.end)

    return span_of


_JSON_STRING = lazy_compile(r'"(?:[^"\\]|\\.)*"', re.S)


def _parse_exec_form(instr: "Instruction", shell: tuple[str, ...], workdir: str | None) -> ShellScript:
    """Exec form: one command, no shell (``SHELL`` does not apply); when that command is
    ``sh -c 'script'``, the script's commands follow it (``in_nested_shell``)."""
    body = instr.body
    tokens = list(_JSON_STRING.finditer(body))
    args = list(instr.args)
    span_of = instr.span_of
    result = ShellScript(body, shell=shell, posix=True, language="exec", span_of=span_of)
    result.exec_form = True
    result.workdir = _normalize(workdir) if workdir and workdir.startswith("/") else None
    if not args:
        return result
    if len(tokens) == len(args):
        words = [Word(m.group(0), value, m.start(), m.end(), span_of, "string")
                 for m, value in zip(tokens, args)]
    else:  # pragma: no cover - parser and regex disagree; fall back to the whole body
        words = [Word(value, value, 0, len(body), span_of, "string") for value in args]
    wrappers, at, assignments = _unwrap(words)
    argv = words[at:]
    name = _program_name(argv[0]) if argv else None
    result.commands.append(Command(name=name, argv=argv, start=words[0].start, end=words[-1].end,
                                   wrappers=wrappers, prefix=words[:at], assignments=assignments,
                                   cwd=result.workdir, _span_of=span_of))
    if len(tokens) == len(args):  # RUN ["sh", "-c", "apt-get ..."]: the script's commands too
        _add_nested_shells(result, body, 0, json_strings=True)
    return result


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


def _find_removals(command: Command) -> list[tuple[str, bool, Command]]:
    """``find P ... -delete`` / ``-exec rm``: everything under P, or under P matching one
    ``-name`` glob; other filters (-mtime, -path, -size, ...) remove an unknown part."""
    words = [w.value for w in command.args]
    deletes = "-delete" in words
    if not deletes and "-exec" in words:
        i = words.index("-exec")
        deletes = i + 1 < len(words) and words[i + 1] is not None and posixpath.basename(words[i + 1]) == "rm"
    if not deletes:
        return []
    roots = []
    for value in words:
        if value is None or value.startswith(("-", "(", "!")):
            break
        roots.append(value)
    name = "*"
    tail = words[len(roots):words.index("-exec") if "-exec" in words else len(words)]
    i = 0
    while i < len(tail):
        word = tail[i]
        if word in ("-name", "-iname") and i + 1 < len(tail) and tail[i + 1] and name == "*":
            name = tail[i + 1]
        elif word is None or (word not in _FIND_NEUTRAL and word != "-delete"):
            return []  # a filter we cannot follow: some unknown part is removed
        i += 2 if word in _FIND_WITH_VALUE else 1
    out = []
    for root in roots or ["."]:
        base = _resolve(root, command.cwd)
        out.append(((base.rstrip("/") or "") + "/" + name, name == "*", command))
    return out


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
