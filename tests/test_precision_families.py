"""The false-alarm families of real Dockerfiles, each as a realistic snippet: what an image is
for (base, build, dev, an application), who its process runs as, public keys versus secrets,
builder stages, and one problem reported once."""

from __future__ import annotations

import json

import pytest

from dockwise.catalog import rule_infos
from dockwise.cli import main
from dockwise.findings import Severity
from tests.support.rules import check_text, where

APP = 'COPY . /app\nCMD ["/app/run"]\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A repository in tmp_path (its .git stops the .hadolint.yaml search) as the cwd."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()

    def write(rel, text):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path
    return write


# -- build tools (DW401/DW402): images whose tools are their point ------------------------------

def test_git_that_the_build_never_calls_is_for_the_image_users():
    text = ("FROM eclipse-temurin:21.0.5_11-jre-jammy\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client \\\n"
            "    && rm -rf /var/lib/apt/lists/*\n"
            "COPY jenkins.war /usr/share/jenkins/jenkins.war\n"
            'ENTRYPOINT ["java", "-jar", "/usr/share/jenkins/jenkins.war"]\n')
    assert check_text(text, "DW401") == []


def test_git_used_by_the_build_is_a_build_tool():
    text = ("FROM node:20.18.1-bookworm-slim\nRUN apt-get update && apt-get install -y git\n"
            "RUN git clone https://github.com/acme/site.git /site && cd /site && npm ci\n"
            'CMD ["node", "/site/server.js"]\n')
    found = check_text(text, "DW401")
    assert where(found) == [(2, 42, 45)] and "`git`" in found[0].message


def test_pip_install_from_git_makes_git_a_build_tool():
    text = ("FROM python:3.12.7-slim\nRUN apt-get update && apt-get install -y git\n"
            "RUN pip install --no-cache-dir git+https://github.com/acme/lib.git@v1.2.0\n" + APP)
    assert len(check_text(text, "DW401")) == 1


def test_a_dev_stage_as_target_keeps_its_tools():
    text = ("FROM python:3.12.7-slim AS base\nCOPY . /app\n"
            "FROM base AS dev\nRUN apt-get update && apt-get install -y gcc make git gdb\n"
            'CMD ["bash"]\n')
    assert check_text(text, "DW401") == []


@pytest.mark.parametrize("tail", [
    'ONBUILD COPY . /app\nONBUILD RUN make -C /app\n',  # a base for other builds
    'CMD ["python3"]\n',                                 # a language image: the REPL
    '',                                                  # no process and no application: a toolbox
])
def test_base_images_meant_to_be_extended_keep_their_compilers(tail):
    text = ("FROM python:3.12.7-slim\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev make\n" + tail)
    assert check_text(text, "DW401") == []


def test_a_package_building_image_is_its_compilers():
    text = ("FROM debian:12.8\n"
            "RUN apt-get update && apt-get install -y build-essential devscripts dpkg-dev debhelper\n"
            "WORKDIR /src\n"
            'ENTRYPOINT ["dpkg-buildpackage", "-us", "-uc", "-b"]\n')
    assert check_text(text, "DW401") == []
    assert check_text("FROM golang:1.23.4\nWORKDIR /src\nENTRYPOINT [\"make\"]\n", "DW402") == []


# -- root (DW501): processes that step down, bases that set a user, unknown bases ---------------

@pytest.mark.parametrize("text", [
    "FROM debian:12.8-slim\nRUN useradd -r -u 999 app\nCOPY app /app\n"
    'ENTRYPOINT ["gosu", "app", "/app/run"]\n',
    "FROM alpine:3.20.3\nRUN apk add --no-cache su-exec\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
    'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["redis-server"]\n',
    "FROM alpine:3.20.3\nCOPY app /app\n"
    'CMD ["s6-setuidgid", "nobody", "/app/run"]\n',
    "FROM debian:12.8-slim\nCOPY app /app\n"
    'CMD ["setpriv", "--reuid=10001", "--regid=10001", "--init-groups", "/app/run"]\n',
    "FROM debian:12.8-slim\nRUN apt-get update && apt-get install -y nginx\nCOPY site /var/www/html\n"
    'CMD ["nginx", "-g", "daemon off;"]\n',
    "FROM postgres:16.4\nCOPY init.sql /docker-entrypoint-initdb.d/\n",
    "FROM debian:12.8-slim AS base\nRUN useradd -r -u 10001 app\nUSER 10001\n"
    'FROM base\nCOPY app /app\nCMD ["/app/run"]\n',
])
def test_no_root_claim_when_the_process_does_not_keep_root(text):
    assert check_text(text, "DW501") == []


