"""Supply-chain rules: a download run unchecked (DW954), TLS or signature checks turned off
(DW955), `ADD <url>` without `--checksum` (DW956), installs that follow a branch (DW204), and
base image tags that name a variant but no version (DW101)."""

from __future__ import annotations

import pytest

from tests.support.rules import check_body, check_text, where


found = check_body  # a Dockerfile of ``base`` (FROM debian:12.8) and ``body``


# ---- DW954: a download run as a program ---------------------------------------------------------

@pytest.mark.parametrize("body", [
    "RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -",
    "RUN curl -sSL https://install.python-poetry.org | python3 -",
    "RUN wget -qO- https://get.example.com | sudo -E sh -s -- --yes",
    "RUN wget -O - https://x.example/i.sh.gz | gunzip | sh",
    'RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"',
    "RUN bash <(curl -s https://x.example/install.sh)",
    "RUN apt-get update && curl -fsSL https://x.example/setup | perl",
])
def test_download_run_as_program_is_found(body):
    assert len(found("DW954", body)) == 1


@pytest.mark.parametrize("body", [
    "RUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c i.sha256 && sh /tmp/i.sh",
    "RUN curl -fsSL https://api.github.com/repos/o/r/releases/latest | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tag_name\"])'",
    "RUN curl -fsSL https://x.example/a.tgz | tar -xz -C /opt",
    "RUN curl -fsSL https://x.example/data.json | python3 -m json.tool",
    "RUN curl -fsSL https://x.example/v | sh -c 'cat > /tmp/v'",
    'RUN python3 report.py "$(curl -fsSL https://x.example/version)"',
])
def test_download_read_as_data_is_not_found(body):
    assert found("DW954", body) == []


def test_download_run_span_covers_the_pipeline():
    [finding] = found("DW954", "RUN curl -fsSL https://x.example/i.sh | bash")
    assert where([finding]) == [(2, 5, 45)]
    assert "pipes it into `bash`" in finding.message and "sha256sum" in finding.message


# ---- DW955: verification turned off -------------------------------------------------------------

@pytest.mark.parametrize("body, shown", [
    ("RUN curl -fsSLk -o /tmp/a https://x.example/a", "`curl -k`"),
    ("RUN curl --insecure -fsSL -o /tmp/a https://x.example/a", "`curl --insecure`"),
    ("RUN wget --no-check-certificate https://x.example/a", "`wget --no-check-certificate`"),
    ("RUN pip install --trusted-host pypi.org flask==3.0.3", "`pip --trusted-host`"),
    ("RUN python3 -m pip install --trusted-host=pypi.org flask==3.0.3", "`pip --trusted-host`"),
    ("RUN apk add --no-cache --allow-untrusted /tmp/pkg.apk", "`apk --allow-untrusted`"),
    ("RUN apt-get install -y --allow-unauthenticated foo", "`apt-get --allow-unauthenticated`"),
    ("RUN apt install -y --allow-unauthenticated foo", "`apt --allow-unauthenticated`"),
    ("RUN apt-get -o Acquire::AllowInsecureRepositories=true update",
     "`apt-get -o Acquire::AllowInsecureRepositories=true`"),
    ("RUN yum install -y --nogpgcheck foo", "`yum --nogpgcheck`"),
    ("RUN zypper --no-gpg-checks install -y foo", "`zypper --no-gpg-checks`"),
    ("RUN git -c http.sslVerify=false clone https://x.example/r", "`git -c http.sslVerify=false`"),
    ("RUN git config --global http.sslVerify false", "`git config --global http.sslVerify false`"),
    ("RUN npm config set strict-ssl false", "`npm config set strict-ssl false`"),
    ("RUN GIT_SSL_NO_VERIFY=1 git clone https://x.example/r", "`GIT_SSL_NO_VERIFY=1`"),
    ("RUN export GIT_SSL_NO_VERIFY=true && git clone https://x.example/r", "`GIT_SSL_NO_VERIFY=true`"),
    ('RUN echo "deb [trusted=yes] http://repo.example/ ./" > /etc/apt/sources.list.d/x.list',
     "`[trusted=yes]`"),
    ("ENV NODE_TLS_REJECT_UNAUTHORIZED=0", "`ENV NODE_TLS_REJECT_UNAUTHORIZED=0`"),
    ("ARG PIP_TRUSTED_HOST=pypi.internal", "`ARG PIP_TRUSTED_HOST=pypi.internal`"),
])
def test_verification_turned_off_is_found(body, shown):
    [finding] = found("DW955", body)
    assert finding.message.startswith(shown), finding.message


