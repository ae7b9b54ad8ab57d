"""Family 1: base images that are not pinned (DL3006, DL3007, DW101, DW102)."""

from __future__ import annotations

from dockwise.findings import Severity
from tests.support.rules import check_text, where


def test_untagged_image_points_at_the_image_word():
    found = check_text("FROM --platform=linux/amd64 debian AS base\nRUN true\n", "DL3006")
    assert where(found) == [(1, 29, 35)]
    assert "debian:latest" in found[0].message


def test_tagged_digest_scratch_and_stage_references_are_not_untagged():
    text = ("FROM golang:1.22.5 AS build\nFROM build AS test\nFROM scratch\n"
            "FROM ruby@sha256:" + "a" * 64 + "\nFROM ${UNKNOWN}\n")
    assert check_text(text, "DL3006") == []


def test_untagged_image_through_an_arg_default_is_reported_once_at_the_arg():
    found = check_text("ARG BASE=debian\nFROM ${BASE}\n", "DL3006")
    assert where(found) == [(1, 10, 16)]
    assert "line 2" in found[0].message


def test_latest_tag_points_at_the_tag():
    found = check_text("FROM debian:latest AS builder\n", "DL3007")
    assert where(found) == [(1, 13, 19)]


def test_latest_with_digest_is_pinned():
    assert check_text("FROM debian:latest@sha256:" + "b" * 64 + "\n", "DL3007") == []


def test_latest_through_arg_is_reported_once_at_the_arg_default():
    text = "ARG TAG=latest\nFROM node:${TAG} AS a\nFROM node:${TAG}\n"
    found = check_text(text, "DL3007")
    assert where(found) == [(1, 9, 15)]
    assert "ARG TAG" in found[0].message and "line 2" in found[0].message


def test_floating_tags():
    text = "FROM node:lts-alpine\nFROM python:3\nFROM alpine:edge\nFROM nginx:stable\n"
    found = check_text(text, "DW101")
    assert where(found) == [(1, 11, 21), (2, 13, 14), (3, 13, 17), (4, 12, 18)]
    assert all(f.severity is Severity.WARNING for f in found)


def test_missing_patch_level_is_info_and_full_versions_are_fine():
    text = "FROM python:3.12-slim\nFROM python:3.12.7-slim\nFROM postgres:16.4\nFROM ubuntu:22.04\n"
    found = check_text(text, "DW101")
    assert where(found) == [(1, 13, 22)]
    assert found[0].severity is Severity.INFO


def test_digest_advice_only_for_tag_pinned_images():
    text = ("FROM python:3.12.7-slim AS build\nFROM debian:latest\nFROM node:lts\n"
            "FROM alpine:3.20.3@sha256:" + "c" * 64 + "\nFROM build\n")
    found = check_text(text, "DW102")
    assert where(found) == [(1, 6, 24)]
    assert found[0].severity is Severity.INFO


def test_floating_version_from_an_arg_default_is_reported_at_the_default():
    found = check_text('ARG PY_VERSION="3"\nFROM python:${PY_VERSION}-slim\n', "DW101")
    assert where(found) == [(1, 16, 19)]
    assert found[0].message.startswith("ARG PY_VERSION defaults to `3`, which makes")


ARG_FROMS = ("ARG TAG\nARG VARIANT\nARG GOOD=3.20.3\n"
             "FROM busybox:${TAG} AS a\n"
             "FROM busybox:stable${VARIANT} AS b\n"
             "FROM alpine:${TAG:-3.14} AS c\n"
             "FROM node:22${NOPE} AS d\n"
             "FROM --platform=$BUILDPLATFROM alpine:${GOOD} AS e\n"
             "FROM --platform=$BUILDPLATFORM ${TARGETARCH}/alpine:${GOOD}\n")


def test_undefined_arg_in_from_points_at_the_reference_and_the_platform_flag():
    found = check_text(ARG_FROMS, "DW103")
    assert where(found) == [(7, 13, 20), (8, 6, 31)]
    assert "ARG NOPE" in found[0].message


def test_arg_default_that_leaves_an_invalid_image():
    found = check_text(ARG_FROMS, "DW104")
    assert where(found) == [(4, 6, 20)]
    assert "`busybox:`" in found[0].message and "give ARG TAG a default" in found[0].message


def test_quoted_arg_defaults_are_processed_like_buildkit():
    text = 'ARG BASE="ubuntu:24.04"\nARG TAG=3.20.3\nARG IMG="alpine:$TAG"\nFROM $BASE AS a\nFROM ${IMG}\n'
    assert check_text(text, "DW104") == []


def test_redundant_target_platform_is_removed_by_the_fix():
    text = "FROM --platform=$TARGETPLATFORM alpine:3.20.3 AS run\nFROM --platform=$BUILDPLATFORM golang:1.23.4\n"
    found = check_text(text, "DL3065")
    assert where(found) == [(1, 6, 32)]
    edit = found[0].fix.edits[0]
    assert text[:edit.start] + edit.replacement + text[edit.end:] == (
        "FROM alpine:3.20.3 AS run\nFROM --platform=$BUILDPLATFORM golang:1.23.4\n")
