"""The configuration-driven hadolint rules: trusted registries (DL3026), the label schema
(DL3049-DL3056, DL3058) and the blanket HEALTHCHECK rule (DL3057)."""

from __future__ import annotations

import json

import pytest

from dockwise.check.config import LintConfig
from dockwise.catalog import all_rules
from dockwise.model import build_model
from dockwise.rules import _spdx
from dockwise.rules.labels import _values as labels
from dockwise.rules.base import CheckTarget
from dockwise.rules.base_images.registries import is_trusted
from dockwise.syntax import parse_dockerfile
from tests.support.rules import rule_of, where

CODES = ("DL3026", "DL3049", "DL3050", "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3057",
         "DL3058")
RULES = [r for r in all_rules() if r.info.code in CODES]


def check(code: str, text: str, **config) -> list:
    """The findings of rule ``code`` on ``text`` under a LintConfig built from ``config``."""
    tree = parse_dockerfile(text, "Dockerfile")
    target = CheckTarget("Dockerfile", tree, build_model(tree), config=LintConfig(**config))
    return sorted(rule_of(code)().check(target), key=lambda f: f.sort_key)


def lines(findings) -> list[int]:
    return [f.location.line for f in findings]


# -- the examples `dockwise explain` shows are real (under the config their comment names) -----

EXAMPLE_CONFIG = {
    "DL3026": {"trusted_registries": ("registry.example.com",)},
    "DL3049": {"label_schema": (("org.opencontainers.image.source", "url"),)},
    "DL3050": {"label_schema": (("org.opencontainers.image.source", "url"),), "strict_labels": True},
    "DL3051": {"label_schema": (("org.opencontainers.image.vendor", "text"),)},
    "DL3052": {"label_schema": (("org.opencontainers.image.source", "url"),)},
    "DL3053": {"label_schema": (("org.opencontainers.image.created", "rfc3339"),)},
    "DL3054": {"label_schema": (("org.opencontainers.image.licenses", "spdx"),)},
    "DL3055": {"label_schema": (("org.opencontainers.image.revision", "hash"),)},
    "DL3056": {"label_schema": (("org.opencontainers.image.version", "semver"),)},
    "DL3057": {},
    "DL3058": {"label_schema": (("maintainer", "email"),)},
}


def test_every_code_is_implemented_once():
    assert sorted(r.info.code for r in RULES) == sorted(EXAMPLE_CONFIG)


@pytest.mark.parametrize("rule", RULES, ids=[r.info.code for r in RULES])
def test_bad_example_fires_and_good_example_does_not(rule):
    config = EXAMPLE_CONFIG[rule.info.code]
    assert check(rule.info.code, rule.info.bad_example, **config)
    assert check(rule.info.code, rule.info.good_example, **config) == []
    assert f"hadolint:{rule.info.code}" in rule.info.aliases


@pytest.mark.parametrize("rule", [r for r in RULES if r.info.code != "DL3057"],
                         ids=lambda r: r.info.code)
def test_without_config_the_rule_finds_nothing(rule):
    assert check(rule.info.code, rule.info.bad_example) == []


# -- DL3026: trusted registries ------------------------------------------------------------------

HUB_FORMS = "FROM ubuntu:24.04 AS a\nFROM org/app:1 AS b\nFROM docker.io/org/app:1 AS c\n" \
            "FROM index.docker.io/library/debian:12\n"


def test_docker_hub_in_every_spelling_is_docker_io():
    assert check("DL3026", HUB_FORMS, trusted_registries=("docker.io",)) == []
    assert lines(check("DL3026", HUB_FORMS, trusted_registries=("ghcr.io",))) == [1, 2, 3, 4]


