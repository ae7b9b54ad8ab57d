"""Where the rules, the context analyzer and the image analyzer used to work out the build's
semantics on their own and got it wrong; now they read the model, and these pin its answer."""

from __future__ import annotations

from dockwise.engine.context import context_findings
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
    text = "FROM python:3.12\nRUN pip3 install flask && find / -name \\*pyc -delete\n"
    assert len(check_text(text, "DL3042")) == 1
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


def test_image_layers_align_through_a_from_named_by_an_arg(tmp_path):
    # the image analyzer used its own stage chain, which read `FROM ${BASE}` literally and so
    # lost the stage it names; the model expands it as BuildKit does
    from dockwise.image.analyze import analyze
    from tests.support.image_kit import config_for, file, layer_tar, write_oci_layout

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("ARG BASE=app\nFROM alpine AS app\nCOPY . /app\n\nFROM ${BASE}\nRUN build\n")
    tars = [layer_tar(file("base", 1)), layer_tar(file("app/x", 1)), layer_tar(file("out", 1))]
    history = [{"created_by": "ADD file:x in /"}, {"created_by": "COPY . /app # buildkit"},
               {"created_by": "RUN /bin/sh -c build # buildkit"}]
    layout = str(write_oci_layout(tmp_path / "l", tars, config=config_for(tars, history=history)))
    a = analyze(layout, dockerfile=str(dockerfile))
    assert [a.dockerfile_line(layer) for layer in a.layers] == [2, 3, 6]


def test_a_credentials_file_named_through_an_arg_is_seen():
    found = check_text("FROM alpine\nARG KEY=id_rsa\nCOPY ${KEY} /root/.ssh/\n", "DW913")
    assert [(f.location.line, f.location.column) for f in found] == [(3, 6)] and "`id_rsa`" in found[0].message
    assert check_text("FROM alpine\nCOPY $KEY /root/.ssh/\nADD ftp://example.com/.netrc /x\n", "DW913") == []


def test_the_whole_context_copied_through_an_arg_is_seen():
    text = "FROM node:22\nARG SRC=.\nCOPY ${SRC} /app\nRUN npm ci\n"
    assert [f.location.line for f in check_text(text, "DW701")] == [3]
