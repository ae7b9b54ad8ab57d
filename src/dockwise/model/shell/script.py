"""A parsed RUN script and the questions rules ask of it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from dockwise.model.shell.command import Command, Invocation, SpanOf, Word, Write, word_value
from dockwise.model.shell.paths import (
    _command_writes, _covers, _expand_braces, _find_removals, _normalize, _resolve, path_covers, removed_words,
)
from dockwise.model.shell.programs import BRACE_SHELLS, DEFAULT_SHELL, DOWNLOADERS, PIPE_SHELLS

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Span

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

    def index_of(self, command: Command) -> int:
        """The position of ``command`` in :attr:`commands` (-1 when it is not one of them)."""
        for i, other in enumerate(self.commands):
            if other is command:
                return i
        return -1

    def text_of(self, item: "Command | Word") -> str:
        """The script text of a command or word (after BuildKit's continuation joining)."""
        return self.text[item.start:item.end]

    def invocations(self, *names: str, value_options: Iterable[str] | None = None) -> list[Invocation]:
        """Each call of ``names``, split once (see :meth:`Command.invocation`)."""
        return [command.invocation(value_options) for command in self.find(*names)]

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

    def removes_after(self, index: int, *paths: str) -> bool:
        """True if a command after ``self.commands[index]`` deletes one of ``paths`` (or empties
        it), reading the removed words as written: ``rm -rf /var/lib/apt/lists/*`` removes
        ``/var/lib/apt/lists``; ``find P -name x -delete`` removes ``P/x``, not P."""
        for command in self.commands[index + 1:]:
            for word in removed_words(command):
                gone = word_value(word)
                if any(path_covers(gone, path) for path in paths):
                    return True
        return False

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
        """Commands among ``programs`` that run what curl/wget fetched as code (see
        :meth:`executed_downloads`)."""
        return list(dict.fromkeys(runner for _, runner in self.executed_downloads(*programs)))

    def executed_downloads(self, *programs: str) -> list[tuple[Command, Command]]:
        """(downloader, runner) pairs where a command among ``programs`` runs what curl/wget
        fetched as its script: piped into its standard input (``curl | sh``, ``| python3 -``),
        or given as the script through ``$(...)`` / ``<(...)`` (``sh -c "$(curl ...)"``,
        ``bash <(curl ...)``). A download the program reads as data is not run:
        ``curl ... | python3 -c 'import json...'``, ``sh script.sh "$(curl ...)"``."""
        wanted = set(programs)
        found: list[tuple[Command, Command]] = []
        first_downloader: dict[int, Command] = {}
        for command in self.commands:
            if command.pipeline is None:
                continue
            if command.name in DOWNLOADERS:
                first_downloader.setdefault(command.pipeline, command)
            elif (command.name in wanted and command.pipeline in first_downloader
                  and command.pipeline_index > first_downloader[command.pipeline].pipeline_index
                  and _script_slot(command)[0] == "stdin"):
                found.append((first_downloader[command.pipeline], command))
        for command in self.commands:
            if command.name not in wanted:
                continue
            kind, word = _script_slot(command)
            if word is None:
                continue
            for downloader in self.commands:
                if (downloader.name in DOWNLOADERS and downloader.in_substitution
                        and word.start <= downloader.start < word.end):
                    found.append((downloader, command))
                    break
        return found

    def writes(self) -> list[Write]:
        """Paths this script creates or downloads into: ``wget -O``, ``curl -o/-O``, ``> file``,
        ``tar -x -C``, ``unzip -d``, ``git clone URL DIR``, ``mkdir``, ``cp``/``mv`` targets, ``touch``."""
        out: list[Write] = []
        for command in self.commands:
            out.extend(_command_writes(command))
        return out


# Options whose value is the program text: stdin is then data, not code.
_CODE_OPTIONS = {"python": ("-c",), "python2": ("-c",), "python3": ("-c",), "perl": ("-e", "-E"),
                 "ruby": ("-e",), "node": ("-e", "--eval", "-p", "--print"),
                 "nodejs": ("-e", "--eval", "-p", "--print"), "php": ("-r",), "lua": ("-e",),
                 "Rscript": ("-e",)}
_MODULE_OPTIONS = ("-m",)  # `python3 -m pip`: the program is a module


def _script_slot(command: Command) -> tuple[str, "Word | None"]:
    """Where ``command`` (a shell or an interpreter) takes its program from: ("stdin", None),
    ("word", the -c value or the script file operand), or ("module", None)."""
    code_options = _CODE_OPTIONS.get(command.name or "", ("-c",))
    args = command.args
    i = 0
    while i < len(args):
        value = args[i].value
        if value in code_options:
            return ("word", args[i + 1]) if i + 1 < len(args) else ("stdin", None)
        if value in _MODULE_OPTIONS:
            return "module", None
        if value == "--":
            i += 1
            break
        if value is None or not value.startswith("-") or value == "-":
            break
        if value == "-s":  # `sh -s -- args`: the script is read from stdin
            return "stdin", None
        i += 1
    if i < len(args) and args[i].value != "-":
        return "word", args[i]
    return "stdin", None
