"""The small hadolint rules (rules/instructions, rules/shell and others): exact positions, messages and fixes.

Their hadolint semantics are covered case by case by tests/test_hadolint_cases.py; these tests
pin down what dockwise adds: where a finding points and what the fix writes.
"""

from __future__ import annotations

from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile
from tests.support.rules import apply, check_text, where


def test_relative_workdir_points_at_the_path():
    found = check_text("FROM debian:12\nWORKDIR app/src\n", "DL3000")
    assert where(found) == [(2, 9, 16)]
    assert "`/app/src`" in found[0].message


def test_cd_points_at_the_cd_command_across_continuations():
    text = "FROM debian:12\nRUN \\\n    cd /src && make install\n"
    assert where(check_text(text, "DL3003")) == [(3, 5, 12)]


def test_add_of_a_plain_file_is_fixed_to_copy():
    text = "FROM debian:12\nADD app.py /app/\nADD https://x/y.tgz /tmp/\nADD rootfs.tar.gz /\n"
    found = check_text(text, "DL3020")
    assert where(found) == [(2, 1, 4)]
    assert apply(text, found[0].fix).splitlines()[1] == "COPY app.py /app/"


def test_add_mixing_archive_and_file_has_no_fix():
    found = check_text("FROM debian:12\nADD a.tar b.txt /x/\n", "DL3020")
    assert len(found) == 1 and found[0].fix is None


def test_copy_many_to_file_gets_a_trailing_slash():
    text = 'FROM debian:12\nCOPY a b "dest"\n'
    found = check_text(text, "DL3021")
    assert where(found) == [(2, 10, 16)]
    assert apply(text, found[0].fix) == 'FROM debian:12\nCOPY a b "dest/"\n'


def test_copy_from_unknown_and_own_stage_point_at_the_flag():
    text = "FROM node:22 AS app\nCOPY --from=biuld /a /b\nCOPY --from=app /c /d\nCOPY --from=nginx:1 /e /f\n"
    assert where(check_text(text, "DL3022")) == [(2, 6, 18)]
    assert where(check_text(text, "DL3023")) == [(3, 6, 16)]


def test_duplicate_stage_name_points_at_the_second_alias():
    text = "FROM a:1 AS build\nRUN x\nFROM b:1 as BUILD\n"
    found = check_text(text, "DL3024")
    assert where(found) == [(3, 13, 18)]
    assert "line 1" in found[0].message


def test_constant_platform():
    assert where(check_text("FROM --platform=linux/amd64 debian:12\n", "DL3029")) == [(1, 6, 28)]
    assert check_text("FROM --platform=$BUILDPLATFORM debian:12\n", "DL3029") == []


def test_onbuild_from():
    assert where(check_text("FROM a:1\nONBUILD FROM b:1\n", "DL3043")) == [(2, 9, 13)]


def test_env_self_reference_points_at_the_reference():
    found = check_text('FROM a:1\nENV APP=/app LOGS="${APP}/logs"\n', "DL3044")
    assert where(found) == [(2, 20, 26)]


def test_copy_relative_without_workdir():
    text = "FROM a:1\nCOPY app.py app.py\nWORKDIR /srv\nCOPY b c\n"
    assert where(check_text(text, "DL3045")) == [(2, 13, 19)]


def test_useradd_high_uid_fix_adds_l():
    text = "FROM a:1\nRUN useradd -u 1234567 app\n"
    found = check_text(text, "DL3046")
    assert where(found) == [(2, 5, 27)]
    assert apply(text, found[0].fix) == "FROM a:1\nRUN useradd -l -u 1234567 app\n"


def test_wget_without_progress():
    text = "FROM a:1\nRUN wget https://x/y && wget -nv https://x/z\n"
    assert where(check_text(text, "DL3047")) == [(2, 5, 21)]


def test_consecutive_runs():
    text = "FROM a:1\nRUN mkdir /app\n# why\nRUN chown 1 /app\nRUN a && b\n"
    found = check_text(text, "DL3059")
    assert where(found) == [(4, 1, 4)]
    assert "line 2" in found[0].message