@pytest.mark.parametrize("body", [
    "RUN curl -fsSL -o /tmp/a https://x.example/a && curl --version",
    "RUN wget -q https://x.example/a",
    "RUN pip install --no-cache-dir --index-url https://pypi.internal/simple flask==3.0.3",
    "RUN git config --global http.sslVerify true",
    "RUN npm config set strict-ssl true",
    "ENV NODE_TLS_REJECT_UNAUTHORIZED=1 GIT_SSL_NO_VERIFY=",
    "ARG PIP_TRUSTED_HOST",
    "RUN apt-get -o Acquire::Check-Valid-Until=false update",
    'RUN echo "deb [signed-by=/usr/share/keyrings/x.gpg] https://repo.example/ ./" > /etc/apt/sources.list.d/x.list',
])
def test_verification_left_on_is_not_found(body):
    assert found("DW955", body) == []


def test_force_yes_is_named_for_what_it_does():
    [finding] = found("DW955", "RUN apt-get install -y --force-yes curl")
    assert "cannot be authenticated" in finding.message and "`-y` alone" in finding.message


def test_env_setting_says_it_stays_in_the_image():
    [finding] = found("DW955", "ENV NODE_TLS_REJECT_UNAUTHORIZED=0")
    assert "stays set in every container" in finding.message
    assert where([finding]) == [(2, 5, 33)]


# ---- DW956: ADD <url> without --checksum --------------------------------------------------------

def test_add_url_without_checksum_points_at_the_url():
    [finding] = found("DW956", "ADD https://example.com/tool-1.2.3.tar.gz /tmp/")
    assert where([finding]) == [(2, 5, 42)]
    assert "--checksum=sha256:" in finding.message


@pytest.mark.parametrize("body", [
    "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
    "https://example.com/b.tar.gz /tmp/",
    "ADD https://github.com/moby/buildkit.git#v0.10.1 /src",
    "ADD git@github.com:moby/buildkit.git /src",
    "ADD app.tar.gz /app/",
    "ADD https://example.com/c.tar.gz /tmp/\nRUN echo 'abc  /tmp/c.tar.gz' | sha256sum -c -",
    "ADD https://example.com/c.tar.gz /tmp/\nADD https://example.com/c.tar.gz.asc /tmp/\n"
    "RUN gpg --batch --verify /tmp/c.tar.gz.asc /tmp/c.tar.gz.asc /tmp/c.tar.gz",
])
def test_add_checked_or_not_a_download_is_not_found(body):
    assert found("DW956", body) == []


def test_a_check_of_another_file_does_not_cover_the_add():
    body = ("ADD https://example.com/a.tar.gz /tmp/\nADD https://example.com/c.tar.gz /tmp/\n"
            "RUN echo 'abc  /tmp/c.tar.gz' | sha256sum -c -")
    assert [f.location.line for f in found("DW956", body)] == [2]


# ---- DW204: installs that follow a branch -------------------------------------------------------

