"""`dockwise check` defects found in the second adversarial QA pass: each test fails without
its fix."""

from __future__ import annotations

from dockwise.findings import Edit, Fix, RuleInfo, Severity
from dockwise.rules.base import DockerfileRule
from tests.support.rules import apply, check_text, where
from tests.test_cli_check import own_rules, project, run  # noqa: F401 - fixtures


# -- fixes keep the file's keyword case ---------------------------------------------------------

def test_add_to_copy_keeps_a_lowercase_keyword():
    text = "from debian:12\nadd app.py /app/\n"
    found = check_text(text, "DL3020")
    assert apply(text, found[0].fix).splitlines()[1] == "copy app.py /app/"


def test_maintainer_to_label_keeps_a_lowercase_keyword():
    text = "from debian:12\nmaintainer Jane <j@example.com>\n"
    found = check_text(text, "DL4000")
    assert apply(text, found[0].fix).splitlines()[1] == \
        'label org.opencontainers.image.authors="Jane <j@example.com>"'


# -- the MAINTAINER fix keeps the value exactly ------------------------------------------------

def _maintainer_fixed(text: str) -> str:
    found = check_text(text, "DL4000")
    return apply(text, found[0].fix)


def test_maintainer_fix_keeps_non_ascii_letters():
    fixed = _maintainer_fixed("FROM debian:12\nMAINTAINER Jürgen Groß <j@example.com>\n")
    assert 'authors="Jürgen Groß <j@example.com>"' in fixed  # not J\u00fcrgen


def test_maintainer_fix_escapes_dollar_so_label_does_not_expand_it():
    # MAINTAINER takes no variables; LABEL expands them: `$USER` must stay text
    fixed = _maintainer_fixed('FROM debian:12\nMAINTAINER Bob $USER "x"\n')
    assert fixed.splitlines()[1] == 'LABEL org.opencontainers.image.authors="Bob \\$USER \\"x\\""'


def test_maintainer_fix_quotes_with_the_backtick_escape():
    fixed = _maintainer_fixed('# escape=`\nFROM debian:12\nMAINTAINER Bob "the" builder\n')
    assert fixed.splitlines()[2] == 'LABEL org.opencontainers.image.authors="Bob `"the`" builder"'


# -- --fix converges in one run -----------------------------------------------------------------

class LowercaseKeyword(DockerfileRule):
    """Flags each lowercase keyword (message names it); the fix uppercases it."""

    info = RuleInfo(code="TQ101", name="qa-upper", severity=Severity.WARNING,
                    summary="Upper.", rationale="Test.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            span = instr.keyword_span
            written = target.dockerfile.source[span.start.offset:span.end.offset]
            if written.islower():
                yield target.finding(self.info, f"`{written}` is lowercase", span,
                                     fix=Fix("upper", (Edit(span.start.offset, span.end.offset,
                                                            written.upper()),)))


class MaintainerToLowercaseLabel(DockerfileRule):
    """Its fix writes a lowercase `label`: a new TQ101 finding elsewhere in the same round."""

    info = RuleInfo(code="TQ102", name="qa-label", severity=Severity.WARNING,
                    summary="Label.", rationale="Test.", fixable=True)

    def check(self, target):
        for instr in target.dockerfile.instructions:
            if instr.keyword == "MAINTAINER":
                start = instr.span.start.offset
                end = start + len(instr.source.rstrip("\n"))
                yield target.finding(self.info, "maintainer", instr.keyword_span,
                                     fix=Fix("label", (Edit(start, end, "label a=b"),)))


def test_a_fix_is_kept_when_another_fix_brings_a_new_finding_of_its_code(project, own_rules, capsys):
    own_rules(LowercaseKeyword, MaintainerToLowercaseLabel)
    path = project("Dockerfile", "FROM a:1\nrun echo\nMAINTAINER me\n")
    run(capsys, "--fix", "Dockerfile")
    assert path.read_text() == "FROM a:1\nRUN echo\nLABEL a=b\n"


# -- wrong findings -------------------------------------------------------------------------------

def test_copy_to_a_windows_drive_is_absolute():
    # docker-library's hello-world for nanoserver: `COPY hello.txt C:`
    text = "FROM mcr.microsoft.com/windows/nanoserver:1803\nCOPY hello.txt C:\n"
    assert check_text(text, "DL3045") == []


def test_expose_of_a_variable_with_a_default_is_not_a_host_mapping():
    text = "FROM a:1\nEXPOSE ${PORT:-4061} ${HTTP_PORT:-7896}/tcp $P\n"
    assert check_text(text, "DW907") == []


def test_expose_of_a_variable_host_mapping_is_still_found():
    text = "FROM a:1\nEXPOSE ${IP}:8080:80\n"
    assert where(check_text(text, "DW907")) == [(2, 8, 21)]


def test_removing_a_home_path_is_not_a_path_under_the_workdir():
    text = ("FROM ubuntu:22.04\nRUN git clone https://example.com/x.git /src\nWORKDIR /src\n"
            "RUN rm -rf ~/.bundle ~/.gem\n")
    assert check_text(text, "DW301") == []


def test_unknown_instruction_is_named_as_written():
    found = check_text("FROM a:1\n*.m4\n", "DW001")
    assert "`*.m4`" in found[0].message


def test_unknown_instruction_glued_to_its_json_says_a_space_is_missing():
    found = check_text('FROM a:1\nENTRYPOINT["/server"]\n', "DW001")
    assert '`ENTRYPOINT["/server"]`' in found[0].message
    assert "space after `ENTRYPOINT`" in found[0].message


def test_instruction_before_from_is_named_as_written():
    found = check_text("node_modules\nFROM a:1\n", "DL3061")
    assert "`node_modules`" in found[0].message


# -- text report --------------------------------------------------------------------------------

def test_text_underline_after_a_byte_order_mark_is_under_the_token(project, own_rules, capsys):
    from tests.test_engine import LatestTag

    own_rules(LatestTag)
    project("Dockerfile", "\ufeffFROM alpine:latest\n")
    _, out, _ = run(capsys, "Dockerfile")
    lines = out.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("1 | "))
    text, marks = lines[row][4:], lines[row + 1][4:]
    start = len(marks) - len(marks.lstrip())
    assert text[start:start + len(marks.strip())] in ("alpine:latest", "latest")


