"""Family 0: Dockerfiles BuildKit's parser accepts but its instruction step rejects."""

from __future__ import annotations

import re

import pytest

from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile
from tests.conftest import corpus_dir
from tests.support.rules import check_text, rule_of, where, where_spanning


CODES = ("DW001", "DW002", "DW003", "DW004", "DW005", "DW006", "DW007")


def test_unknown_instruction_points_at_the_keyword():
    text = "FROM alpine:3.20\nRUN apk add curl &&\n    apk add git\nCOPPY . /app\nCMD[\"/x\"]\n"
    found = check_text(text, "DW001")
    assert where_spanning(found) == [(3, 5, 3, 8), (4, 1, 4, 6), (5, 1, 5, 10)]
    assert "`COPPY`" in found[1].message and found[1].severity.name == "ERROR"


def test_known_instructions_in_any_case_are_fine():
    text = ("from alpine:3.20 as base\nrun true\ncopy a b\nadd a b\narg X\nenv A=1\nlabel a=b\n"
            "expose 80\nuser 1\nworkdir /a\nvolume /v\nstopsignal SIGTERM\nshell [\"sh\", \"-c\"]\n"
            "healthcheck NONE\nonbuild RUN true\nmaintainer me\nentrypoint [\"x\"]\ncmd [\"y\"]\n")
    assert check_text(text, "DW001") == []


def test_from_as_without_a_name_points_just_after_as():
    found = check_text("FROM alpine:3.20 AS\n", "DW002")
    assert where_spanning(found) == [(1, 20, 1, 20)]
    assert "without a stage name" in found[0].message


def test_from_with_extra_words_points_at_them():
    text = "FROM a AS b c\nFROM golang:1.23 # build\nFROM a\nFROM a AS b\nFROM --platform=$P a as b\n"
    assert where_spanning(check_text(text, "DW002")) == [(1, 13, 1, 14), (2, 18, 2, 25)]


def test_invalid_stage_names_follow_buildkits_pattern():
    text = ("FROM a AS 1st\nFROM a AS build:dev\nFROM a AS my/stage\nFROM a AS Build.Stage_2-x\n"
            "FROM a AS b\n")
    found = check_text(text, "DW003")
    assert where_spanning(found) == [(1, 11, 1, 14), (2, 11, 2, 20), (3, 11, 3, 19)]
    assert "`1st`" in found[0].message


def test_unknown_flag_missing_value_and_bad_boolean():
    text = ("FROM alpine:3.20\nCOPY --link --frm=a x y\nCOPY --from x y\nADD --link=maybe a b\n"
            "WORKDIR --x=1 /a\nHEALTHCHECK --intervl=3s CMD true\n")
    found = check_text(text, "DW004")
    assert where_spanning(found) == [(2, 13, 2, 20), (3, 6, 3, 12), (4, 5, 4, 17), (5, 9, 5, 14), (6, 13, 6, 25)]
    assert "Unknown flag: frm" in found[0].message and "--from" in found[0].message
    assert "Missing a value" in found[1].message
    assert "takes no flags" in found[3].message


def test_flags_buildkit_knows_or_never_parses_are_fine():
    text = ("FROM --platform=linux/amd64 alpine:3.20 AS b\n"
            "RUN --mount=type=cache,target=/root/.cache --network=none --security=insecure true\n"
            "COPY --from=b --chown=1:1 --chmod=755 --link --parents --exclude=*.md a b\n"
            "ADD --checksum=sha256:00 --keep-git-dir=true --link=false --unpack a b\n"
            "HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --start-interval=1s --retries=3 CMD true\n"
            "ARG --whatever=1 A\nSTOPSIGNAL --x SIGTERM\nONBUILD COPY --nope a b\n"
            "RUN --mount=type=bind,target=/x -- --not-a-flag\n")
    assert check_text(text, "DW004") == []


def test_expose_protocols():
    text = "FROM a\nEXPOSE 80/xyz 81/ 82/TCP 83/udp 84/sctp ${P}/foo \"85/tcp\" \"86/http\"\n"
    found = check_text(text, "DW005")
    assert where_spanning(found) == [(2, 11, 2, 14), (2, 59, 2, 68)]
    assert "`xyz`" in found[0].message and "`http`" in found[1].message


