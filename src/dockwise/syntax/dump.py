"""BuildKit's parser-test dump format (``Node.Dump()`` of frontend/dockerfile/parser).

One line per instruction: ``(keyword ["--flag=v" ...] "arg" ...)``, the keyword lower-cased,
flags printed like Go's ``%q`` of a string slice, every argument Go-quoted, and an ONBUILD's
nested instruction printed in parentheses in place of its argument.
"""

from __future__ import annotations

from dockwise.syntax.parser import GO_SPACE, go_quote
from dockwise.syntax.tree import Dockerfile, Instruction


def dump_instruction(instruction: Instruction) -> str:
    """The dump of one instruction, without the surrounding parentheses."""
    parts = [instruction.keyword.lower()]
    if instruction.flags:
        words = []
        for flag in instruction.flags:
            word = "--" + flag.name if flag.value is None else f"--{flag.name}={flag.value}"
            words.append(go_quote(word))
        parts.append("[" + " ".join(words) + "]")
    if instruction.onbuild is not None:
        parts.append("(" + dump_instruction(instruction.onbuild) + ")")
    else:
        parts.extend(go_quote(arg) for arg in instruction.args)
    return " ".join(parts).strip(GO_SPACE)


def dump(dockerfile: Dockerfile) -> str:
    """The whole file's dump, ending in one newline (as BuildKit's ``result`` files)."""
    lines = ["(" + dump_instruction(i) + ")" for i in dockerfile.instructions]
    return "\n".join(lines).strip(GO_SPACE) + "\n"
