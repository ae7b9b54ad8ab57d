"""BuildKit's checks UndefinedVar (DW930), NoEmptyContinuation (DW931), WorkdirRelativePath
(DL3000) and InvalidDefinitionDescription (DW933): their semantics, spans and fixes, and that
every BuildKit check name can be selected and ignored."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.rules import apply, check_text, where

BUILDKIT_CHECKS = (
    "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
    "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
    "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
    "LegacyKeyValueFormat", "InvalidDefaultArgInFrom", "InvalidBaseImagePlatform", "RedundantTargetPlatform",
    "SecretsUsedInArgOrEnv", "FromPlatformFlagConstDisallowed", "CopyIgnoredFile",
    "InvalidDefinitionDescription", "ExposeProtoCasing", "ExposeInvalidFormat",
)


# ---- DW930 UndefinedVar -------------------------------------------------------------------------

def test_platform_arg_not_declared_in_the_stage():
    text = "FROM debian:12.8\nCOPY dist/tool-linux-${TARGETARCH} /usr/local/bin/tool\n"
    [finding] = check_text(text, "DW930")
    assert where([finding]) == [(2, 22, 35)]
    assert "ARG TARGETARCH" in finding.message


def test_platform_arg_declared_in_the_stage_is_fine():
    text = "FROM debian:12.8\nARG TARGETARCH\nCOPY dist/tool-linux-${TARGETARCH} /usr/local/bin/tool\n"
    assert check_text(text, "DW930") == []


def test_global_arg_not_redeclared_in_the_stage():
    text = ("ARG TOOL_RELEASE=1.4.2\nFROM debian:12.8\n"
            "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
            "https://example.com/tool-${TOOL_RELEASE}.tgz /tmp/\n"
            "RUN echo building ${TOOL_RELEASE}\n")
    found = check_text(text, "DW930")
    assert [f.location.line for f in found] == [3, 4]
    assert "global ARG" in found[0].message
    redeclared = text.replace("FROM debian:12.8\n", "FROM debian:12.8\nARG TOOL_RELEASE\n")
    assert check_text(redeclared, "DW930") == []


def test_global_arg_the_base_image_sets_is_given_the_benefit_of_the_doubt():
    text = "ARG NODE_VERSION=20.18.1\nFROM node:${NODE_VERSION}-alpine3.20\nRUN echo $NODE_VERSION\n"
    assert check_text(text, "DW930") == []


def test_unknown_name_reported_only_from_scratch():
    assert [f.location.line for f in check_text("FROM scratch\nCOPY $foo /\n", "DW930")] == [2]
    assert check_text("FROM alpine:3.20\nCOPY $foo /\n", "DW930") == []  # alpine's env may hold it


@pytest.mark.parametrize("run", [
    "RUN for TARGETARCH in amd64 arm64; do echo $TARGETARCH; done",
    "RUN TARGETARCH=$(dpkg --print-architecture) && echo $TARGETARCH",
    "RUN echo '$TARGETARCH' \\$TARGETARCH",
    'RUN ["echo", "$TARGETARCH"]',
])
def test_run_sets_or_does_not_expand_the_name(run):
    assert check_text(f"FROM debian:12.8\n{run}\n", "DW930") == []


# ---- DW931 NoEmptyContinuation ------------------------------------------------------------------

def test_empty_continuation_line_is_found_and_removed():
    text = ("FROM debian:12.8\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n"
            "\n    curl \\\n  \n    wget\n")
    [finding] = check_text(text, "DW931")
    assert finding.location.line == 3 and "2 empty lines" in finding.message
    fixed = apply(text, finding.fix)
    assert fixed == ("FROM debian:12.8\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n"
                     "    curl \\\n    wget\n")
    assert check_text(fixed, "DW931") == []


@pytest.mark.parametrize("text", [
    "FROM debian:12.8\nEXPOSE \\\n# port\n80\n",
    "FROM debian:12.8\nRUN <<EOT\necho a\n\necho b\nEOT\n",
    "FROM debian:12.8\nRUN echo a\n\nRUN echo b\n",
])
def test_comments_heredoc_bodies_and_blank_lines_between_instructions_are_fine(text):
    assert check_text(text, "DW931") == []


# ---- WorkdirRelativePath is DL3000 -------------------------------------------------------------

def test_relative_workdir_without_absolute_one_before():
    [finding] = check_text("FROM nginx:1.27.3\nWORKDIR usr/share/nginx/html\n", "DL3000")
    assert where([finding]) == [(2, 9, 29)]


def test_relative_workdir_after_an_absolute_one_in_the_lineage_is_fine():
    text = "FROM debian:12.8 AS base\nWORKDIR /srv\nFROM base\nWORKDIR app\n"
    assert check_text(text, "DL3000") == []


# ---- DW933 InvalidDefinitionDescription ---------------------------------------------------------

def test_comment_above_stage_or_arg_must_start_with_its_name():
    text = ("# bar this is the bar\nARG foo=bar\n# BasE this is the BasE image\nFROM scratch AS base\n"
            "# VERSION the version\nARG VERSION=1\n# spaced\n\nARG baz=quux\nFROM scratch\n")
    found = check_text(text, "DW933")
    assert [f.location.line for f in found] == [1, 3]
    fixed = text
    for finding in reversed(found):
        fixed = apply(fixed, finding.fix)
    assert check_text(fixed, "DW933") == []
    assert "# bar this is the bar\n\nARG foo=bar\n" in fixed


# ---- every BuildKit check name ------------------------------------------------------------------

@pytest.mark.parametrize("name", BUILDKIT_CHECKS)
def test_buildkit_check_names_can_be_selected_and_ignored(name, tmp_path):
    assert len(BUILDKIT_CHECKS) == 22
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12.8\n")
    for flag, value in (("--select", name), ("--ignore", name), ("--select", f"buildkit:{name}")):
        proc = subprocess.run([sys.executable, "-m", "dockwise", "check", "--no-context", flag, value,
                               str(dockerfile)], capture_output=True, text=True)
        assert proc.returncode in (0, 1), proc.stderr


def test_check_skip_comment_above_one_instruction(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12.8\n# check=skip=UndefinedVar\nCOPY tool-${TARGETARCH} /x\n"
                          "COPY tool-${TARGETARCH} /y\n")
    proc = subprocess.run([sys.executable, "-m", "dockwise", "check", "--no-context", "--select", "DW930",
                           "--format", "json", str(dockerfile)], capture_output=True, text=True)
    import json
    assert [f["line"] for f in json.loads(proc.stdout)["findings"]] == [4]