def test_an_entrypoint_script_that_switches_user():
    text = ("# syntax=docker/dockerfile:1\nFROM debian:12.8-slim\nCOPY app /app\n"
            "COPY --chmod=755 <<EOF /entrypoint.sh\n#!/bin/sh\nchown -R app /data\n"
            'exec runuser -u app -- "$@"\nEOF\n'
            'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app/run"]\n')
    assert check_text(text, "DW501") == []


def test_an_entrypoint_script_from_the_context_that_switches_user(tmp_path):
    (tmp_path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec su-exec app "$@"\n')
    (tmp_path / "app").write_text("binary")
    dockerfile = tmp_path / "Dockerfile"
    text = ("FROM debian:12.8-slim\nCOPY app /app\nCOPY entrypoint.sh /entrypoint.sh\n"
            'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["/app/run"]\n')
    dockerfile.write_text(text)
    assert check_text(text, "DW501", str(dockerfile)) == []
    (tmp_path / "entrypoint.sh").write_text('#!/bin/sh\nset -e\nexec "$@"\n')
    assert len(check_text(text, "DW501", str(dockerfile))) == 1


def test_an_official_base_is_known_to_run_as_root():
    found = check_text("FROM python:3.12.7-slim\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n",
                       "DW501")
    assert found[0].severity is Severity.WARNING and "runs as root" in found[0].message


def test_an_unknown_base_is_said_to_be_unknown_at_info():
    found = check_text('FROM ghcr.io/acme/runtime:1.4.2\nCOPY app /app\nCMD ["/app/run"]\n', "DW501")
    assert len(found) == 1 and found[0].severity is Severity.INFO
    assert "not an image whose default user dockwise knows" in found[0].message


def test_a_base_image_leaves_the_user_to_its_children_at_info():
    found = check_text('FROM debian:12.8-slim\nRUN apt-get update && apt-get install -y python3\n'
                       'CMD ["python3"]\n', "DW501")
    assert len(found) == 1 and found[0].severity is Severity.INFO and "USER <uid>" in found[0].message


# -- secrets (DW913): public keys are not secrets, private keys are found by content ------------

@pytest.mark.parametrize("source", ["KEYS", "nodesource-repo.gpg.key", "llvm-snapshot.gpg.key",
                                    "docker-archive-keyring.gpg", "gpg.key", "release.asc"])
def test_pgp_public_keys_copied_to_verify_a_download_are_not_secrets(source):
    text = (f"FROM debian:12.8-slim\nCOPY {source} /usr/share/keyrings/\n"
            "RUN gpg --verify /tmp/app.tar.gz.asc /tmp/app.tar.gz\n")
    assert check_text(text, "DW913") == []


OPENSSH_KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz\n"
               "-----END OPENSSH PRIVATE KEY-----\n")


def test_a_private_key_is_found_by_its_content_whatever_its_name(tmp_path):
    (tmp_path / "deploy_key").write_text(OPENSSH_KEY)
    (tmp_path / "signing.key").write_text("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF...\n")
    text = ("FROM debian:12.8-slim\nCOPY deploy_key /root/.ssh/id_ed25519\n"
            "COPY signing.key /etc/apt/keyrings/\n")
    (tmp_path / "Dockerfile").write_text(text)
    found = check_text(text, "DW913", str(tmp_path / "Dockerfile"))
    assert where(found) == [(2, 6, 16)]
    assert "holds a private key (openssh private key)" in found[0].message


def test_a_token_file_is_found_by_its_content(tmp_path):
    (tmp_path / "token.txt").write_text("ghp_" + "a1B2" * 9 + "\n")
    text = "FROM debian:12.8-slim\nCOPY token.txt /app/\n"
    (tmp_path / "Dockerfile").write_text(text)
    found = check_text(text, "DW913", str(tmp_path / "Dockerfile"))
    assert len(found) == 1 and "GitHub token" in found[0].message


def test_a_large_file_is_not_read_for_secrets(tmp_path):
    (tmp_path / "dump.sql").write_text("x" * (70 * 1024) + OPENSSH_KEY)
    text = "FROM debian:12.8-slim\nCOPY dump.sql /seed/\n"
    (tmp_path / "Dockerfile").write_text(text)
    assert check_text(text, "DW913", str(tmp_path / "Dockerfile")) == []


def test_a_secret_copied_into_a_builder_stage_is_a_warning_that_says_so():
    text = ("FROM node:20.18.1-slim AS build\nCOPY .npmrc /root/.npmrc\nRUN npm ci\n"
            "FROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\n")
    found = check_text(text, "DW913")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert "does not ship" in found[0].message


