"""Family 9: missing HEALTHCHECK, and CMD/ENTRYPOINT/HEALTHCHECK repeated in a stage."""

from __future__ import annotations

from tests.support.rules import apply, check_text, where


def test_service_without_healthcheck_is_info_on_the_final_from():
    text = "FROM golang:1.23 AS b\nRUN go build\nFROM debian:12\nEXPOSE 80\nCMD [\"/app\"]\n"
    found = check_text(text, "DW901")
    assert where(found) == [(3, 6, 15)]
    assert str(found[0].severity) == "info"


def test_healthcheck_present_or_inherited_passes():
    assert check_text("FROM debian:12\nHEALTHCHECK CMD [\"true\"]\nCMD [\"app\"]\n", "DW901") == []
    text = "FROM debian:12 AS base\nHEALTHCHECK NONE\nFROM base\nCMD [\"app\"]\n"
    assert check_text(text, "DW901") == []


def test_image_without_a_process_is_not_a_service():
    assert check_text("FROM debian:12\nRUN apt-get update\n", "DW901") == []


def test_second_cmd_in_a_stage_is_reported_on_its_keyword():
    text = "FROM debian\nCMD bash\nRUN foo\nCMD another\n"
    found = check_text(text, "DL4003")
    assert where(found) == [(4, 1, 4)]
    assert "line 4" in found[0].message


def test_cmd_once_per_stage_passes():
    assert check_text("FROM debian AS a\nCMD bash\nFROM debian\nCMD x\n", "DL4003") == []


def test_entrypoint_and_healthcheck_repeated():
    text = "FROM debian\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\nHEALTHCHECK NONE\nHEALTHCHECK CMD [\"x\"]\n"
    assert where(check_text(text, "DL4004")) == [(3, 1, 11)]
    assert where(check_text(text, "DL3012")) == [(5, 1, 12)]


def test_legacy_env_and_label_are_rewritten_as_key_value():
    text = "FROM alpine:3.20\nENV APP_HOME /srv/my app\nLABEL version 1.0\nENV OK=1\n"
    found = check_text(text, "DW902")
    assert where(found) == [(2, 5, 13), (3, 7, 14)]
    fixed = text
    for f in reversed(found):
        fixed = apply(fixed, f.fix)
    assert fixed == 'FROM alpine:3.20\nENV APP_HOME="/srv/my app"\nLABEL version=1.0\nENV OK=1\n'


def test_legacy_value_with_quotes_or_variables_gets_no_fix():
    found = check_text('FROM alpine:3.20\nENV PATH $PATH:/opt/bin\n', "DW902")
    assert len(found) == 1 and found[0].fix is None


def test_stage_name_and_as_casing():
    text = "FROM alpine:3.20 as BuilderBase\nFROM BuilderBase\n"
    names = check_text(text, "DW903")
    assert where(names) == [(1, 21, 32)]
    assert apply(text, names[0].fix).startswith("FROM alpine:3.20 as builderbase\n")
    casing = check_text(text, "DW904")
    assert where(casing) == [(1, 18, 20)]
    assert apply(text, casing[0].fix).startswith("FROM alpine:3.20 AS BuilderBase\n")


def test_keywords_follow_the_majority_case():
    text = "FROM alpine:3.20\nRUN true\nrun false\nCMD [\"sh\"]\n"
    found = check_text(text, "DW905")
    assert where(found) == [(3, 1, 4)]
    assert apply(text, found[0].fix) == text.replace("run false", "RUN false")
    assert check_text("from alpine:3.20\nrun true\n", "DW905") == []


def test_the_instruction_an_onbuild_wraps_follows_the_majority_case_too():
    text = "FROM alpine:3.20\nONBUILD run make\nRUN true\n"
    found = check_text(text, "DW905")
    assert where(found) == [(2, 9, 12)]
    assert apply(text, found[0].fix) == text.replace("run make", "RUN make")
    assert check_text("from alpine:3.20\nonbuild run make\n", "DW905") == []


def test_reserved_stage_names():
    assert where(check_text("FROM alpine:3.20 AS context\n", "DW906")) == [(1, 21, 28)]
    assert check_text("FROM alpine:3.20 AS build\n", "DW906") == []


def test_expose_host_mapping_and_protocol_case():
    text = "FROM nginx:1.27\nEXPOSE 127.0.0.1:8080:80 443/TCP 53/udp ${PORT}\n"
    found = check_text(text, "DW907")
    assert where(found) == [(2, 8, 25), (2, 26, 33)]
    assert "`80`" in found[0].message
    assert apply(text, found[1].fix) == text.replace("443/TCP", "443/tcp")


def test_multiple_instructions_share_the_buildkit_alias():
    from dockwise.catalog import all_rules

    owners = {r.info.code for r in all_rules() if "buildkit:MultipleInstructionsDisallowed" in r.info.aliases}
    assert owners == {"DL3012", "DL4003", "DL4004"}


def test_an_interactive_base_image_is_not_a_service():
    assert check_text("FROM debian:12\nCMD [\"bash\"]\n", "DW901") == []
    assert check_text("FROM python:3.12\nCMD python3\n", "DW901") == []
    assert len(check_text("FROM python:3.12\nCMD [\"python3\", \"worker.py\"]\n", "DW901")) == 1


# -- EXPOSE of variables, legacy ENV over several lines ----------------------------------------

def test_expose_of_a_variable_with_a_default_is_not_a_host_mapping():
    text = "FROM a:1\nEXPOSE ${PORT:-4061} ${HTTP_PORT:-7896}/tcp $P\n"
    assert check_text(text, "DW907") == []


def test_expose_of_a_variable_host_mapping_is_still_found():
    text = "FROM a:1\nEXPOSE ${IP}:8080:80\n"
    assert where(check_text(text, "DW907")) == [(2, 8, 21)]


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
