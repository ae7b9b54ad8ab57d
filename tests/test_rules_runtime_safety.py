"""Run-time safety and bytes that stay: passwordless sudo (DW504), world-writable files (DW505),
proxy settings stored with ENV (DW914), packages removed in a later layer (DW305)."""

from __future__ import annotations

import pytest

from dockwise.rules.user.world_writable import world_writable_mode
from tests.support.rules import check_body, check_text, where


found = check_body  # a Dockerfile of ``base`` (FROM debian:12.8) and ``body``


# ---- DW504 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "RUN useradd -u 10001 app && echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers",
    "RUN echo 'app ALL=(ALL:ALL) NOPASSWD: ALL' | tee /etc/sudoers.d/app",
    "RUN echo '%sudo ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/nopasswd && chmod 0440 /etc/sudoers.d/nopasswd",
])
def test_passwordless_sudo_for_everything(body):
    [finding] = found("DW504", body)
    assert "become root without a password" in finding.message


def test_passwordless_sudo_for_some_commands_says_which():
    [finding] = found("DW504", "RUN echo 'app ALL=(root) NOPASSWD: /usr/bin/apt-get' > /etc/sudoers.d/app")
    assert "listed commands" in finding.message


@pytest.mark.parametrize("body", [
    "RUN echo 'NOPASSWD is not used here' > /tmp/notes.txt",
    "RUN echo 'app ALL=(ALL) ALL' >> /etc/sudoers",
])
def test_no_passwordless_grant(body):
    assert found("DW504", body) == []


def test_passwordless_sudo_in_a_builder_stage_is_not_shipped():
    text = ("FROM debian:12.8 AS build\nRUN echo 'b ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers\n"
            "FROM debian:12.8\nCOPY --from=build /etc/hostname /x\n")
    assert check_text(text, "DW504") == []


# ---- DW505 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode, writable", [
    ("777", True), ("0777", True), ("666", True), ("4777", True), ("a+rwx", True), ("o+w", True),
    ("u=rwx,o=rwx", True), ("1777", False), ("01777", False), ("755", False), ("775", False),
    ("2775", False), ("g=u", False), ("+w", False), ("u+w", False), ("a+rwxt", False), ("go-w", False),
])
def test_world_writable_modes(mode, writable):
    assert world_writable_mode(mode) is writable


def test_chmod_777_points_at_the_mode():
    [finding] = found("DW505", "RUN chmod -R 777 /app")
    assert where([finding]) == [(2, 14, 17)]
    assert "everything under the paths" in finding.message and "g=u" in finding.message


def test_copy_chmod_world_writable():
    [finding] = found("DW505", "COPY --chmod=777 entrypoint.sh /entrypoint.sh")
    assert "--chmod=777" in finding.message


def test_scratch_directory_removed_in_the_same_run_is_fine():
    assert found("DW505", 'RUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && make -C "$tempDir" && rm -rf "$tempDir"') == []


def test_sticky_tmp_and_group_zero_pattern_are_fine():
    assert found("DW505", "RUN chmod 1777 /tmp/cache && chgrp -R 0 /app && chmod -R g=u /app") == []


# ---- DW914 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "ARG HTTP_PROXY\nENV HTTP_PROXY=$HTTP_PROXY",
    "ARG http_proxy\nENV http_proxy=${http_proxy} https_proxy=${http_proxy}",
    "ENV ALL_PROXY=socks5://proxy.corp.example:1080",
])
def test_proxy_copied_into_env(body):
    assert found("DW914", body)


@pytest.mark.parametrize("body", [
    "ENV NO_PROXY=localhost,127.0.0.1",
    "ENV HTTP_PROXY=",
    "ARG HTTP_PROXY\nRUN apt-get update",
])
def test_proxy_not_stored(body):
    assert found("DW914", body) == []


def test_proxy_in_a_builder_stage_does_not_ship():
    text = "FROM debian:12.8 AS build\nENV HTTP_PROXY=http://p:3128\nFROM debian:12.8\nCOPY --from=build /x /x\n"
    assert check_text(text, "DW914") == []


# ---- DW305 --------------------------------------------------------------------------------------

def test_purge_in_a_later_layer_names_the_installing_line():
    body = ("RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n"
            "RUN make -C /src\nRUN apt-get purge -y gcc")
    [finding] = found("DW305", body)
    assert finding.location.line == 4 and "line 2" in finding.message and "`gcc`" in finding.message


