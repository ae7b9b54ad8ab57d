"""Entry points: the shell a RUN gets, and the shell model of a script or of a RUN instruction
(shell form, heredocs, exec form)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dockwise._lazyre import lazy_compile
from dockwise.model.shell.command import _UNSET, Command, Redirect, SpanOf, Word
from dockwise.model.shell.paths import _normalize
from dockwise.model.shell.programs import DEFAULT_SHELL, NON_POSIX_SHELLS, PIPE_SHELLS, POSIX_SHELLS
from dockwise.model.shell.script import ShellScript
from dockwise.model.shell.walk import _Builder, _parser, _program_name, _unwrap

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.syntax.tree import Instruction

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


