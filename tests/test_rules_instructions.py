"""Family 9: missing HEALTHCHECK, and CMD/ENTRYPOINT/HEALTHCHECK repeated in a stage."""

from __future__ import annotations

from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile


def check_text(text: str, select: str, path: str = "Dockerfile"):
    from dockwise.catalog import all_rules

    tree = parse_dockerfile(text)
    target = CheckTarget(path, tree, build_model(tree))
    rule = next(r for r in all_rules() if r.info.code == select)
    return list(rule().check(target))


def where(findings):
    return [(f.location.line, f.location.column, f.location.end_column) for f in findings]


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