@pytest.mark.parametrize("registry, trusted, expected", [
    ("ghcr.io", ("ghcr.io",), True),
    ("GHCR.io", ("ghcr.io",), True),
    ("eu.corp.example", ("*.corp.example",), True),
    ("a.b.corp.example", ("*.corp.example",), True),
    ("corp.example", ("*.corp.example",), False),
    ("evilcorp.example", ("*.corp.example",), False),
    ("localhost:5000", ("localhost:5000",), True),
    ("localhost:5000", ("localhost",), False),  # the port is part of the registry's name
    ("quay.io", ("*",), True),
    ("quay.io", ("docker.io", "ghcr.io"), False),
])
def test_registry_matching(registry, trusted, expected):
    assert is_trusted(registry, trusted) is expected


def test_untrusted_from_is_reported_on_the_image_word():
    found = check("DL3026", "FROM quay.io/org/app:1.2\n", trusted_registries=("docker.io",))
    assert where(found) == [(1, 6, 25)]
    assert "quay.io" in found[0].message and "trustedRegistries" in found[0].message


def test_stages_scratch_and_unknown_images_are_not_pulled_from_a_registry():
    text = ("ARG BASE\nFROM ghcr.io/org/base:1 AS base\nFROM base AS second\nFROM scratch\n"
            "COPY --from=base /a /a\nCOPY --from=0 /b /b\nFROM ${BASE}\n")
    assert check("DL3026", text, trusted_registries=("ghcr.io",)) == []


def test_copy_from_and_mount_from_images_count():
    text = ("FROM ghcr.io/org/base:1\nCOPY --from=quay.io/org/tool:1 /t /t\n"
            "RUN --mount=type=bind,from=gcr.io/distroless/static,target=/s true\n")
    found = check("DL3026", text, trusted_registries=("ghcr.io",))
    assert lines(found) == [2, 3]
    assert where(found)[0] == (2, 6, 31)


def test_arg_defaults_are_expanded():
    text = "ARG REG=quay.io\nFROM ${REG}/org/app:1\n"
    assert lines(check("DL3026", text, trusted_registries=("docker.io",))) == [2]


# -- DL3049: required labels ---------------------------------------------------------------------

SCHEMA = (("org.opencontainers.image.source", "url"),)
SOURCE = "LABEL org.opencontainers.image.source=https://example.com/app\n"


def missing(text: str) -> list[int]:
    return lines(check("DL3049", text, label_schema=SCHEMA))


def test_a_stage_without_the_label_is_reported_at_its_from():
    found = check("DL3049", "FROM alpine:3.20\nCMD [\"app\"]\n", label_schema=SCHEMA)
    assert where(found) == [(1, 6, 17)]
    assert "org.opencontainers.image.source" in found[0].message


def test_a_label_set_in_a_parent_stage_is_inherited():
    assert missing("FROM alpine:3.20 AS base\n" + SOURCE + "FROM base\nCMD [\"app\"]\n") == []


def test_a_builder_read_by_a_labelled_stage_needs_no_label():
    assert missing("FROM golang:1.23 AS build\nRUN go build\nFROM alpine:3.20\n" + SOURCE +
                   "COPY --from=build /app /app\n") == []
    # ... also through an intermediate stage
    assert missing("FROM golang:1.23 AS build\nFROM build AS test\nFROM alpine:3.20\n" + SOURCE +
                   "COPY --from=test /app /app\n") == []


def test_every_unlabelled_result_and_its_unlabelled_parents_are_reported():
    assert missing("FROM alpine:3.20 AS base\nFROM base\n") == [1, 2]
    assert missing("FROM alpine:3.20 AS base\nFROM alpine:3.20\n" + SOURCE) == [1]


def test_stages_reading_each_other_end_the_search():
    assert missing("FROM alpine:3.20 AS a\nCOPY --from=1 /x /x\nFROM a\n") == [1, 3]
    assert missing("FROM alpine:3.20 AS a\nCOPY --from=1 /x /x\nFROM a\n" + SOURCE) == []


def test_a_long_chain_of_stages_is_no_problem():
    text = "FROM alpine:3.20 AS s0\n" + "".join(f"FROM s{i} AS s{i + 1}\n" for i in range(1500))
    assert len(missing(text)) == 1501
    assert missing(text + SOURCE) == []