# -- builder stages: the pip cache of a stage that never ships -----------------------------------

def test_pip_cache_in_a_builder_stage_is_info_and_in_the_image_a_warning():
    text = ("FROM python:3.12.7-slim AS build\nRUN pip wheel -w /wheels flask==3.0.3\n"
            "RUN pip install -r requirements.txt\n"
            "FROM python:3.12.7-slim\nCOPY --from=build /wheels /wheels\n"
            "RUN pip install /wheels/*.whl\n")
    found = check_text(text, "DL3042")
    assert [(f.location.line, f.severity) for f in found] == [(3, Severity.INFO), (6, Severity.WARNING)]
    assert "does not ship" in found[0].message


# -- noise: one problem, one finding ----------------------------------------------------------

def test_docker_init_dockerignore_gets_no_matches_nothing_notes(project, capsys):
    project("Dockerfile", "FROM python:3.12.7-slim\nCOPY . /app\nUSER 10001\nCMD [\"python\", \"/app/main.py\"]\n")
    project("main.py", "print('hi')\n")
    project(".dockerignore", DOCKER_INIT_DOCKERIGNORE)
    main(["check", "--format", "json", "--select", "DC004", "."])
    assert json.loads(capsys.readouterr().out)["findings"] == []


DOCKER_INIT_DOCKERIGNORE = """\
# Include any files or directories that you don't want to be copied to your
# container here (e.g., local build artifacts, temporary files, etc.).
#
# For more help, visit the .dockerignore file reference guide at
# https://docs.docker.com/go/build-context-dockerignore/

**/.DS_Store
**/__pycache__
**/.venv
**/.classpath
**/.dockerignore
**/.env
**/.git
**/.gitignore
**/.project
**/.settings
**/.toolstarget
**/.vs
**/.vscode
**/*.*proj.user
**/*.dbmdl
**/*.jfm
**/bin
**/charts
**/docker-compose*
**/compose.y*ml
**/Dockerfile*
**/node_modules
**/npm-debug.log
**/obj
**/secrets.dev.yaml
**/values.dev.yaml
LICENSE
README.md
"""


def test_a_tag_from_an_arg_default_is_reported_once_for_every_from_using_it():
    text = "ARG TAG=latest\nFROM acme/base:${TAG} AS build\nRUN make\nFROM acme/base:${TAG}\n"
    assert where(check_text(text, "DL3007")) == [(1, 9, 15)]


def test_rules_and_explain_show_every_severity_a_rule_reports_at(capsys):
    main(["rules", "--select", "DW501,DW101"])
    out = capsys.readouterr().out
    assert "warning/info" in out
    main(["explain", "DW501"])
    assert "(warning/info)" in capsys.readouterr().out
    assert all(s in Severity for info in rule_infos() for s in info.severities)


# -- DL3008/DL3018: info, with what works instead ---------------------------------------------

def test_unpinned_distro_packages_are_info_with_a_repeatable_alternative():
    found = check_text("FROM debian:12.8\nRUN apt-get install -y --no-install-recommends curl\n", "DL3008")
    assert found[0].severity is Severity.INFO
    assert "digest" in found[0].message and "snapshot" in found[0].message
    found = check_text("FROM alpine:3.20.3\nRUN apk add --no-cache curl\n", "DL3018")
    assert found[0].severity is Severity.INFO and "digest" in found[0].message


def test_an_arg_expanded_package_list_is_named_package_by_package():
    text = ("FROM debian:12.8\nARG PACKAGES=\"curl git ca-certificates\"\n"
            "RUN apt-get install -y --no-install-recommends $PACKAGES\n")
    found = check_text(text, "DL3008")
    assert "`curl`, `git`, `ca-certificates` are installed" in found[0].message


# -- DL3003, DL4006, DL3000: what they can back ----------------------------------------------

def test_cd_that_workdir_replaces_is_reported_and_a_build_recipe_is_not():
    text = ("FROM debian:12.8\n"
            "RUN cd /opt/app && make\n"
            "RUN curl -fsSLo x.tgz https://example.com/x.tgz && tar -xzf x.tgz && cd x-1.0 && make install\n"
            "RUN cd /tmp && curl -fsSLO https://example.com/y.tgz\n"
            "RUN cd /usr/src/z && make && cd / && rm -rf /usr/src/z\n")
    assert where(check_text(text, "DL3003")) == [(2, 5, 16)]