def test_maintainer_fix_becomes_an_oci_label():
    text = 'FROM a:1\nMAINTAINER Jane Doe <jane@example.com>\n'
    found = check_text(text, "DL4000")
    assert where(found) == [(2, 1, 11)]
    assert apply(text, found[0].fix) == \
        'FROM a:1\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'


def test_wget_and_curl_points_at_the_second_tool():
    text = "FROM a:1\nRUN wget -q https://x/a\nRUN curl -fsSO https://x/b\n"
    assert where(check_text(text, "DL4001")) == [(3, 5, 27)]


def test_ln_bin_sh():
    assert where(check_text("FROM a:1\nRUN ln -sf /bin/bash /bin/sh\n", "DL4005")) == [(2, 5, 29)]


def test_pipe_without_pipefail_points_at_the_pipeline_start():
    text = "FROM a:1\nRUN set -e; curl -fsSL https://x/y.tgz | sh\n"
    assert where(check_text(text, "DL4006")) == [(2, 13, 39)]
    ok = 'FROM a:1\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN curl -fsSL https://x | sh\n'
    assert check_text(ok, "DL4006") == []
    inline = "FROM a:1\nRUN set -euo pipefail; curl -fsSL https://x | sh\n"
    assert check_text(inline, "DL4006") == []


# -- robustness: no rule of these families raises, and every finding lies inside the file ----

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CODES = ("DL3000", "DL3001", "DL3002", "DL3003", "DL3004", "DL3010", "DL3011", "DL3012", "DL3020", "DL3021",
         "DL3022", "DL3023", "DL3024", "DL3025", "DL3029", "DL3043", "DL3044", "DL3045", "DL3046", "DL3047",
         "DL3048", "DL3059", "DL3061", "DL3067", "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006",
         "DW501", "DW502", "DW503", "DW601", "DW602", "DW701", "DW901", "DW902", "DW903", "DW904", "DW905",
         "DW906", "DW907", "DW908", "DW911", "DW912", "DW913", "DW921", "DW922")
FRAGMENTS = [
    "FROM {w}", "FROM {w} AS {w}", "FROM --platform={w} {w}", "USER {w}", "USER {w}:{w}", "WORKDIR {w}",
    "RUN {w} {w} && {w} | {w}", "RUN cd {w}; sudo {w} -u {w}", "RUN useradd -u {w} {w}",
    "CMD {w} {w}", 'CMD ["{w}", "-c", "{w} && {w}"]', 'ENTRYPOINT ["{w}"]', "ENTRYPOINT {w}",
    "COPY {w} {w} {w}", "COPY --from={w} {w} {w}", "ADD {w} {w}", "ENV {w}={w} {w}=${w}", "ENV {w} {w} {w}",
    "ARG {w}={w}", "ARG {w}", "LABEL {w} {w}", "EXPOSE {w}", "HEALTHCHECK CMD {w}", "ONBUILD {w} {w}",
    "MAINTAINER {w}", "SHELL [\"{w}\", \"-c\"]", "RUN <<EOF\n{w}\nEOF",
]
WORDS = st.sampled_from(["x", ".", "./", "/", "root", "0", "app", "1234567", "$X", "${Y:-z}", "\"q w\"",
                         "'a b'", "C:\\\\x", "-o", "pipefail", "sh", "/bin/sh", "node:10", "openjdk:8u1",
                         "AKIAIOSFODNN7EXAMPLE", ".env", "id_rsa", "npm", "ci", "pip", "install", "-r",
                         "a.txt", "exec", "tini", "wget", "curl", "ln", "apt-get", "80/TCP", "1:2", "as",
                         "scratch", "é", "\\", "a=b", "[", "]", "--"])


