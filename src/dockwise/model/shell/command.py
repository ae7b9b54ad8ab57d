"""The data model of a parsed script: words, redirects, simple commands, invocations, writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from dockwise._record import Record
from dockwise.model.shell.programs import OPTIONS_WITH_VALUE, _consumes_next

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Span


SpanOf = Callable[[int, int], "Span"]

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
                 "redirects", "pipeline", "pipeline_index", "cwd", "_span_of", "_invocations")
    _transient = ("_invocations",)

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
        self._invocations: dict[frozenset[str] | None, Invocation] | None = None

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
        call = self.invocation()
        for word, v in zip(call.flag_words, call.flags):
            if v.startswith("--"):
                if v.split("=", 1)[0] in wanted:
                    return word
                continue
            if v in wanted:
                return word
            for c in v[1:]:  # combined short flags: -qy, -xzf
                if c in short:
                    return word
                if "-" + c in takes:
                    break
        return None

    def option_value(self, *names: str) -> Word | None:
        """The value given to an option: ``-O file``, ``-Ofile``, ``--output=file``, ``--output file``."""
        args = self.args
        short = {n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"}
        takes = self.value_options()
        call = self.invocation()
        for word, v in zip(call.flag_words, call.flags):
            at = next(i for i, w in enumerate(args) if w is word)
            following = args[at + 1] if at + 1 < len(args) else None
            if v.startswith("--"):
                key, eq, _ = v.partition("=")
                if key in names:
                    return _sub_word(word, len(key) + 1) if eq else following
                continue
            if v in names:
                return following
            for j, c in enumerate(v[1:], 1):
                if c in short:
                    return following if j == len(v) - 1 else _sub_word(word, j + 1)
                if "-" + c in takes:
                    break
        return None

    def invocation(self, takes_value: Iterable[str] | None = None) -> "Invocation":
        """This command's arguments split once (cached per ``takes_value``; default: the
        options :data:`OPTIONS_WITH_VALUE` lists for the program). See :func:`split_invocation`."""
        key = None if takes_value is None else frozenset(takes_value)
        cache = self._invocations
        if cache is None:
            cache = self._invocations = {}
        found = cache.get(key)
        if found is None:
            found = cache[key] = split_invocation(self, key)
        return found

    def _split(self, value_options: Iterable[str] | None) -> tuple[list[Word], list[Word]]:
        """(options with the values they consume, positional arguments -- those after ``--`` too)."""
        call = self.invocation(value_options)
        positional = [call.subcommand_word] if call.subcommand_word is not None else []
        return call.options, positional + call.operands + call.rest

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


def _sub_word(word: Word, skip: int) -> Word:
    """The tail of an option word (the ``file`` of ``--output=file``); exact when unquoted."""
    if word.value is None:  # --output="$DIR/x": the value expands
        return Word(word.text[skip:], None, word.start + skip, word.end, word._span_of, word.kind)
    value = word.value[skip:]
    if word.text == word.value:
        return Word(value, value, word.start + skip, word.end, word._span_of, word.kind)
    return Word(value, value, word.start, word.end, word._span_of, word.kind)


class Invocation(Record):
    """One call of a program, split once the way the program reads its arguments.

    ``options`` are the option words with the values they consume; ``flags`` the option texts
    as written (quotes dropped, a value attached with ``=`` kept: ``--virtual``, ``-qy``,
    ``--index-url=x``); ``option_values`` maps an option to the values given to it (``-o X``,
    ``--opt=X``); ``subcommand`` is the first non-option word's literal value (``install``),
    ``subcommand_word`` that word; ``operands`` the non-option words after it; ``rest`` the
    words after ``--``, which belong to another program (``gem install x -- --with-opt``)."""

    __slots__ = ("command", "subcommand", "options", "operands", "subcommand_word", "flags",
                 "option_values", "rest", "flag_words")

    command: Command
    subcommand: str | None
    options: list[Word]
    operands: list[Word]
    subcommand_word: Word | None
    flags: list[str]
    option_values: dict[str, list[str]]
    rest: list[Word]
    flag_words: list[Word]  # the words of ``flags``

    def __init__(self, command: Command, subcommand: str | None, options: list[Word],
                 operands: list[Word], subcommand_word: Word | None = None,
                 flags: list[str] | None = None, option_values: dict[str, list[str]] | None = None,
                 rest: list[Word] | None = None, flag_words: list[Word] | None = None) -> None:
        self.command = command
        self.subcommand = subcommand
        self.options = options
        self.operands = operands
        self.subcommand_word = subcommand_word
        self.flags = [] if flags is None else flags
        self.option_values = {} if option_values is None else option_values
        self.rest = [] if rest is None else rest
        self.flag_words = [] if flag_words is None else flag_words

    @property
    def sub(self) -> str | None:
        """The subcommand as the rules compare it: its literal value, or its text without
        quotes when it expands (None when there is none)."""
        word = self.subcommand_word
        return word_value(word) if word is not None else None

    def has(self, *names: str) -> bool:
        """True if any option of ``names`` was given (``--x``/``--x=v``, ``-x`` or combined ``-qy``)."""
        for opt in self.flags:
            if opt.startswith("--"):
                if opt.split("=", 1)[0] in names:
                    return True
            elif opt.startswith("-"):
                letters = opt[1:].split("=", 1)[0]
                if any(f"-{c}" in names for c in letters):
                    return True
        return False

    def values(self, *names: str) -> list[str]:
        """The values given to the options ``names``, in order of ``names``."""
        out: list[str] = []
        for name in names:
            out.extend(self.option_values.get(name, ()))
        return out


def word_value(word: Any) -> str:
    """The literal value of a shell word, or its text with quotes dropped when it expands."""
    value = getattr(word, "value", None)
    if value is not None:
        return value
    return word.text.replace('"', "").replace("'", "")


def split_invocation(command: Command, takes_value: Iterable[str] | None = None, *,
                     subcommands: int = 1, words: list[Word] | None = None) -> Invocation:
    """Split ``command.args`` (or ``words``) into options, ``subcommands`` leading non-option
    words, and operands; the one option parser of the shell model.

    ``takes_value`` lists the options whose value is the next word (``-o Opt=1``,
    ``--virtual x``); by default the program's own list (:data:`OPTIONS_WITH_VALUE`). A word
    is an option when its value (quotes dropped) starts with ``-``: ``"--python=$PY"`` is one.
    Words after ``--`` are not options (see :attr:`Invocation.rest`)."""
    takes = command.value_options() if takes_value is None else frozenset(takes_value)
    words = list(command.args if words is None else words)
    options: list[Word] = []
    flags: list[str] = []
    flag_words: list[Word] = []
    values: dict[str, list[str]] = {}
    positional: list[Word] = []
    rest: list[Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        text = word_value(word)
        if text == "--":
            rest = words[i + 1:]
            break
        if text.startswith("-") and len(text) > 1:
            options.append(word)
            flags.append(text)
            flag_words.append(word)
            name, eq, attached = text.partition("=")
            if eq:
                values.setdefault(name, []).append(attached)
            elif _consumes_next(text, takes) and i + 1 < len(words):
                key = name if name in takes else f"-{name[-1]}"
                values.setdefault(key, []).append(word_value(words[i + 1]))
                options.append(words[i + 1])
                i += 1
        else:
            positional.append(word)
        i += 1
    subs = positional[:subcommands]
    first = subs[-1] if subcommands == 1 and subs else (subs[0] if subs else None)
    operands = positional[1:] if subcommands == 1 else subs[1:] + positional[subcommands:]
    sub = first.value if first is not None else None
    return Invocation(command, sub, options, operands, first, flags, values, rest, flag_words)


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