def test_a_fix_is_kept_when_another_fix_brings_the_same_finding_elsewhere(tmp_path):
    # round 1: DL3027 turns `apt install` into `apt-get install` (a new DL3015 with the same
    # message) while DL3015 fixes the other install: that fix is real, not idle
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt install -y curl\nRUN apt-get install -y git\n")
    from dockwise.cli import main

    assert main(["check", "--no-context", "--fix", "--unsafe-fixes", "--select", "DL3027,DL3015",
                 str(path)]) == 0
    assert path.read_text() == ("FROM debian:12\nRUN apt-get install --no-install-recommends -y curl\n"
                                "RUN apt-get install --no-install-recommends -y git\n")


# -- the same file named twice ------------------------------------------------------------------

def test_a_file_named_twice_by_different_paths_is_checked_once(tmp_path, monkeypatch):
    import os

    from dockwise.discovery import discover

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM a:1\n")
    os.symlink("Dockerfile", "link.Dockerfile")
    found = discover(["Dockerfile", "link.Dockerfile", str(tmp_path / "Dockerfile"), "."])
    assert found.files == ["Dockerfile"] and found.errors == []


def test_two_distinct_files_are_both_checked(tmp_path, monkeypatch):
    from dockwise.discovery import discover

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM a:1\n")
    (tmp_path / "b.Dockerfile").write_text("FROM a:1\n")
    assert discover(["Dockerfile", "b.Dockerfile"]).files == ["Dockerfile", "b.Dockerfile"]


# -- -o naming a device or a FIFO ---------------------------------------------------------------

def test_output_to_a_fifo_writes_into_it_and_keeps_it_a_fifo(project, own_rules, capsys):
    import os
    import stat
    import threading

    project("Dockerfile", "FROM a:1\n")
    os.mkfifo("report.fifo")
    received = []
    reader = threading.Thread(target=lambda: received.append(open("report.fifo").read()))
    reader.start()
    code, _, err = run(capsys, "--format", "json", "-o", "report.fifo", "Dockerfile")
    reader.join(timeout=10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat("report.fifo").st_mode)  # not replaced by a regular file
    assert '"findings"' in received[0]



def test_fix_of_a_dockerfile_that_is_a_fifo_leaves_the_fifo_alone(project, own_rules, capsys):
    import os
    import stat

    from tests.test_engine import LatestTag

    own_rules(LatestTag)
    os.mkfifo("Dockerfile")
    keep_open = os.open("Dockerfile", os.O_RDONLY | os.O_NONBLOCK)  # holds what is written
    try:
        with open("Dockerfile", "w") as fh:  # the text waits in the pipe for dockwise to read
            fh.write("FROM alpine:latest\n")
        code, out, err = run(capsys, "--fix", "Dockerfile")
    finally:
        os.close(keep_open)
    assert stat.S_ISFIFO(os.stat("Dockerfile").st_mode)
    assert code == 2 and "fixes not written: not a regular file" in out + err


