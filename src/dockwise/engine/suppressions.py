"""Suppression comments: the ones teams already have, and dockwise's own.

* ``# hadolint ignore=DL3008,DL3009`` / ``# dockwise: ignore=DW101`` on the comment line(s)
  directly above an instruction silence those codes for that instruction (all its lines);
* ``# hadolint global ignore=...`` / ``# dockwise: global ignore=...`` anywhere silence them
  for the whole file, ``# hadolint stage ignore=...`` for the stage that follows;
* as in hadolint, a pragma naming something that is neither a known rule nor shaped like a
  code (``ignore=crazy,DL3002``) is invalid as a whole and silences nothing;
* BuildKit's ``# check=skip=JSONArgsRecommended,StageNameCasing`` (or ``skip=all``) directive
  silences those BuildKit checks, and ``error=true`` makes BuildKit-check findings errors; the
  same ``# check=skip=...`` comment directly above an instruction silences those codes there.

Codes resolve through :class:`~dockwise.engine.selection.RuleIndex`, so a BuildKit name or any
other alias works wherever a code does.
"""

from __future__ import annotations

import re

from dockwise._lazyre import lazy_compile
from dockwise._record import DataRecord
from dockwise.engine.selection import RuleIndex
from dockwise.findings import Finding
from dockwise.syntax.tree import Dockerfile

_CODES = r"(?P<codes>[\w:.\-]+(?:\s*,\s*[\w:.\-]+)*)"
_PRAGMA = lazy_compile(
    r"^#\s*(?:(?:hadolint|dockwise\s*:)\s*(?:(?P<scope>global|stage)\s+)?ignore|check\s*=\s*skip)\s*=\s*"
    + _CODES, re.IGNORECASE)
_CODE_SHAPED = lazy_compile(r"^[a-z]{2,}\d+$", re.IGNORECASE)


def buildkit_codes(index: RuleIndex) -> set[str]:
    """Codes of the rules that stand for a BuildKit check (they carry a ``buildkit:`` alias)."""
    return {code for code, info in index.infos.items()
            if any(a.lower().startswith("buildkit:") for a in info.aliases)}


class Suppressions(DataRecord):
    __slots__ = ("path", "global_codes", "line_ranges", "buildkit_errors")

    path: str
    global_codes: set[str]
    # (first line, last line, codes) of every instruction that has an ignore comment above it
    line_ranges: list[tuple[int, int, set[str]]]
    buildkit_errors: set[str]  # codes whose findings become errors

    def __init__(self, path: str, global_codes: set[str] | None = None,
                 line_ranges: list[tuple[int, int, set[str]]] | None = None,
                 buildkit_errors: set[str] | None = None) -> None:
        self.path = path
        self.global_codes = set() if global_codes is None else global_codes
        self.line_ranges = [] if line_ranges is None else line_ranges
        self.buildkit_errors = set() if buildkit_errors is None else buildkit_errors

    def suppresses(self, finding: Finding) -> bool:
        # A ShellCheck finding also answers to its own SC code (`# hadolint ignore=SC2086`).
        names = {finding.code, finding.extra.get("shellcheck") or finding.code}
        if names & self.global_codes:
            return True
        loc = finding.location
        if loc.file != self.path or loc.line is None:
            return False
        return any(first <= loc.line <= last and names & codes
                   for first, last, codes in self.line_ranges)


def _codes(text: str, index: RuleIndex) -> set[str] | None:
    """The codes a pragma names, or None if one of its names is not a rule at all."""
    codes: set[str] = set()
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        found = index.resolve(token)
        if found is None:
            if not _CODE_SHAPED.match(token):
                return None
            found = {token.upper()}  # a code of a rule we lack (or another tool's)
        codes |= found
    return codes


def _check_directive(dockerfile: Dockerfile, index: RuleIndex, found: Suppressions) -> None:
    directive = dockerfile.directive("check")
    if directive is None:
        return
    buildkit = buildkit_codes(index)
    for part in directive.value.split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if key == "skip":
            names = [v.strip() for v in value.split(",") if v.strip()]
            if any(n.lower() == "all" for n in names):
                found.global_codes |= buildkit
            else:
                for name in names:
                    found.global_codes |= index.resolve_loose(name)
        elif key == "error" and value.lower() == "true":
            found.buildkit_errors |= buildkit


def find_suppressions(dockerfile: Dockerfile, path: str, index: RuleIndex, *,
                      pragmas: bool = True) -> Suppressions:
    """Everything ``dockerfile`` silences. ``pragmas=False`` (hadolint's
    ``disable-ignore-pragma``) keeps only BuildKit's ``check`` directive."""
    found = Suppressions(path)
    _check_directive(dockerfile, index, found)
    if not pragmas:
        return found
    local: dict[int, set[str]] = {}  # comment line -> codes it ignores for the next instruction
    comment_lines: set[int] = set()
    for comment in dockerfile.comments:
        line = comment.span.start.line
        comment_lines.add(line)
        lowered = comment.text.lower()
        has_tool_name = "hadolint" in lowered or "dockwise" in lowered or "check" in lowered  # skips the regex mostly
        match = _PRAGMA.match(comment.text.strip()) if has_tool_name else None
        codes = _codes(match.group("codes"), index) if match else None
        if not codes:
            continue
        scope = (match.group("scope") or "").lower()
        if scope == "global":
            found.global_codes |= codes
        elif scope == "stage":
            stage = _stage_after(dockerfile, line)
            if stage:
                found.line_ranges.append((*stage, codes))
        else:
            local[line] = codes
    if local:
        for instruction in dockerfile.instructions:
            codes = _codes_above(instruction.line, comment_lines, local)
            if codes:
                found.line_ranges.append((instruction.line, instruction.end_line, codes))
    return found


def _stage_after(dockerfile: Dockerfile, line: int) -> tuple[int, int] | None:
    """First and last line of the stage holding the first instruction after ``line``."""
    instructions = dockerfile.instructions
    following = [i for i, instr in enumerate(instructions) if instr.line > line]
    if not following:
        return None
    start = following[0]
    while start > 0 and instructions[start].keyword != "FROM":
        start -= 1
    end = following[0] + 1
    while end < len(instructions) and instructions[end].keyword != "FROM":
        end += 1
    return instructions[start].line, instructions[end - 1].end_line


def _codes_above(line: int, comment_lines: set[int], local: dict[int, set[str]]) -> set[str]:
    """Codes named by ignore comments in the unbroken run of comment lines just above ``line``."""
    codes: set[str] = set()
    above = line - 1
    while above in comment_lines:
        codes |= local.get(above, set())
        above -= 1
    return codes
