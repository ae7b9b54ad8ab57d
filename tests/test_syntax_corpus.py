"""Every real-world Dockerfile of ../shared/corpus/real: differential test against BuildKit's
own parser (the ``dockerfile`` package, test-only), byte-exact round trip, consistent spans."""

from __future__ import annotations

from functools import lru_cache

import pytest

from dockwise.errors import DockerfileSyntaxError
from dockwise.syntax.parser import go_upper, parse
from tests.conftest import corpus_dir

pytestmark = pytest.mark.corpus

# file (relative to corpus/real) -> why dockwise and the oracle legitimately differ.
# The oracle vendors an older BuildKit than the one dockwise follows (the corpus commit
# 73ed6825); the version differences are pinned in test_oracle_version_differences below.
KNOWN_DIFFERENCES: dict[str, str] = {}

SKIP_NAMES = {"SOURCES.md", "SOURCE.md", ".dockerignore"}


@lru_cache(maxsize=1)
def _corpus() -> list[tuple[str, str]]:
    root = corpus_dir("real")
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name not in SKIP_NAMES and not path.name.endswith(".dockerignore"):
            data = path.read_bytes()
            try:
                files.append((str(path.relative_to(root)), data.decode("utf-8")))
            except UnicodeDecodeError:
                continue  # read_text refuses these; not Dockerfiles dockwise parses
    return files


@lru_cache(maxsize=1)
def _parsed() -> list[tuple[str, str, object]]:
    out = []
    for name, text in _corpus():
        try:
            out.append((name, text, parse(text, path=name)))
        except DockerfileSyntaxError as exc:
            out.append((name, text, exc))
    return out


def _ours(tree) -> list[tuple]:
    rows = []
    for ins in tree.instructions:
        node = ins.onbuild or ins
        args = list(node.args)
        if node.onbuild is not None:  # ONBUILD ONBUILD ...: the oracle shows the inner node's value
            args = [""]
        if node.keyword in ("ENV", "LABEL"):  # the oracle drops BuildKit's separator node
            args = [a for k, a in enumerate(args) if k % 3 != 2]
        flags = tuple("--" + f.name + ("" if f.value is None else "=" + f.value) for f in ins.flags)
        heredocs = tuple((h.name, h.file_descriptor, h.chomp, h.content) for h in ins.heredocs)
        if ins.onbuild is not None:  # the oracle reads heredocs from the nested node, which has none
            heredocs = ()
        rows.append((ins.keyword, node.keyword if ins.onbuild else None, flags, tuple(args),
                     node.json_form, ins.line, ins.end_line, heredocs))
    return rows


def _theirs(commands, ours) -> list[tuple]:
    rows = []
    chomps = [tuple(h[2] for h in row[7]) for row in ours] + [()] * len(commands)
    for command, chomp in zip(commands, chomps):
        heredocs = []
        for k, h in enumerate(command.heredocs):
            stripped = k < len(chomp) and chomp[k]
            content = "\n".join(line.lstrip("\t") for line in h.content.split("\n")) if stripped else h.content
            heredocs.append((h.name, h.file_descriptor, stripped, content))
        rows.append((go_upper(command.cmd or ""), go_upper(command.sub_cmd) if command.sub_cmd else None,
                     tuple(command.flags), tuple(command.value), command.json,
                     command.start_line, command.end_line, tuple(heredocs)))
    return rows


def _align_start_lines(theirs: list[tuple], ours: list[tuple], text: str) -> list[tuple]:
    """BuildKit starts an instruction at a line holding only the escape character (the
    keyword comes on a later line); dockwise starts its span at the keyword."""
    lines = text.split("\n")
    aligned = []
    for mine, row in zip(ours + [None] * len(theirs), theirs):
        if mine is not None and row[5] < mine[5]:
            between = lines[row[5] - 1:mine[5] - 1]
            if all(line.strip(" \t\r\\`\ufeff") == "" or line.lstrip().startswith("#") for line in between):
                row = row[:5] + (mine[5],) + row[6:]
        aligned.append(row)
    return aligned


def test_corpus_is_there() -> None:
    assert len(_corpus()) > 9000


def test_same_acceptance_and_same_parse_as_buildkit() -> None:
    import dockerfile  # BuildKit's own parser, a test dependency

    differences = {}
    for name, text, tree in _parsed():
        try:
            commands = dockerfile.parse_string(text)
        except dockerfile.GoParseError as exc:
            if not isinstance(tree, DockerfileSyntaxError):
                differences[name] = f"oracle rejects ({exc}), dockwise accepts"
            continue
        if isinstance(tree, DockerfileSyntaxError):
            differences[name] = f"dockwise rejects ({tree}), oracle accepts"
            continue
        ours = _ours(tree)
        theirs = _align_start_lines(_theirs(commands, _ours(tree)), ours, text)
        if ours != theirs:
            first = next((a, b) for a, b in zip(ours + [None] * len(theirs), theirs + [None] * len(ours)) if a != b)
            differences[name] = f"first difference: dockwise {first[0]!r} vs oracle {first[1]!r}"
    unexplained = {k: v for k, v in differences.items() if k not in KNOWN_DIFFERENCES}
    assert unexplained == {}
    stale = set(KNOWN_DIFFERENCES) - set(differences)
    assert not stale, f"listed differences that no longer occur: {sorted(stale)}"