def test_each_schema_label_is_required_separately():
    schema = SCHEMA + (("org.opencontainers.image.version", "semver"),)
    found = check("DL3049", "FROM alpine:3.20\n" + SOURCE, label_schema=schema)
    assert len(found) == 1 and "org.opencontainers.image.version" in found[0].message


def test_onbuild_label_does_not_label_this_image():
    assert missing("FROM alpine:3.20\nONBUILD " + SOURCE) == [1]


# -- DL3050: strict labels -----------------------------------------------------------------------

def test_strict_labels_reports_each_label_outside_the_schema_on_its_key():
    text = "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://x.io team=web\n"
    found = check("DL3050", text, label_schema=SCHEMA, strict_labels=True)
    assert where(found) == [(2, 52, 56)]
    assert check("DL3050", text, label_schema=SCHEMA) == []  # strict-labels off


# -- DL3051 and the typed labels -----------------------------------------------------------------

def test_an_empty_schema_label_is_dl3051_and_not_also_a_type_error():
    text = 'FROM alpine:3.20\nLABEL org.opencontainers.image.source="" other=""\n'
    assert where(check("DL3051", text, label_schema=SCHEMA)) == [(2, 39, 41)]
    assert check("DL3052", text, label_schema=SCHEMA) == []


def test_values_are_judged_after_expansion_and_unknown_ones_not_at_all():
    schema = (("org.opencontainers.image.version", "semver"),)
    good = "FROM alpine:3.20\nARG VERSION=1.2.3\nLABEL org.opencontainers.image.version=$VERSION\n"
    bad = "FROM alpine:3.20\nARG VERSION=latest\nLABEL org.opencontainers.image.version=$VERSION\n"
    unknown = "FROM alpine:3.20\nARG VERSION\nLABEL org.opencontainers.image.version=${VERSION}\n"
    assert check("DL3056", good, label_schema=schema) == []
    assert lines(check("DL3056", bad, label_schema=schema)) == [3]
    assert check("DL3056", unknown, label_schema=schema) == []
    assert check("DL3051", unknown, label_schema=schema) == []


def test_legacy_label_form_is_read():
    text = "FROM alpine:3.20\nLABEL maintainer not an address\n"
    found = check("DL3058", text, label_schema=(("maintainer", "email"),))
    assert lines(found) == [2]


