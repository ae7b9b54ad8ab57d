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