def test_one_finding_per_removal_command():
    body = ("RUN apk add --no-cache git build-base libffi-dev\nRUN pip install --no-cache-dir ansible==9.8.0\n"
            "RUN apk del --no-cache git build-base libffi-dev")
    [finding] = found("DW305", body, "FROM python:3.12.7-alpine3.20\n")
    assert "`git`, `build-base`, `libffi-dev`" in finding.message and finding.extra["packages"] == [
        "git", "build-base", "libffi-dev"]


@pytest.mark.parametrize("base, body", [
    ("FROM alpine:3.20\n", "RUN apk add --no-cache --virtual .build-deps gcc musl-dev\nRUN apk del .build-deps"),
    ("FROM python:3.12.7-slim\n", "RUN pip install --no-cache-dir flask==3.0.3\nRUN pip uninstall -y flask"),
    ("FROM node:20.18.1-slim\n", "RUN npm install -g typescript@5.6.3\nRUN npm uninstall -g typescript"),
])
def test_removal_in_a_later_layer_across_managers(base, body):
    assert len(found("DW305", body, base)) == 1


@pytest.mark.parametrize("body", [
    "RUN apt-get update && apt-get install -y --no-install-recommends gcc && make && apt-get purge -y gcc",
    "RUN apt-get purge -y exim4",  # installed by the base image: not this file's layer
])
def test_removal_in_the_same_layer_or_of_base_packages(body):
    assert found("DW305", body) == []


def test_removal_in_a_stage_that_does_not_ship():
    text = ("FROM debian:12.8 AS build\nRUN apt-get update && apt-get install -y gcc\nRUN apt-get purge -y gcc\n"
            "FROM debian:12.8\nCOPY --from=build /x /x\n")
    assert check_text(text, "DW305") == []


# ---- DW501: an image FROM scratch runs as UID 0 -------------------------------------------------

def test_scratch_image_with_a_process_and_no_user_runs_as_root():
    text = ("FROM golang:1.23.4 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
            "FROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n")
    [finding] = check_text(text, "DW501")
    assert finding.location.line == 3 and "UID 0" in finding.message and "USER 65532" in finding.message


@pytest.mark.parametrize("text", [
    "FROM scratch\nCOPY dist/ /\n",  # files for COPY --from: no process
    "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n",
])
def test_scratch_image_without_a_process_or_with_a_user(text):
    assert check_text(text, "DW501") == []


def test_linuxkit_package_is_told_to_look_at_its_runtime_label():
    text = ("FROM scratch\nCOPY out/ /\nCMD [\"/usr/bin/rungetty.sh\"]\n"
            "LABEL org.mobyproject.config='{\"pid\": \"host\", \"capabilities\": [\"all\"]}'\n")
    [finding] = check_text(text, "DW501")
    assert finding.severity.name == "INFO" and "org.mobyproject.config" in finding.message


def test_base_images_get_sudo_and_world_writable_at_info():
    # no process and no application: a base or tool image, where sudo may be the point
    text = ("FROM centos:7.9.2009\nRUN useradd -u 1000 dev && sed -i 's/# %wheel ALL=(ALL) NOPASSWD: ALL/"
            "%wheel ALL=(ALL) NOPASSWD: ALL/' /etc/sudoers && chmod 777 /opt/cache\n")
    [sudo] = check_text(text, "DW504")
    [writable] = check_text(text, "DW505")
    assert sudo.severity.name == writable.severity.name == "INFO" and "base" in sudo.message
    served = text + "COPY app /app\nCMD [\"/app/run\"]\n"
    assert check_text(served, "DW504")[0].severity.name == "WARNING"


def test_distroless_runs_as_root_unless_its_tag_says_nonroot():
    text = ("FROM golang:1.23.4 AS b\nRUN CGO_ENABLED=0 go build -o /app .\n"
            "FROM gcr.io/distroless/static-debian12\nCOPY --from=b /app /app\nENTRYPOINT [\"/app\"]\n")
    [finding] = check_text(text, "DW501")
    assert finding.severity.name == "WARNING"
    assert check_text(text.replace("static-debian12", "static-debian12:nonroot"), "DW501") == []