TYPE_CASES = {
    "url": (["https://github.com/org/app", "http://example.com", "https://host:8443/x?y=1#z",
             "mailto:team@example.com", "urn:isbn:0451450523"],
            ["not-url", "github.com/org/app", "https://", "https:///path", "http://exa mple.com", ""]),
    "rfc3339": (["2021-03-10T10:26:33.564595127+01:00", "2024-05-01T12:30:00Z", "2024-02-29t00:00:00z",
                 "2016-12-31T23:59:60Z"],
                ["not-date", "2024-05-01", "2024-05-01 12:30:00Z", "2023-02-29T00:00:00Z",
                 "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:30:00", "05/01/2024"]),
    "hash": (["2dbfae9", "43c572f1272b6b3171dd1db9e41b7027128ce080", "a" * 64],
             ["not-git-hash", "2dbfae", "main", "v1.0.0", "g2dbfae9", "a" * 41]),
    "semver": (["1.0.0", "2.0.1-rc1", "1.0.0-alpha.1+build.5", "0.0.0+20240501"],
               ["not-sem-ver", "1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "latest"]),
    "email": (["abcd@google.com", "first.last+tag@sub.example.org", "a@localhost", '"odd name"@example.com'],
              ["not-email", "Jane <jane@example.com>", "a@@b.com", "a@b..com", "@example.com", "a b@c.com"]),
}


@pytest.mark.parametrize("kind, value, valid", [
    (kind, value, ok) for kind, (good, bad) in TYPE_CASES.items()
    for ok, values in ((True, good), (False, bad)) for value in values])
def test_type_validators(kind, value, valid):
    assert labels.VALIDATORS[kind][0](value) is valid


@pytest.mark.parametrize("value, valid", [
    ("MIT", True), ("mit", True), ("BSD-3-Clause", True), ("Apache-2.0 OR MIT", True),
    ("(MIT OR Apache-2.0) AND BSD-2-Clause", True), ("GPL-2.0-or-later WITH Classpath-exception-2.0", True),
    ("GPL-2.0+", True), ("LicenseRef-acme-eula", True), ("DocumentRef-sbom:LicenseRef-acme", True),
    ("mit or apache-2.0", True),
    ("not-spdx", False), ("Apache 2", False), ("MIT OR", False), ("(MIT", False), ("MIT)", False),
    ("MIT WITH MIT", False), ("AND MIT", False), ("LicenseRef-", False), ("MIT, Apache-2.0", False),
])
def test_spdx_expressions(value, valid):
    assert labels.is_spdx(value) is valid


def test_spdx_ids_are_real_spdx_ids():
    from packaging.licenses import _spdx as spdx  # a test dependency: the SPDX list to check against

    ids = _spdx.license_ids()
    assert not {i for i in ids if i not in spdx.LICENSES}
    assert not {i for i in _spdx.exception_ids() if i not in spdx.EXCEPTIONS}


@pytest.mark.parametrize("code, kind, bad, hint", [
    ("DL3052", "url", "example.com/app", "https://"),
    ("DL3053", "rfc3339", "yesterday", "date -u"),
    ("DL3054", "spdx", "Apache 2", "SPDX"),
    ("DL3055", "hash", "main", "commit"),
    ("DL3056", "semver", "v1.2.3", "drop the leading `v`"),
    ("DL3058", "email", "Jane <jane@example.com>", "only the address"),
])
def test_typed_label_reports_the_value_and_what_to_write(code, kind, bad, hint):
    text = f'FROM alpine:3.20\nLABEL x.y="{bad}" other="{bad}"\n'
    found = check(code, text, label_schema=(("x.y", kind),))
    assert len(found) == 1
    assert where(found) == [(2, 11, 11 + len(bad) + 2)]
    assert bad in found[0].message and hint in found[0].message


# -- DL3057: HEALTHCHECK -------------------------------------------------------------------------

def test_dl3057_is_off_by_default():
    assert rule_of("DL3057").info.default_enabled is False


@pytest.mark.parametrize("text, expected", [
    ("FROM scratch\n", [1]),
    ("FROM alpine:3.20\nHEALTHCHECK NONE\n", []),
    ("FROM alpine:3.20 AS base\nHEALTHCHECK CMD [\"probe\"]\nFROM base\n", []),
    ("FROM golang:1.23 AS build\nFROM alpine:3.20\nHEALTHCHECK NONE\nCOPY --from=build /a /a\n", []),
    ("FROM alpine:3.20 AS a\nHEALTHCHECK NONE\nFROM alpine:3.20\n", [3]),
])
def test_dl3057_judges_every_image_the_build_can_produce(text, expected):
    assert lines(check("DL3057", text)) == expected


# -- end to end: a .hadolint.yaml drives the rules through the CLI ------------------------------

HADOLINT_YAML = """\
trustedRegistries:
  - docker.io
  - "*.corp.example"
label-schema:
  org.opencontainers.image.source: url
  org.opencontainers.image.version: semver
strict-labels: true
"""

DOCKERFILE = """\
FROM golang:1.23 AS build
RUN go build -o /app
FROM registry.corp.example/base:1.0
COPY --from=quay.io/org/tool:1.0 /tool /tool
COPY --from=build /app /app
LABEL org.opencontainers.image.source=github.com/org/app \\
      org.opencontainers.image.version=1.4.0 \\
      team=web
"""


def test_hadolint_yaml_drives_the_rules_through_the_cli(tmp_path, monkeypatch, capsys):
    from dockwise.cli import main

    (tmp_path / ".git").mkdir()
    (tmp_path / ".hadolint.yaml").write_text(HADOLINT_YAML)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-context", "--format", "json",
                 "--select", "DL3026,DL3049,DL3050,DL3052,DL3056", "Dockerfile"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert sorted((f["code"], f["line"]) for f in findings) == [
        ("DL3026", 4), ("DL3050", 8), ("DL3052", 6)]
    code = main(["check", "--no-context", "--no-config", "--format", "json",
                 "--select", "DL3026,DL3049,DL3050,DL3052,DL3056", "Dockerfile"])
    assert json.loads(capsys.readouterr().out)["findings"] == [] and code == 0


def test_a_bad_label_type_in_the_config_is_exit_2_naming_file_and_key(tmp_path, monkeypatch, capsys):
    from dockwise.cli import main

    (tmp_path / ".git").mkdir()
    (tmp_path / ".hadolint.yaml").write_text("label-schema:\n  version: semvar\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-context", "Dockerfile"]) == 2
    err = capsys.readouterr().err
    assert ".hadolint.yaml: error:" in err and "label-schema.version" in err and "semvar" in err
    assert "Traceback" not in err


# -- DL3026 on --mount=from, DL3054 nesting, messages that say what to write -------------------

def test_untrusted_mount_is_reported_on_the_mount_that_names_it():
    """Two ``--mount``s reading ``from=``: the finding points at the one naming the image, not
    at the first mount (a stage)."""
    text = ("FROM ghcr.io/org/base:1 AS a\nFROM ghcr.io/org/base:1\n"
            "RUN --mount=from=a,target=/z --mount=from=gcr.io/q,target=/q true\n")
    found = check("DL3026", text, trusted_registries=("ghcr.io",))
    line = text.splitlines()[2]
    start = line.index("--mount=from=gcr.io")
    assert where(found) == [(3, start + 1, start + 1 + len("--mount=from=gcr.io/q,target=/q"))]


def test_each_of_two_untrusted_mounts_gets_its_own_span():
    text = ("FROM ghcr.io/org/base:1\n"
            "RUN --mount=from=quay.io/a,target=/a --mount=from=gcr.io/b,target=/b true\n")
    found = check("DL3026", text, trusted_registries=("ghcr.io",))
    columns = sorted(f.location.column for f in found)
    assert columns == [5, 5 + len("--mount=from=quay.io/a,target=/a ")]


def test_deeply_nested_license_expression_is_judged_not_a_crash():
    text = "(" * 5000 + "MIT" + ")" * 5000
    assert _spdx.is_license_expression(text) is False
    assert _spdx.is_license_expression("(" * 20 + "MIT" + ")" * 20) is True


def test_deeply_nested_license_label_is_a_finding(tmp_path):
    value = "(" * 3000 + "MIT" + ")" * 3000
    found = check("DL3054", f'FROM a\nLABEL lic="{value}"\n', label_schema=(("lic", "spdx"),))
    assert len(found) == 1


def test_missing_label_whose_name_needs_quotes_suggests_a_quoted_key():
    found = check("DL3049", "FROM a\n", label_schema=(("team name", "text"),))
    assert 'LABEL "team name"=<value>' in found[0].message


def test_a_huge_label_value_is_shortened_in_the_message():
    value = "x" * 5000
    found = check("DL3052", f"FROM a\nLABEL src={value}\n", label_schema=(("src", "url"),))
    assert len(found) == 1 and len(found[0].message) < 600


def test_spaces_around_equals_in_a_label_get_a_hint():
    """``LABEL key = "v"`` is the legacy form: the value is ``= v``; say so."""
    found = check("DL3056", 'FROM a\nLABEL ver = "1.0.0"\n', label_schema=(("ver", "semver"),))
    assert len(found) == 1 and "`key=value`" in found[0].message
