"""Family 5: root at runtime, non-numeric USER, root-only commands after USER, sudo."""

from __future__ import annotations

from dockwise.catalog import find_rule
from tests.support.rules import check_text, where


# -- DL3002: last USER root ------------------------------------------------------------------

def test_last_user_root_points_at_the_user_word():
    found = check_text("FROM debian:12\nRUN make\nUSER root\n", "DL3002")
    assert where(found) == [(3, 6, 10)]
    assert "runs as `root`" in found[0].message


def test_uid_zero_with_group_is_root():
    assert where(check_text("FROM debian:12\nUSER 0:0\n", "DL3002")) == [(2, 6, 9)]


def test_switching_back_to_non_root_is_fine():
    assert check_text("FROM debian:12\nUSER root\nRUN make\nUSER 10001\n", "DL3002") == []


def test_root_inherited_from_a_base_stage_counts():
    text = "FROM debian:12 AS base\nUSER root\nFROM base\nRUN make\n"
    assert where(check_text(text, "DL3002")) == [(2, 6, 10)]


def test_a_builder_stage_running_as_root_is_not_the_runtime_user():
    text = "FROM debian:12 AS build\nUSER root\nRUN make\nFROM debian:12\nUSER 10001\n"
    assert check_text(text, "DL3002") == []


def test_root_user_from_an_arg_is_expanded():
    text = "FROM debian:12\nARG RUNAS=root\nUSER $RUNAS\n"
    assert where(check_text(text, "DL3002")) == [(3, 6, 12)]


# -- DW501: final stage without USER ---------------------------------------------------------

def test_final_stage_without_user_points_at_the_base_image():
    found = check_text("FROM python:3.12-slim\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n", "DW501")
    assert where(found) == [(1, 6, 22)]
    assert "runs as root" in found[0].message


def test_user_in_a_base_stage_is_inherited():
    text = "FROM debian:12 AS base\nUSER 10001\nFROM base\nCMD [\"app\"]\n"
    assert check_text(text, "DW501") == []


def test_nonroot_bases_and_scratch_are_not_flagged():
    assert check_text("FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n", "DW501") == []
    assert check_text("FROM cgr.dev/chainguard/python:latest\nCOPY app /app\n", "DW501") == []
    assert check_text("FROM golang:1.23 AS b\nRUN go build\nFROM scratch\nCOPY --from=b /x /x\n", "DW501") == []


def test_only_the_final_stage_matters():
    text = "FROM golang:1.23 AS build\nRUN go build\nFROM debian:12\nUSER 10001\n"
    assert check_text(text, "DW501") == []


# -- DW502: non-numeric USER -----------------------------------------------------------------

def test_named_user_is_reported_with_advice():
    found = check_text("FROM debian:12\nRUN useradd app\nUSER app\n", "DW502")
    assert where(found) == [(3, 6, 9)]
    assert "runAsNonRoot" in found[0].message


def test_numeric_user_and_group_pass():
    assert check_text("FROM debian:12\nUSER 10001:10001\n", "DW502") == []


def test_root_is_left_to_dl3002():
    assert check_text("FROM debian:12\nUSER root\n", "DW502") == []


# -- DW503: root-only command after USER -----------------------------------------------------

def test_apt_get_after_non_root_user_points_at_the_command():
    text = "FROM debian:12\nUSER 10001\nRUN apt-get update && apt-get install -y curl\n"
    found = check_text(text, "DW503")
    assert where(found) == [(3, 5, 19), (3, 23, 46)]
    assert "permission denied" in found[0].message


def test_writes_under_etc_and_useradd_need_root():
    text = "FROM debian:12\nUSER app\nRUN useradd bob && mkdir -p /etc/app && mkdir -p /tmp/x\n"
    assert where(check_text(text, "DW503")) == [(3, 5, 16), (3, 20, 37)]


def test_commands_before_user_or_after_user_root_are_fine():
    text = ("FROM debian:12\nRUN apt-get update\nUSER 10001\nRUN pip install --user x\n"
            "USER root\nRUN apt-get install -y curl\n")
    assert check_text(text, "DW503") == []


def test_sudo_wrapped_commands_are_left_to_dl3004():
    text = "FROM debian:12\nUSER app\nRUN sudo apt-get update\n"
    assert check_text(text, "DW503") == []


# -- DL3004: sudo ----------------------------------------------------------------------------

def test_sudo_points_at_the_sudo_word():
    found = check_text("FROM debian:12\nRUN apt-get update && sudo apt-get install -y x\n", "DL3004")
    assert where(found) == [(2, 23, 27)]


def test_installing_the_sudo_package_is_fine():
    assert check_text("FROM debian:12\nRUN apt-get install -y sudo\n", "DL3004") == []


def test_catalogue_lookup_by_hadolint_alias():
    assert find_rule("hadolint:DL3004").code == "DL3004"


def test_paths_handed_to_the_user_and_link_targets_are_writable():
    text = ("FROM debian:12\nRUN mkdir /usr/local/app && chown app /usr/local/app\n"
            "COPY --chown=app conf /etc/app/\nUSER app\n"
            "RUN touch /usr/local/app/x && ln -s /usr/lib/x ./y && cp a /etc/app/b && mkdir /var/lib/app/x\n")
    assert check_text(text, "DW503") == []


def test_link_created_in_a_root_directory_needs_root():
    text = "FROM debian:12\nUSER 10001\nRUN ln -s /app/bin/tool /usr/local/bin/tool\n"
    assert where(check_text(text, "DW503")) == [(3, 5, 44)]


def test_global_npm_install_as_non_root():
    text = "FROM node:22\nUSER node\nRUN npm install -g pm2 && npm install\n"
    assert where(check_text(text, "DW503")) == [(3, 5, 23)]


def test_global_npm_install_into_a_user_prefix_is_fine():
    text = "FROM node:22\nUSER node\nENV NPM_CONFIG_PREFIX=/home/node/.npm-global\nRUN npm install -g pm2\n"
    assert check_text(text, "DW503") == []


def test_windows_images_have_no_root_user():
    assert check_text("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"cmd\"]\n", "DW501") == []
