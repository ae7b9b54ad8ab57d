"""Family 4: build tools and SDK base images in the image that ships (DW401, DW402)."""

from __future__ import annotations

from tests.support.rules import check_text, where


# What makes a file an application image: it copies the application in and runs it (a file
# with neither is a base or tool image, whose tools are its point).
APP = "COPY . /app\nCMD [\"/app/run\"]\n"

def test_compilers_in_the_final_stage_point_at_the_first_tool_and_list_all():
    text = ("FROM python:3.12.7-slim\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
            "    curl build-essential libpq-dev=15.8-0+deb12u1 \\\n"
            "    && rm -rf /var/lib/apt/lists/*\n" + APP)
    found = check_text(text, "DW401")
    assert where(found) == [(3, 10, 25)]
    assert "`build-essential`, `libpq-dev`" in found[0].message
    assert "builder stage" in found[0].message


def test_builder_stage_only_copied_from_is_fine():
    text = ("FROM golang:1.23.4 AS build\nRUN apt-get update && apt-get install -y gcc make\n"
            "FROM debian:12.8-slim\nCOPY --from=build /out/app /app\n")
    assert check_text(text, "DW401") == []


def test_stage_the_final_stage_is_built_from_ships():
    text = ("FROM alpine:3.20.3 AS base\nRUN apk add --no-cache gcc musl-dev\n"
            "FROM base\nCMD [\"/app/run\"]\n")
    assert where(check_text(text, "DW401")) == [(2, 24, 27)]


def test_tools_removed_in_the_same_run_are_fine():
    text = ("FROM alpine:3.20.3\n"
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n"
            "    && make install && apk del .build-deps\n"
            "RUN apt-get install -y gcc && apt-get purge -y --auto-remove gcc\n"
            "RUN yum install -y gcc-11.3 make-4.3 && yum remove -y $BUILD_DEPS\n")
    assert check_text(text, "DW401") == []


def test_rpm_versions_and_jdk_are_recognised_but_runtime_packages_are_not():
    text = ("FROM fedora:41\nRUN dnf install -y gcc-14.2.1 openssl-3.2.2 && dnf clean all\n"
            "RUN dnf install -y java-17-openjdk-devel-17.0.13 java-17-openjdk-headless\n" + APP)
    found = check_text(text, "DW401")
    assert where(found) == [(2, 20, 30), (3, 20, 49)]
    assert "openssl" not in found[0].message


def test_sdk_base_images_in_the_final_stage():
    cases = {
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n": (1, 6, 42),
        "FROM golang:1.23.4\n": (1, 6, 19),
        "FROM mcr.microsoft.com/dotnet/sdk:8.0.404\n": (1, 6, 42),
        "FROM eclipse-temurin:21.0.5_11-jdk AS base\nFROM base\n": (1, 6, 35),
    }
    for text, expected in cases.items():
        assert where(check_text(text + APP, "DW402")) == [expected], text


def test_runtime_images_and_sdk_builders_are_fine():
    for text in ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n",
                 "FROM eclipse-temurin:21.0.5_11-jre\n",
                 "FROM golang:1.23.4 AS build\nFROM gcr.io/distroless/static-debian12\n"):
        assert check_text(text, "DW402") == [], text


def test_full_language_images_in_the_final_stage_are_info():
    found = check_text("FROM python:latest\n" + APP, "DW402")
    assert where(found) == [(1, 6, 19)]
    assert found[0].severity.name == "INFO" and "python:<version>-slim" in found[0].message
    for text in ("FROM python:3.12.7-slim\n", "FROM node:20.18.1-alpine3.20\n",
                 "FROM python:3.12.7 AS build\nFROM python:3.12.7-slim\n", "FROM myorg/python:3\n"):
        assert check_text(text, "DW402") == [], text
