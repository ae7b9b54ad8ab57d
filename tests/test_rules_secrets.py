"""Family 10: secret-looking ARG/ENV names, secret values (redacted), copied credentials files."""

from __future__ import annotations

import pytest

from dockwise.rules.secrets.names import secret_looking_name
from tests.support.rules import check_text, where


@pytest.mark.parametrize("name", ["GITHUB_TOKEN", "api_key", "DB_PASSWORD", "AUTH", "secret_MESSAGE",
                                  "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "NPM_AUTH_TOKEN",
                                  "secretKey", "githubToken"])
def test_secret_names(name):
    assert secret_looking_name(name)


@pytest.mark.parametrize("name", ["PUBLIC_KEY", "TOKEN_FILE", "DB_PASSWORD_FILE", "PATH", "KEYBOARD",
                                  "MONKEY", "GPG_KEY", "TOKENIZER", "SECRETS_DIR",
                                  "SSH_AUTH_SOCK", "OAUTH2_TOKEN_ENDPOINT", "MYSQL_ALLOW_EMPTY_PASSWORD",
                                  "APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE"])
def test_names_that_are_not_secrets(name):
    assert not secret_looking_name(name)


def test_arg_and_env_keys_are_pointed_at():
    text = "FROM alpine:3.20\nARG GITHUB_TOKEN\nENV APP=1 DB_PASSWORD=hunter2\nENV API_KEY legacy form\n"
    found = check_text(text, "DW911")
    assert where(found) == [(2, 5, 17), (3, 11, 22), (4, 5, 12)]
    assert "RUN --mount=type=secret" in found[0].message
    assert "hunter2" not in " ".join(f.message for f in found)


def test_aws_key_value_is_redacted():
    text = "FROM alpine:3.20\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
    found = check_text(text, "DW912")
    assert where(found) == [(2, 23, 43)]
    assert "AWS access key" in found[0].message
    assert "AKIAIOSFODNN7EXAMPLE" not in found[0].message


def test_github_token_in_run_and_private_key_in_env():
    token = "ghp_" + "a1B2" * 9
    text = (f"FROM alpine:3.20\nRUN git clone https://{token}@github.com/o/r\n"
            "ENV KEY=\"-----BEGIN RSA PRIVATE KEY-----\"\n")
    found = check_text(text, "DW912")
    kinds = [f.extra["kind"] for f in found]
    assert kinds == ["a GitHub token", "a private key"]
    assert where(found)[0] == (2, 23, 63)
    assert token not in found[0].message


def test_generic_password_needs_a_random_looking_literal():
    assert check_text("FROM a:1\nRUN mysql --password=$DB_PASS\n", "DW912") == []
    assert check_text("FROM a:1\nRUN echo password=changeme\n", "DW912") == []
    found = check_text("FROM a:1\nRUN mysql --password=Xk29fLq8Zt\n", "DW912")
    assert where(found) == [(2, 22, 32)]


def test_copying_credentials_files(tmp_path):
    text = "FROM node:22\nCOPY .npmrc package.json ./\nCOPY id_rsa.pub config/.env.example /x/\nADD certs/server.key /etc/ssl/\n"
    found = check_text(text, "DW913")
    assert where(found) == [(2, 6, 12), (4, 5, 21)]


def test_whole_context_copy_is_left_to_the_context_check(tmp_path):
    """`COPY . /app` with a .env in the context is DC007's finding (it reads .dockerignore)."""
    (tmp_path / ".env").write_text("TOKEN=fake\n")
    dockerfile = tmp_path / "Dockerfile"
    text = "FROM python:3.12\nCOPY . /app\n"
    dockerfile.write_text(text)
    assert check_text(text, "DW913", path=str(dockerfile)) == []


def test_a_path_to_the_secret_or_a_switch_is_not_the_secret():
    text = ("FROM alpine:3.20\nENV GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json\n"
            "ENV REDIS_PASSWORD=yes\nENV REDIS_PASSWORD=s3cr3t\n")
    assert where(check_text(text, "DW911")) == [(4, 5, 19)]


@pytest.mark.parametrize("path, secret", [
    ("certs/key.pem", True), ("tls/server.key.pem", True), ("kibana_pk.pem", True), ("localhost.key", True),
    ("keystore.jks", True), (".docker/config.json", True), ("home/.aws/credentials", True),
    ("keys/public.pem", False), ("cacert.pem", False), ("fullchain.pem", False), ("truststore.jks", False),
    ("config.json", False), ("android_sdk_components.env", False), ("id_ed25519.pub", False),
])
def test_which_copied_files_are_credentials(path, secret):
    found = check_text(f"FROM alpine:3.20\nCOPY {path} /x/\n", "DW913")
    assert bool(found) is secret


def test_secret_in_a_heredoc_points_into_the_heredoc():
    token = "ghp_" + "Zz9" * 12
    text = f"# syntax=docker/dockerfile:1\nFROM node:22\nCOPY <<EOF /root/.npmrc\n//r/:_authToken={token}\nEOF\n"
    found = check_text(text, "DW912")
    assert where(found) == [(4, 17, 17 + len(token))]
    assert token not in found[0].message


# -- empty secret values -----------------------------------------------------------------------

def test_env_secret_name_with_an_empty_value_stores_nothing():
    text = 'FROM a:1\nENV DB_PASSWORD="" \\\n    API_TOKEN=\nENV WP_PASSWORD="bitnami"\nARG GITHUB_TOKEN\n'
    assert [f.location.line for f in check_text(text, "DW911")] == [4, 5]