def test_from_without_an_image_is_the_build_error_it_is():
    found = check_text("FROM\nRUN x\n", "DW002")
    assert where(found) == [(1, 1, 5)]
    assert "FROM without an image" in found[0].message


def test_legacy_env_over_several_lines_keeps_its_lines():
    text = ("FROM a:1\nENV DEPS autoconf file \\\n# the compilers\n        gcc make\n"
            "ENV ONE two\n")
    found = check_text(text, "DW902")
    fixed = apply(apply(text, found[1].fix), found[0].fix)
    assert fixed == ('FROM a:1\nENV DEPS="autoconf file \\\n# the compilers\n        gcc make"\n'
                     "ENV ONE=two\n")
    from dockwise.syntax import parse_dockerfile

    before = [i.body for i in parse_dockerfile(text).instructions]
    after = [i.body for i in parse_dockerfile(fixed).instructions]
    assert after[1] == before[1].replace("DEPS ", 'DEPS="', 1) + '"'


# -- --fix on a big file ------------------------------------------------------------------------

def _naive_choice(fixes):
    from dockwise.fix.edits import _overlaps, _self_overlap

    taken, chosen = [], []
    for fix in fixes:
        if any(_overlaps(e, taken) for e in fix.edits) or _self_overlap(fix.edits):
            continue
        taken.extend(fix.edits)
        chosen.append(fix)
    return chosen


def test_choosing_fixes_agrees_with_comparing_every_pair():
    import random

    from dockwise.fix.edits import choose_fixes

    rng = random.Random(5)
    for _ in range(300):
        fixes = []
        for n in range(rng.randint(1, 12)):
            edits = []
            for _ in range(rng.randint(1, 3)):
                start = rng.randint(0, 30)
                edits.append(Edit(start, start + rng.choice([0, 0, 1, 2, 5]), "x"))
            fixes.append(Fix(f"f{n}", tuple(edits)))
        assert choose_fixes(fixes) == _naive_choice(fixes)


def test_choosing_ten_thousand_fixes_is_fast():
    import time

    from dockwise.fix.edits import choose_fixes

    fixes = [Fix(f"f{i}", (Edit(10 * i, 10 * i + 3, "y"), Edit(10 * i + 5, 10 * i + 5, "z")))
             for i in range(20000)]
    started = time.perf_counter()
    assert len(choose_fixes(fixes)) == 20000
    assert time.perf_counter() - started < 5  # comparing every pair took minutes


# -- --diff headers -------------------------------------------------------------------------------

def test_diff_header_quotes_a_name_with_control_characters(tmp_path, monkeypatch, capsys):
    from dockwise.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x\x1b[31m\n.Dockerfile").write_text("FROM debian:12\nADD a /a\n")
    assert main(["check", "--no-context", "--diff", "."]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert out.splitlines()[:2] == ['--- "a/x\\033[31m\\n.Dockerfile"',
                                    '+++ "b/x\\033[31m\\n.Dockerfile"']


def test_diff_of_a_non_utf8_name_can_be_written_to_a_file(tmp_path, monkeypatch, capsys):
    import os

    from dockwise.cli import main

    monkeypatch.chdir(tmp_path)
    with open(os.path.join(os.fsencode(tmp_path), b"x\xff.Dockerfile"), "wb") as fh:
        fh.write(b"FROM debian:12\nADD a /a\n")
    assert main(["check", "--no-context", "--diff", "-o", "out.diff", "."]) == 1
    assert (tmp_path / "out.diff").read_text().splitlines()[0] == '--- "a/x\\377.Dockerfile"'


def test_env_secret_name_with_an_empty_value_stores_nothing():
    text = 'FROM a:1\nENV DB_PASSWORD="" \\\n    API_TOKEN=\nENV WP_PASSWORD="bitnami"\nARG GITHUB_TOKEN\n'
    assert [f.location.line for f in check_text(text, "DW911")] == [4, 5]


def test_pip_takes_an_abbreviated_no_cache_dir():
    text = "FROM python:3.12\nRUN pip install --no-cache notebook==1\nRUN pip install --no-ca x==1\n"
    assert check_text(text, "DL3042") == []


def test_npm_cache_clear_is_npm_cache_clean():
    text = "FROM node:22\nRUN npm install -g npm@2.1.18 && npm cache clear\n"
    assert check_text(text, "DW801") == []
