"""Stand-in tree builder from BuildKit's parser binding (test oracle) -- used by test_model.py
only while dockwise's own parser is not available; it checks it agrees on the model's inputs."""

from __future__ import annotations

from dockwise.syntax.tree import Dockerfile, Flag, Instruction, Position, Span


def oracle_parse(text: str, path: str | None = None) -> Dockerfile:
    import dockerfile

    escape = "\\"
    for line in text.splitlines():
        compact = line.strip().lower().replace(" ", "")
        if compact.startswith("#escape="):
            escape = compact[len("#escape="):][:1]
        elif not compact.startswith("#"):
            break
    instructions = []
    for command in dockerfile.parse_string(text):
        span = Span(Position(command.start_line, 1, 0), Position(command.end_line, 1, 0))
        flags = []
        for raw in command.flags:
            name, eq, value = raw[2:].partition("=")
            flags.append(Flag(name, value if eq else None, raw, span))
        instructions.append(Instruction(command.cmd.upper(), span, flags, list(command.value), command.json,
                                        span, command.original, " ".join(command.value)))
    return Dockerfile(text, path, escape, [], instructions, [], [])


def test_oracle_tree_matches_buildkit_values():
    tree = oracle_parse("FROM a AS b\nENV x=1 y=2\n")
    assert [i.args for i in tree.instructions] == [["a", "AS", "b"], ["x", "1", "y", "2"]]