@pytest.mark.parametrize("body, why", [
    ("RUN pip install --no-cache-dir git+https://github.com/org/lib.git@main", "`main` branch"),
    ("RUN pip install --no-cache-dir git+https://github.com/org/lib.git", "default branch"),
    ('RUN pip install --no-cache-dir "lib @ git+https://github.com/org/lib.git@master"', "`master` branch"),
    ("RUN pip install --no-cache-dir https://github.com/org/lib/archive/master.zip", "`master` branch"),
    ("RUN npm install github:org/lib", "default branch"),
    ("RUN npm install git+https://github.com/org/lib.git#develop", "`develop` branch"),
])
def test_install_from_branch_is_found(body, why):
    [finding] = found("DW204", body, "FROM python:3.12.7-slim\n")
    assert why in finding.message


@pytest.mark.parametrize("body", [
    "RUN pip install --no-cache-dir git+https://github.com/org/lib.git@v1.4.2#egg=lib",
    "RUN pip install --no-cache-dir git+ssh://git@github.com/org/lib.git@3f5a9c0",
    "RUN pip install --no-cache-dir https://github.com/org/lib/archive/refs/tags/v1.2.tar.gz",
    "RUN pip install --no-cache-dir flask==3.0.3 ./vendor/lib",
    "RUN npm install org/lib#v1.2.3 lodash@4.17.21 ./local-pkg @scope/pkg@1.0.0",
])
def test_install_from_release_is_not_found(body):
    assert found("DW204", body, "FROM python:3.12.7-slim\n") == []


# ---- DW101: a variant with no version -----------------------------------------------------------

@pytest.mark.parametrize("image", ["golang:alpine", "nginx:alpine", "rust:buster", "python:slim-bookworm",
                                   "node:alpine3.20"])
def test_variant_only_tag_floats(image):
    [finding] = check_text(f"FROM {image}\n", "DW101")
    assert "no" in finding.message and "version" in finding.message and "latest" in finding.message
    assert check_text(f"FROM {image}\n", "DW102") == []


@pytest.mark.parametrize("image", ["traefik:v2.10.7", "debian:bookworm", "ubuntu:jammy", "golang:1.23.4-alpine"])
def test_versioned_or_codename_tag_does_not_float(image):
    assert check_text(f"FROM {image}\n", "DW101") == []


# ---- apt as well as apt-get ---------------------------------------------------------------------

def test_apt_install_gets_the_apt_get_prompt_and_recommends_rules():
    text = "FROM debian:12.8\nRUN apt update && apt install curl && rm -rf /var/lib/apt/lists/*\n"
    [yes] = check_text(text, "DL3014")
    [recommends] = check_text(text, "DL3015")
    assert "`apt install`" in yes.message and "`apt install`" in recommends.message
    fixed = text.replace("apt install curl", "apt install -y --no-install-recommends curl")
    assert check_text(fixed, "DL3014") == [] and check_text(fixed, "DL3015") == []


# ---- DW108: COPY --from an image that floats ----------------------------------------------------

@pytest.mark.parametrize("source, why", [
    ("gcr.io/distroless/static", "no tag"),
    ("docker.io/library/busybox:latest", "`latest`"),
    ("golang:alpine", "variant"),
])
def test_copy_from_floating_image(source, why):
    [finding] = found("DW108", f"COPY --from={source} /x /x")
    assert why in finding.message and finding.message.startswith(f"`--from={source}`")


@pytest.mark.parametrize("body", [
    "COPY --from=nginx:1.27.3 /etc/nginx /etc/nginx",
    "COPY --from=busybox:1.36.1@sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d /bin/busybox /bin/",
    "COPY --from=nginx /etc/nginx /etc/nginx",  # a bare name is DL3022's
])
def test_copy_from_pinned_image_or_stage_name(body):
    assert found("DW108", body) == []


def test_copy_from_an_earlier_stage_is_not_an_image():
    text = "FROM golang:1.23.4 AS build\nFROM debian:12.8\nCOPY --from=build /go/bin/app /app\n"
    assert check_text(text, "DW108") == []


# ---- DW957: a download installed without a check ------------------------------------------------