def test_pipes_that_cannot_hide_a_failure_are_not_reported():
    text = ("FROM debian:12.8\n"
            'RUN echo "$SHA256 *app.tgz" | sha256sum -c -\n'
            "RUN grep \" app.tgz$\" SHASUMS256.txt | sha256sum -c -\n"
            'RUN echo "deb http://deb.debian.org/debian bookworm main" | tee /etc/apt/sources.list.d/x.list\n'
            "RUN curl -fsSL https://example.com/x.tgz | tar -xz\n"
            'RUN arch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"\n'
            "RUN curl -fsSL https://example.com/install.sh | sh\n"
            "RUN find /usr/local -name '*.so' -exec ldd '{}' ';' | awk '{ print $3 }' | sort -u > /deps\n")
    assert [f.location.line for f in check_text(text, "DL4006")] == [7, 8]


def test_relative_workdir_after_an_absolute_one_is_well_defined():
    text = "FROM debian:12.8\nWORKDIR /src\nWORKDIR build\nFROM debian:12.8\nWORKDIR app\n"
    assert [f.location.line for f in check_text(text, "DL3000")] == [5]


def test_curl_without_fail_says_what_the_error_page_does():
    text = ("FROM debian:12.8\n"
            "RUN curl -sSL https://example.com/x.tgz | tar -xz -C /opt\n"
            'RUN curl -sSL -o x.tgz https://example.com/x.tgz && echo "$SHA  x.tgz" | sha256sum -c -\n'
            "RUN curl -sSL https://example.com/install.sh | sh\n")
    found = check_text(text, "DW951")
    assert ["misleading message" in f.message for f in found] == [True, True, False]
    assert "the build goes on" in found[2].message


def test_healthcheck_that_needs_the_shell_is_left_alone_where_there_is_one():
    text = ("FROM debian:12.8-slim\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n"
            "HEALTHCHECK CMD /app/probe --ready\n")
    assert [f.location.line for f in check_text(text, "DL3025")] == [3]
    assert len(check_text("FROM scratch\nHEALTHCHECK CMD /probe || exit 1\n", "DL3025")) == 1


def test_shell_form_cmd_names_the_shell_that_runs_it():
    text = 'FROM debian:12.8-slim\nSHELL ["/bin/bash", "-c"]\nCMD ./run.sh\n'
    assert "`/bin/bash -c`" in check_text(text, "DL3025")[0].message


def test_yum_dnf_zypper_pins_are_info_like_apt_and_apk():
    for code, text in (("DL3033", "FROM centos:7\nRUN yum install -y httpd && yum clean all\n"),
                       ("DL3041", "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n"),
                       ("DL3037", "FROM opensuse/leap:15.6\nRUN zypper install -y httpd && zypper clean\n")):
        found = check_text(text, code)
        assert found[0].severity is Severity.INFO and "digest" in found[0].message, code


def test_an_image_that_only_preinstalls_dependencies_is_a_base():
    text = ("FROM python:3.12.7-slim\nCOPY requirements.txt .\n"
            "RUN pip install --no-cache-dir -r requirements.txt\n")
    assert check_text(text, "DW501")[0].severity is Severity.INFO
    assert check_text(text + 'COPY app.py /app/\nCMD ["python", "/app/app.py"]\n',
                      "DW501")[0].severity is Severity.WARNING


def test_an_interpreter_as_entrypoint_runs_scripts_and_is_not_a_base():
    text = 'FROM python:3.12.7-slim\nRUN pip install --no-cache-dir gradio==5.9.1\nENTRYPOINT ["python"]\n'
    assert check_text(text, "DW501")[0].severity is Severity.WARNING


GENERATED_HEADER = '#\n# NOTE: THIS DOCKERFILE IS GENERATED VIA "apply-templates.sh"\n#\n# PLEASE DO NOT EDIT IT DIRECTLY.\n#\n\n'


def test_base_choices_of_a_generated_file_belong_to_its_template():
    text = 'FROM eclipse-temurin:11-jdk-jammy\nCOPY app /app\nCMD ["/app/run"]\n'
    for code in ("DW101", "DW402"):
        assert check_text(text, code)[0].severity is Severity.WARNING, code
        found = check_text(GENERATED_HEADER + text, code)
        assert found[0].severity is Severity.INFO and "generated" in found[0].message, code
    assert check_text(GENERATED_HEADER + "FROM debian\n", "DL3006")[0].severity is Severity.INFO


def test_the_installer_upgrading_itself_is_not_an_unpinned_dependency():
    text = "FROM python:3.12.7-slim\nRUN pip install --no-cache-dir --upgrade pip setuptools wheel flask\n"
    found = check_text(text, "DL3013")
    assert len(found) == 1 and found[0].message.startswith("`flask` is installed")