@st.composite
def dockerfiles(draw):
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        template = draw(st.sampled_from(FRAGMENTS))
        while "{w}" in template:
            template = template.replace("{w}", draw(WORDS), 1)
        lines.append(template)
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles())
def test_rules_never_raise_and_stay_in_the_file(text):
    from dockwise.catalog import all_rules
    from dockwise.errors import DockwiseError

    try:
        tree = parse_dockerfile(text)
    except DockwiseError:
        return
    target = CheckTarget("Dockerfile", tree, build_model(tree))
    lines = text.count("\n") + 1
    for rule in all_rules():
        if rule.info.code not in CODES:
            continue
        for finding in rule().check(target):
            loc = finding.location
            assert loc.line is None or 1 <= loc.line <= (loc.end_line or loc.line) <= lines
            for edit in finding.fix.edits if finding.fix else ():
                assert 0 <= edit.start <= edit.end <= len(text)


def test_pointless_command_points_at_it():
    text = "FROM a:1\nRUN apt-get install -y procps && service nginx start\n"
    assert where(check_text(text, "DL3001")) == [(2, 34, 53)]


def test_copied_archive_extracted_later_points_at_the_copy_source():
    text = "FROM a:1\nWORKDIR /src\nCOPY dist/app.tar.gz .\nRUN tar xzf app.tar.gz && rm app.tar.gz\n"
    found = check_text(text, "DL3010")
    assert where(found) == [(3, 6, 21)]
    assert "line 4" in found[0].message
    assert check_text("FROM a:1\nCOPY app.tar.gz /x/\nRUN tar -tf /x/other.tar.gz\n", "DL3010") == []


def test_port_out_of_range():
    assert where(check_text("FROM a:1\nEXPOSE 80 70000/udp 1-99999\n", "DL3011")) == [(2, 11, 20), (2, 21, 28)]


def test_label_keys():
    text = 'FROM a:1\nLABEL Version=1 com.docker.x=y org.opencontainers.image.title="t" a..b=c\n'
    assert where(check_text(text, "DL3048")) == [(2, 7, 14), (2, 17, 29), (2, 67, 71)]
    assert check_text('FROM a:1\nLABEL maintainer "Jane Doe <j@example.com>"\nLABEL build_date=x\n', "DL3048") == []


def test_instruction_before_from():
    assert where(check_text("ARG V=1\nLABEL a=b\nFROM a:$V\n", "DL3061")) == [(2, 1, 6)]


def test_copy_whole_filesystem_from_a_stage():
    text = "FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b / /\nCOPY --from=b /out /out\n"
    assert where(check_text(text, "DL3067")) == [(4, 15, 16)]


def test_hadolint_only_codes_resolve_to_dockwise_rules():
    from dockwise.catalog import find_rule

    assert find_rule("DL3063").code == "DW906"
    assert find_rule("DL3064").code == "DW911"
    assert find_rule("DL3066").code == "DW502"


# -- fixes keep the file's keyword case and the MAINTAINER value -------------------------------

def test_add_to_copy_keeps_a_lowercase_keyword():
    text = "from debian:12\nadd app.py /app/\n"
    found = check_text(text, "DL3020")
    assert apply(text, found[0].fix).splitlines()[1] == "copy app.py /app/"


def test_maintainer_to_label_keeps_a_lowercase_keyword():
    text = "from debian:12\nmaintainer Jane <j@example.com>\n"
    found = check_text(text, "DL4000")
    assert apply(text, found[0].fix).splitlines()[1] == \
        'label org.opencontainers.image.authors="Jane <j@example.com>"'


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


def test_copy_to_a_windows_drive_is_absolute():
    # docker-library's hello-world for nanoserver: `COPY hello.txt C:`
    text = "FROM mcr.microsoft.com/windows/nanoserver:1803\nCOPY hello.txt C:\n"
    assert check_text(text, "DL3045") == []


def test_instruction_before_from_is_named_as_written():
    found = check_text("run echo hi\nFROM a:1\n", "DL3061")
    assert "`run`" in found[0].message


def test_unknown_word_before_from_is_reported_once_as_unknown():
    text = "node_modules\nFROM a:1\n"
    assert check_text(text, "DL3061") == []
    assert "`node_modules`" in check_text(text, "DW001")[0].message
