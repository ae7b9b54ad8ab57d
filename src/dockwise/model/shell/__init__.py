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
    script.invocations("apk")         # Invocation: subcommand(_word), options, flags, option_values, operands
    command.invocation(takes_value)   # the one option parser, cached; split_invocation() underneath
    removed_words(command)            # what rm/find -delete deletes (find P -name x: P/x, not P)
    script.removes_after(index, "/var/lib/apt/lists")  # a later command deletes (or empties) it
    path_covers(removed, path)        # removing `removed` (a glob too) deletes or empties `path`
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

The package: :mod:`.programs` (shells, options that take a value, wrappers), :mod:`.command`
(Word, Redirect, Command, Invocation, Write), :mod:`.walk` (tree-sitter -> commands),
:mod:`.script` (ShellScript and its queries), :mod:`.paths` (what commands remove and create),
:mod:`.run` (entry points).
"""

from __future__ import annotations

from dockwise.model.shell.command import (  # noqa: F401
    Command, Invocation, Redirect, SpanOf, Word, Write, _sub_word, split_invocation, word_value,
)
from dockwise.model.shell.paths import REMOVERS, is_under, path_covers, removed_words  # noqa: F401
from dockwise.model.shell.programs import (  # noqa: F401
    BRACE_SHELLS, DEFAULT_SHELL, DOWNLOADERS, NON_POSIX_SHELLS, OPTIONS_WITH_VALUE, PIPE_SHELLS, POSIX_SHELLS, SCRIPT_INTERPRETERS,
)
from dockwise.model.shell.run import (  # noqa: F401
    WINDOWS_SHELL, effective_shell, looks_windows, parse_run, parse_shell, pragma_shell, shell_language,
)
from dockwise.model.shell.script import ShellScript  # noqa: F401
from dockwise.model.shell.walk import _parser  # noqa: F401