@pytest.mark.parametrize("body, how", [
    ("RUN curl -fsSLo /tmp/t.tgz https://github.com/o/t/releases/download/v1/t.tgz "
     "&& tar -xzf /tmp/t.tgz -C /usr/local/bin && rm /tmp/t.tgz", "unpacks it"),
    ("RUN curl -fsSL https://github.com/o/t/releases/download/v1/t.tgz | tar -xz -C /opt", "as it arrives"),
    ("RUN wget -q https://x.example/tool -O /usr/local/bin/tool && chmod +x /usr/local/bin/tool",
     "makes it executable"),
    ("RUN curl -fsSLo /tmp/t.deb https://x.example/t.deb && dpkg -i /tmp/t.deb", "as a package"),
    ("RUN cd /tmp && wget https://x.example/t.zip && unzip t.zip", "unpacks it"),
    ("RUN curl -fsSLO https://x.example/kops-linux-amd64 && mv kops-linux-amd64 /usr/local/bin/kops",
     "on the PATH"),
])
def test_download_installed_unverified(body, how):
    [finding] = found("DW957", body)
    assert how in finding.message and "sha256sum -c" in finding.message


@pytest.mark.parametrize("body", [
    "RUN curl -fsSLo /tmp/t.tgz https://x.example/t.tgz && echo \"abc  /tmp/t.tgz\" | sha256sum -c - && tar -xzf /tmp/t.tgz",
    "RUN curl -fsSLo /tmp/t.tgz https://x.example/t.tgz && curl -fsSLo /tmp/t.tgz.asc https://x.example/t.tgz.asc "
    "&& gpg --batch --verify /tmp/t.tgz.asc /tmp/t.tgz && tar -xzf /tmp/t.tgz",
    "RUN curl -fsSLo /tmp/t.tgz https://x.example/t.tgz && sha256sum /tmp/t.tgz | grep -q abc && tar -xzf /tmp/t.tgz",
    "RUN curl -fsSL https://x.example/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg",
    "RUN curl -fsSLo /tmp/data.json https://x.example/data.json",
    "RUN curl -fsSLo /tmp/t.tgz http://downloads.tool.org/t.tgz && tar -xzf /tmp/t.tgz",  # DW952's
])
def test_download_checked_or_not_installed(body):
    assert found("DW957", body) == []


# ---- shapes read on real files: checks and pins that must count ---------------------------------

def test_openssl_digest_comparison_counts_as_a_check():
    body = ('RUN curl -f -L -O https://github.com/nginx/pkg-oss/archive/1.2.tar.gz '
            '&& if [ "$(openssl sha512 -r 1.2.tar.gz)" = "x *stdin" ]; then echo ok; fi && tar -xzf 1.2.tar.gz')
    assert found("DW957", body) == []


def test_a_url_naming_a_commit_fixes_the_content():
    body = ("ARG DIND_COMMIT=0123456789abcdef0123456789abcdef01234567\n"
            'RUN wget -O /usr/local/bin/dind "https://raw.githubusercontent.com/docker/docker/${DIND_COMMIT}/hack/dind" '
            "&& chmod +x /usr/local/bin/dind")
    assert found("DW957", body) == []


def test_trusted_local_repository_is_not_a_bypass():
    body = 'RUN echo "deb [ trusted=yes ] file://$tempDir ./" > /etc/apt/sources.list.d/temp.list'
    assert found("DW955", body) == []


def test_a_hash_tag_names_one_build():
    assert check_text("FROM linuxkit/alpine:0fb5b5e7952d22eeae57607493168e679a4a0c0a\n", "DW101") == []


def test_copy_from_floating_image_in_a_base_image_is_info():
    text = ("FROM buildpack-deps:bookworm-scm\n"
            "COPY --from=golang:bookworm /usr/local/go /usr/local/goroot-bootstrap\n")
    [finding] = check_text(text, "DW108")
    assert finding.severity.name == "INFO" and "base" in finding.message