def test_shell_form_cmd_under_powershell_is_not_reported():
    text = ('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\n'
            "CMD .\\\\start.ps1\n")
    assert check_text(text, "DL3025") == []


@pytest.mark.parametrize("value", ["FFFFFFFFFFFFFFFF0000000000000000", "changeme", "<your-api-key>"])
def test_a_placeholder_secret_default_is_not_a_secret(value):
    assert check_text(f"FROM debian:12.8-slim\nENV API_KEY={value}\n", "DW911") == []
    assert len(check_text("FROM debian:12.8-slim\nENV API_KEY=9f8e7d6c5b4a39281706\n", "DW911")) == 1


def test_a_web_server_image_with_nothing_to_serve_is_a_base():
    text = ("FROM debian:12.8-slim\nENV PHPIZE_DEPS=\"autoconf gcc make\"\n"
            "RUN apt-get update && apt-get install -y $PHPIZE_DEPS apache2\n"
            "COPY docker-php-ext-install /usr/local/bin/\nCMD [\"apache2-foreground\"]\n")
    assert check_text(text, "DW401") == []
    assert len(check_text(text.replace("CMD", "COPY site /var/www/html\nCMD"), "DW401")) == 1


def test_an_install_through_xargs_after_a_redirect_counts_as_an_install():
    text = ("FROM debian:12.8-slim\nCOPY apt-deps.txt /tmp/\n"
            "RUN apt-get update; xargs -rt < /tmp/apt-deps.txt apt-get install -y --no-install-recommends; "
            "rm -rf /var/lib/apt/lists/*\n")
    assert check_text(text, "DW201") == []


# -- small defects ---------------------------------------------------------------------------

def test_a_bracketed_cmd_that_is_not_json_says_so():
    found = check_text('FROM debian:12.8-slim\nCMD ["a", "b",]\n', "DL3025")
    assert "not valid JSON (a trailing comma" in found[0].message
    found = check_text("FROM debian:12.8-slim\nCMD ['a', 'b']\n", "DL3025")
    assert "single quotes" in found[0].message


def test_a_utf16_dockerfile_is_called_utf16_not_binary(tmp_path, capsys):
    path = tmp_path / "Dockerfile"
    path.write_bytes("FROM debian:12.8\n".encode("utf-16"))
    assert main(["check", "--no-context", str(path)]) == 2
    err = capsys.readouterr().err
    assert "UTF-16" in err and "binary" not in err


def test_copy_of_a_whole_external_image_is_not_called_a_stage():
    found = check_text("FROM debian:12.8\nCOPY --from=busybox:1.36 / /\n", "DL3067")
    assert "that image's whole filesystem" in found[0].message
    found = check_text("FROM debian:12.8 AS build\nFROM debian:12.8\nCOPY --from=build / /\n", "DL3067")
    assert "that stage's whole filesystem" in found[0].message


def test_shellcheck_beside_the_interpreter_of_a_venv_that_is_not_activated(monkeypatch, tmp_path):
    from dockwise.model import shellcheck

    fake_python = tmp_path / "bin" / "python"
    fake_python.parent.mkdir()
    fake_python.write_text("")
    (tmp_path / "bin" / "shellcheck").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "shellcheck").chmod(0o755)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("sys.executable", str(fake_python))
    assert shellcheck.shellcheck_binary() == str(tmp_path / "bin" / "shellcheck")


def test_an_unreadable_context_folder_is_exit_2_in_check_and_in_context(tmp_path, monkeypatch, capsys):
    import os

    (tmp_path / "locked").mkdir()
    (tmp_path / "Dockerfile").write_text('FROM debian:12.8\nCOPY . /app\nUSER 10001\nCMD ["/app/run"]\n')
    locked = str(tmp_path / "locked")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.abspath(os.fspath(path)) == locked:  # what chmod 000 does for a non-root user
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["check", str(tmp_path)]) == 2
    assert main(["context", str(tmp_path)]) == 2
    assert f"{locked}: error: cannot read directory: Permission denied" in capsys.readouterr().err


def test_apt_install_is_held_to_the_apt_get_rules():
    text = "FROM debian:12.8\nRUN apt update && apt install curl\n"
    assert len(check_text(text, "DL3014")) == 1
    assert len(check_text(text, "DL3015")) == 1
    assert len(check_text(text, "DL3009")) == 1
    ok = "FROM debian:12.8\nRUN apt update && apt install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n"
    assert [check_text(ok, code) for code in ("DL3014", "DL3015", "DL3009")] == [[], [], []]
