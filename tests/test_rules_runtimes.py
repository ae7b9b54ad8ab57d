"""Family 11: JVMs and Node.js versions that ignore the container's memory limit."""

from __future__ import annotations

import pytest

from tests.support.rules import check_text, where


@pytest.mark.parametrize("image", ["openjdk:8u181-jre", "java:8", "openjdk:9", "openjdk:9-jdk-slim",
                                   "openjdk:7u221", "java:8-jdk-alpine", "openjdk:1.8.0_171"])
def test_old_jdk_images(image):
    found = check_text(f"FROM {image}\n", "DW921")
    tag = image.split(":", 1)[1]
    assert where(found) == [(1, 6 + len(image) - len(tag), 6 + len(image))]
    assert "-XX:MaxRAM" in found[0].message


@pytest.mark.parametrize("image", ["openjdk:8u191-jre", "openjdk:8", "openjdk:11", "eclipse-temurin:8u172-b11-jdk",
                                   "openjdk:17-slim", "amazoncorretto:8"])
def test_container_aware_jdks(image):
    assert check_text(f"FROM {image}\n", "DW921") == []


def test_java_version_arg_is_reported_on_the_value_not_again_on_from():
    text = "ARG JAVA_VERSION=8u171\nFROM openjdk:${JAVA_VERSION}-jre\n"
    assert where(check_text(text, "DW921")) == [(1, 18, 23)]


@pytest.mark.parametrize("image", ["node:10", "node:8-alpine", "node:carbon", "node:6.17.1-slim"])
def test_old_node_images(image):
    found = check_text(f"FROM {image}\n", "DW922")
    tag = image.split(":", 1)[1]
    assert where(found) == [(1, 6 + len(image) - len(tag), 6 + len(image))]
    assert "--max-old-space-size" in found[0].message


@pytest.mark.parametrize("image", ["node:12", "node:22-slim", "node:lts", "node"])
def test_current_node_images(image):
    assert check_text(f"FROM {image}\n", "DW922") == []


def test_node_version_arg():
    text = "FROM debian:12\nARG NODE_VERSION=10.16.0\nRUN curl -fsSLO https://nodejs.org/dist/v$NODE_VERSION/x\n"
    found = check_text(text, "DW922")
    assert where(found) == [(2, 18, 25)]
    assert "Node.js 10" in found[0].message


def test_a_builder_stage_on_old_node_does_not_run_in_the_image():
    text = "FROM node:10 AS assets\nRUN npm ci && npm run build\nFROM nginx:1.27\nCOPY --from=assets /dist /usr/share/nginx/html\n"
    assert check_text(text, "DW922") == []


def test_node_zero_versions_are_named_exactly():
    found = check_text("FROM node:0.10\n", "DW922")
    assert "Node.js 0.10" in found[0].message
