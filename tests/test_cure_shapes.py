"""The Node, Go and Java shapes of the cure, as a user sees them: what moves to the builder,
what the runtime holds, and the notes for a shape left alone. The rewritten Dockerfiles are the
golden files of tests/cure_cases/{node,go,java}-* (checked, with idempotence, BuildKit's parse
and no new warning, by tests/test_cure.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dockwise.cli import main

CASES_DIR = Path(__file__).parent / "cure_cases"


@pytest.fixture
def cured(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(case: str, *extra: str) -> tuple[list[str], str]:
        project = tmp_path / case
        shutil.copytree(CASES_DIR / case / "input", project)
        monkeypatch.chdir(project)
        main(["check", "--fix", "--unsafe-fixes", *extra, "Dockerfile"])
        out, err = capsys.readouterr()
        return re.split(r"(?m)^(?=FROM )", (project / "Dockerfile").read_text())[1:], out + err
    return run


# -- Go -------------------------------------------------------------------------------------------

def test_go_ships_a_static_binary_and_the_ca_certificates_on_scratch(cured):
    (builder, runtime), _ = cured("go-server")
    assert builder.startswith("FROM golang:1.22 AS builder\nENV CGO_ENABLED=0\n")
    assert "--mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build" in builder
    assert runtime.startswith("FROM scratch\n")
    assert "COPY --from=builder /usr/local/bin/server /usr/local/bin/server\n" in runtime
    assert "COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n" in runtime
    assert "USER 65532:65532\n" in runtime and "RUN" not in runtime  # no shell, no package manager there
    assert runtime.rstrip().endswith('CMD ["/usr/local/bin/server"]')


def test_go_latest_takes_the_version_of_go_mod(cured):
    (builder, runtime), _ = cured("go-gomod-version")
    assert builder.startswith("FROM golang:1.21.5 AS builder\n")
    assert "COPY --from=builder /go/src/app/app /go/src/app/app\n" in runtime
    assert runtime.rstrip().endswith('CMD ["./app"]')  # the shell form made exec form, no tini on scratch


def test_go_run_is_left_alone_with_a_note(cured):
    stages, output = cured("go-run")
    assert len(stages) == 1 and stages[0].startswith("FROM golang:1.22.4\n")
    assert "no builder stage (go): `go build` has no `-o FILE`" in output


# -- Node -----------------------------------------------------------------------------------------

def test_node_installs_from_the_manifests_builds_prunes_and_runs_on_slim(cured):
    (builder, runtime), output = cured("node-build")
    lines = builder.rstrip().splitlines()
    assert lines[0] == "FROM node:20 AS builder"
    assert lines.index("COPY package.json package-lock.json* npm-shrinkwrap.json* yarn.lock* pnpm-lock.yaml* ./") \
        < lines.index("RUN --mount=type=cache,target=/root/.npm npm ci") < lines.index("COPY . .")
    assert lines[-1] == "RUN npm prune --omit=dev"  # `npm start` is `node dist/server.js`: no dev tool runs
    assert runtime.startswith("FROM node:20-slim\n")
    assert "COPY --from=builder /app /app\n" in runtime and "npm ci" not in runtime
    assert "ENV NODE_ENV=production\n" in runtime


def test_node_native_build_tools_stay_in_the_builder(cured):
    (builder, runtime), _ = cured("node-native")
    assert "python3 make g++ curl" in builder
    assert "install -y --no-install-recommends curl \\" in runtime  # curl is the app's, the rest node-gyp's
    assert "make" not in runtime and "g++" not in runtime and "python3" not in runtime


def test_yarn_keeps_its_dev_dependencies_and_the_build_tools_stay_in_the_builder(cured):
    (builder, runtime), _ = cured("node-yarn-alpine")
    assert "prune" not in builder and "apk add --no-cache python3 make g++" in builder
    assert runtime.startswith("FROM node:18.19-alpine\n")
    assert "apk add" not in runtime and "COPY --from=builder /app /app\n" in runtime


def test_node_version_comes_from_nvmrc_and_an_unknown_one_is_a_note(cured):
    (builder, runtime), _ = cured("node-nvmrc")
    assert builder.startswith("FROM node:20.11.1 AS builder\n") and runtime.startswith("FROM node:20.11.1-slim\n")
    stages, output = cured("node-unknown-version")
    assert len(stages) == 1 and stages[0].startswith("FROM node:latest\n")
    assert "no builder stage (node): the Node version is not known" in output


# -- Java -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, builder_from, jre, jar, cache", [
    ("java-maven", "FROM maven:3.9-eclipse-temurin-17 AS builder", "eclipse-temurin:17-jre",
     "/app/target/app.jar", "/root/.m2"),
    ("java-gradle", "FROM gradle:8.5-jdk21 AS builder", "eclipse-temurin:21-jre",
     "/home/gradle/project/build/libs/app.jar", "/home/gradle/.gradle"),
])
def test_java_runs_the_jar_on_the_jre_of_the_builders_java(cured, case, builder_from, jre, jar, cache):
    (builder, runtime), _ = cured(case)
    assert builder.startswith(builder_from + "\n")
    assert f"--mount=type=cache,target={cache} " in builder
    assert f"\nFROM {jre}\n" in "\n" + runtime
    assert f"COPY --from=builder {jar} {jar}\n" in runtime
    assert "mvn" not in runtime and "gradle build" not in runtime


def test_a_jar_named_by_a_pattern_is_left_alone_with_a_note(cured):
    stages, output = cured("java-glob")
    assert len(stages) == 1
    assert "no builder stage (java): the command is not `java -jar JAR`" in output


def test_the_plan_names_the_split_of_each_shape(tmp_path, monkeypatch, capsys):
    for case in ("node-build", "go-server", "java-maven"):
        shutil.copytree(CASES_DIR / case / "input", tmp_path / case)
        monkeypatch.chdir(tmp_path / case)
        main(["check", "--diff", "--unsafe-fixes", "Dockerfile"])
        out, _ = capsys.readouterr()
        assert re.search(r"(?m)^#  1\. split-build-runtime: .*builder stage", out), case
        assert "resolves DW402" in out or "resolves DW401" in out, case


def test_a_stage_built_from_another_stage_keeps_its_base_with_a_note(cured):
    stages, output = cured("node-from-stage")
    assert stages[1].startswith("FROM base AS release\n")  # never `FROM node:20.11-slim`: the tools of `base` stay
    assert "no builder stage (node): the stage is built FROM the stage `base`" in output


def test_an_env_the_check_warns_about_is_not_written_twice(cured):
    (builder, runtime), _ = cured("node-env-token")
    assert "SLACK_TOKEN" not in builder and 'ENV SLACK_TOKEN=xoxb-placeholder' in runtime  # DW911 stays one finding
    assert "ENV NODE_ENV=production" in builder and "ENV NODE_ENV=production" in runtime


def test_an_interactive_shell_image_keeps_its_pid_1(tmp_path, monkeypatch, capsys):
    # `CMD "/bin/bash"`: a tool image people open a shell in; tini around a shell string would
    # make it look like a service (and DW401 would then warn about its git)
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text('FROM debian:12.8\nRUN apt-get update && apt-get install -y --no-install-recommends '
                                  'git=1:2.39.5-0+deb12u1 && rm -rf /var/lib/apt/lists/*\nCMD "/bin/bash"\n')
    main(["check", "--no-context", "--fix", "--unsafe-fixes", "Dockerfile"])
    out, err = capsys.readouterr()
    text = Path("Dockerfile").read_text()
    assert "tini" not in text and "PID 1 left alone" in out + err
    assert "DW401" not in out