@pytest.mark.parametrize("line, problem", [
    ("USER", "exactly one argument"), ("WORKDIR", "exactly one argument"),
    ("STOPSIGNAL", "exactly one argument"), ("MAINTAINER", "exactly one argument"),
    ("ENV", "at least one argument"), ("LABEL", "at least one argument"),
    ("HEALTHCHECK", "at least one argument"), ("EXPOSE", "at least one argument"),
    ("VOLUME", "at least one argument"), ("ARG", "at least one argument"),
    ("ONBUILD", "at least one argument"), ("SHELL []", "at least one argument"),
    ("COPY app.py", "has one argument"), ("ADD", "has none"),
])
def test_an_instruction_without_its_arguments_fails_the_build(line, problem):
    found = check_text(f"FROM alpine:3.20.3\n{line}\n", "DW007")
    assert where_spanning(found) == [(2, 1, 2, 1 + len(line.split()[0]))]
    assert problem in found[0].message


@pytest.mark.parametrize("line", [
    "USER 1", "HEALTHCHECK NONE", "ONBUILD RUN make", "COPY a b", "ADD a b", "ENV A=1",
    "COPY <<EOF /app/conf\nx=1\nEOF", "SHELL [\"/bin/bash\", \"-c\"]", "CMD", "RUN true",
])
def test_instructions_with_their_arguments_are_fine(line):
    assert check_text(f"FROM alpine:3.20.3\n{line}\n", "DW007") == []


def test_a_file_of_global_args_only_has_no_stage_to_build():
    found = check_text("# base\nARG A=1\nARG B\n", "DW006")
    assert where_spanning(found) == [(3, 1, 3, 4)] and "no stages to build" in found[0].message
    assert check_text("ARG A\nFROM alpine:${A}\n", "DW006") == []
    assert check_text("ARG A\nRUN true\n", "DW006") == []  # DL3061 names the RUN instead


@pytest.mark.parametrize("code", CODES)
def test_examples_and_metadata(code):
    info = rule_of(code).info
    assert info.severity.name == "ERROR" and info.summary and info.rationale
    assert check_text(info.bad_example, code), f"{code} silent on its bad example"
    assert check_text(info.good_example, code) == [], f"{code} fires on its good example"


# ------------------------------------------------------------ against BuildKit's own parser

KNOWN = {"add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label",
         "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir"}


def _oracle_lines(commands) -> dict[str, set[int]]:
    """Lines BuildKit's instruction step rejects, judged from the BuildKit parser's own output."""
    bad: dict[str, set[int]] = {"DW001": set(), "DW002": set(), "DW003": set()}
    for c in commands:
        if c.cmd.lower() not in KNOWN:
            bad["DW001"].add(c.start_line)
        elif c.cmd.lower() == "from":
            v = c.value
            if len(v) == 3 and v[1].lower() == "as":
                if not re.fullmatch(r"[a-z][a-z0-9\-_.]*", v[2].lower()):
                    bad["DW003"].add(c.start_line)
            elif len(v) != 1:
                bad["DW002"].add(c.start_line)
    return bad


@pytest.mark.corpus
def test_agrees_with_buildkits_parser_on_the_real_corpus():
    import dockerfile  # BuildKit's own parser, a test dependency

    root = corpus_dir("real")
    checked = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "ockerfile" not in path.name:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            commands = dockerfile.parse_string(text)
        except (UnicodeDecodeError, dockerfile.GoParseError):
            continue
        tree = parse_dockerfile(text, str(path))
        target = CheckTarget(str(path), tree, None)  # these rules never look at the model
        for code, lines in _oracle_lines(commands).items():
            ours = {f.location.line for f in rule_of(code)().check(target)}
            assert ours == lines, (code, str(path))
        checked += 1
    assert checked > 1000


# -- instructions named as written -------------------------------------------------------------

def test_unknown_instruction_is_named_as_written():
    found = check_text("FROM a:1\n*.m4\n", "DW001")
    assert "`*.m4`" in found[0].message


def test_unknown_instruction_glued_to_its_json_says_a_space_is_missing():
    found = check_text('FROM a:1\nENTRYPOINT["/server"]\n', "DW001")
    assert '`ENTRYPOINT["/server"]`' in found[0].message
    assert "space after `ENTRYPOINT`" in found[0].message


def test_from_without_an_image_is_the_build_error_it_is():
    found = check_text("FROM\nRUN x\n", "DW002")
    assert where(found) == [(1, 1, 5)]
    assert "FROM without an image" in found[0].message
