"""Where the rules, the context analyzer and the image analyzer used to work out the build's
semantics on their own and got it wrong; now they read the model, and these pin its answer."""

from __future__ import annotations

from dockwise.context.check import context_findings
from dockwise.context.scan import _CACHE
from dockwise.inputs import read_text
from dockwise.syntax import parse_dockerfile
from tests.support.rules import check_text


def test_find_name_delete_in_a_later_layer_does_not_remove_the_whole_tree():
    # `find / -name "*~" -delete` deletes editor backups, not the files an earlier layer wrote
    text = ("FROM debian:12\nRUN wget -O /opt/tool.tar.gz https://example.com/tool.tar.gz\n"
            "RUN find / -name '*~' -type f -delete\n")
    assert check_text(text, "DW301") == []
    text = "FROM debian:12\nRUN wget -O /opt/tool.tar.gz https://example.com/tool.tar.gz\nRUN find /opt -delete\n"
    assert len(check_text(text, "DW301")) == 1


def test_find_name_delete_does_not_clean_the_package_cache():
    text = "FROM alpine:3.20\nRUN apk add --update py3-pip && find / -name \\*pyc -delete\n"
    assert len(check_text(text, "DL3019")) == 1
    text = "FROM alpine:3.20\nRUN apk add --update py3-pip && find /var/cache/apk -delete\n"
    assert check_text(text, "DL3019") == []


def test_find_with_filters_of_its_own_removes_what_they_select_only():
    text = ("FROM python:3.12\nCOPY tool.tar.gz /usr/local/tool.tar.gz\n"
            "RUN find /usr/local \\( -type d -a -name test -o -name tests \\) -exec rm -rf '{}' +\n")
    assert check_text(text, "DW301") == []


def test_context_sees_copy_sources_through_their_args(tmp_path):
    _CACHE.clear()
    (tmp_path / ".dockerignore").write_text("config\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "app.toml").write_text("x")
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine\nARG CONF=config\nCOPY ${CONF}/app.toml /etc/app.toml\nCOPY $UNSET/x /x\n")
    found = [f for f in context_findings(str(path), parse_dockerfile(read_text(path), path=str(path)))
             if f.code == "DC006"]
    _CACHE.clear()
    assert [f.location.line for f in found] == [3]