def test_round_trip_and_spans_on_every_file() -> None:
    problems = []
    for name, text, tree in _parsed():
        if isinstance(tree, DockerfileSyntaxError):
            continue
        problems += [f"{name}: {p}" for p in span_problems(text, tree)]
        if len(problems) > 20:
            break
    assert problems == []


def span_problems(text: str, tree) -> list[str]:
    """Everything that breaks the lossless/span contract (empty when all is well)."""
    problems = []
    if "".join(t.text for t in tree.tokens) != text or tree.text() != text:
        problems.append("tokens do not reproduce the source")
    # where the next token must begin; columns on line 1 count from after a byte-order mark
    offset, line, line_start = 0, 1, 1 if text.startswith("\ufeff") else 0
    for token in tree.tokens:
        start, end = token.span.start, token.span.end
        if (start.offset, start.line, start.column) != (offset, line, max(offset - line_start + 1, 1)) \
                or text[start.offset:end.offset] != token.text:
            problems.append(f"token {token!r} is out of place")
            break
        offset = end.offset
        newlines = token.text.count("\n")
        if newlines:
            line += newlines
            line_start = start.offset + token.text.rindex("\n") + 1
        if (end.line, end.column) != (line, max(offset - line_start + 1, 1)):
            problems.append(f"end {end} of {token!r} is wrong")
            break
    for ins in tree.instructions:
        problems += _instruction_problems(text, ins)
    for comment in tree.comments:
        if text[comment.span.start.offset:comment.span.end.offset] != comment.text:
            problems.append(f"comment span {comment}")
    return problems


def _instruction_problems(text: str, ins) -> list[str]:
    problems = []
    if text[ins.span.start.offset:ins.span.end.offset] != ins.source:
        problems.append(f"line {ins.line}: source does not match span")
    keyword = text[ins.keyword_span.start.offset:ins.keyword_span.end.offset]
    if ins.keyword and (go_upper(keyword[0]), go_upper(keyword[-1])) != (ins.keyword[0], ins.keyword[-1]):
        problems.append(f"line {ins.line}: keyword span holds {keyword!r}")  # (may span a continuation)
    for flag in ins.flags:
        if text[flag.span.start.offset:flag.span.end.offset] != flag.raw or not flag.raw.startswith("-"):
            problems.append(f"line {ins.line}: flag span {flag}")
    if ins.body:
        # every body character sits at its mapped source offset (continuations skipped)
        for i, ch in enumerate(ins.body):
            if text[ins.source_offset(i)] != ch:
                problems.append(f"line {ins.line}: body[{i}]={ch!r} maps to {text[ins.source_offset(i)]!r}")
                break
    for h in ins.heredocs:
        body = text[h.span.start.offset:h.span.end.offset]
        if h.content_start.offset != h.span.start.offset or not body.rstrip().endswith(h.name):
            problems.append(f"line {ins.line}: heredoc span {h.name}")
    if ins.onbuild is not None:
        problems += _instruction_problems(text, ins.onbuild)
    return problems


def test_oracle_version_differences() -> None:
    """Where the oracle's older BuildKit differs from BuildKit at the corpus commit, dockwise
    follows the newer one (the fixtures in buildkit-heredoc/-directives prove it)."""
    import dockerfile  # BuildKit's own parser, a test dependency

    # 1. `# check=` became a directive, so an `# escape=` after it is still honoured.
    text = "# check=skip=all\n# escape=`\nFROM a\nRUN a `\n b\n"
    assert parse(text).instructions[1].args == ["a  b"]
    assert len(dockerfile.parse_string(text)) == 3  # the oracle ends the directives at `check`
    # 2. Whitespace is allowed between `<<` and the heredoc word.
    text = "FROM a\nRUN <<  EOF  > foo\nhello\nEOF\n"
    assert [h.name for h in parse(text).instructions[1].heredocs] == ["EOF"]
    assert dockerfile.parse_string(text)[1].heredocs == ()


def test_span_checker_catches_broken_trees() -> None:
    """The checker used above (and by the property tests) does fail on a wrong tree."""
    from dockwise._record import replace

    text = "FROM a\nRUN echo \\\n  hi\n"
    assert span_problems(text, parse(text)) == []
    tree = parse(text)
    tree.instructions[1].source = "RUN echo"
    assert any("source does not match" in p for p in span_problems(text, tree))
    tree = parse(text)
    tokens = tree.tokens
    tokens[3] = replace(tokens[3], span=replace(tokens[3].span, end=replace(tokens[3].span.end, column=99)))
    assert span_problems(text, tree)
    tree = parse(text)
    tree.instructions[1].body_map = [(0, 0)]
    assert any("maps to" in p for p in span_problems(text, tree))
