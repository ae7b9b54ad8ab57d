"""--select / --ignore resolution and the hadolint config file."""

from __future__ import annotations

import pytest

from dockwise.config import config_for_dir, find_config_path, load_config
from dockwise.engine.selection import RuleIndex, Selection, SelectionError, split_tokens
from dockwise.errors import InputError
from dockwise.findings import RuleInfo, Severity


def info(code: str, name: str, *aliases: str) -> RuleInfo:
    return RuleInfo(code=code, name=name, severity=Severity.WARNING, summary="s", rationale="r",
                    aliases=aliases)


INDEX = RuleIndex([
    info("DL3008", "apt-get-pin-versions", "hadolint:DL3008"),
    info("DL3009", "apt-lists-not-removed"),
    info("DL4003", "multiple-cmd", "buildkit:MultipleInstructionsDisallowed"),
    info("DW101", "unpinned-base", "CKV_DOCKER_7"),
    info("DW108", "json-args", "buildkit:JSONArgsRecommended"),
    info("DW201", "update-alone"),
])


def test_split_tokens_flattens_commas_and_repeats():
    assert split_tokens(["DL3008, DW1", "DL3009,"]) == ["DL3008", "DW1", "DL3009"]
    assert split_tokens(None) == []


@pytest.mark.parametrize("token,codes", [
    ("DL3008", {"DL3008"}),
    ("dl3008", {"DL3008"}),
    ("DW1", {"DW101", "DW108"}),
    ("DL30", {"DL3008", "DL3009"}),
    ("DL", {"DL3008", "DL3009", "DL4003"}),
    ("apt-lists-not-removed", {"DL3009"}),
    ("JSONArgsRecommended", {"DW108"}),
    ("buildkit:jsonargsrecommended", {"DW108"}),
    ("CKV_DOCKER_7", {"DW101"}),
    ("ALL", {"DL3008", "DL3009", "DL4003", "DW101", "DW108", "DW201"}),
    ("DI", set()),  # a family with no rules yet selects nothing, without an error
])
def test_tokens_resolve(token, codes):
    assert INDEX.resolve(token) == codes


@pytest.mark.parametrize("token", ["DL9999", "DW9", "no-such-rule", "Bogus"])
def test_unknown_select_is_an_error(token):
    with pytest.raises(SelectionError, match="unknown rule"):
        Selection.from_options(INDEX, [token], None)


def test_ignore_tolerates_hadolint_and_shellcheck_codes_we_lack():
    selection = Selection.from_options(INDEX, None, ["DL3057,SC2086", "DW1"])
    assert not selection.enabled("DW101")
    assert selection.enabled("DL3008")
    with pytest.raises(SelectionError):
        Selection.from_options(INDEX, None, ["not-a-rule"])


def test_select_then_ignore():
    selection = Selection.from_options(INDEX, ["DL,DW1"], ["DL3009"])
    assert selection.enabled("DL3008") and selection.enabled("DW108")
    assert not selection.enabled("DL3009")
    assert not selection.enabled("DW201")


def write(path, text):
    path.write_text(text)
    return path


def test_config_found_in_parent_up_to_repo_root(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".hadolint.yaml", "ignored: [DL3008]\n")
    sub = tmp_path / "svc" / "api"
    sub.mkdir(parents=True)
    assert find_config_path(str(sub)) == str(tmp_path / ".hadolint.yaml")
    outside = tmp_path / "inner"
    (outside / ".git").mkdir(parents=True)
    assert find_config_path(str(outside)) is None  # a nested repo stops the search


def test_config_fields(tmp_path):
    path = write(tmp_path / ".hadolint.yml", """
ignored:
  - DL3008
  - JSONArgsRecommended
override:
  error: [DL3009]
  info:
    - DW101
failure-threshold: error
trustedRegistries: [docker.io]
""")
    config = load_config(str(path))
    assert config.ignored == ("DL3008", "JSONArgsRecommended")
    assert config.overrides == {"DL3009": Severity.ERROR, "DW101": Severity.INFO}
    assert config.failure_threshold is Severity.ERROR
    assert config_for_dir(str(tmp_path)).ignored == config.ignored


def test_config_registries_and_label_schema(tmp_path):
    path = write(tmp_path / ".hadolint.yaml", """
trustedRegistries:
  - docker.io
  - "*.corp.example"
label-schema:
  org.opencontainers.image.source: url
  org.opencontainers.image.licenses: SPDX
  author: text
strict-labels: true
""")
    config = load_config(str(path))
    assert config.trusted_registries == ("docker.io", "*.corp.example")
    assert config.label_schema == (("org.opencontainers.image.source", "url"),
                                   ("org.opencontainers.image.licenses", "spdx"), ("author", "text"))
    assert config.label_types["author"] == "text"
    assert config.strict_labels is True


def test_config_without_registries_or_schema_leaves_the_rules_off(tmp_path):
    config = load_config(str(write(tmp_path / ".hadolint.yaml", "ignored: [DL3008]\n")))
    assert config.trusted_registries == () and config.label_schema == () and not config.strict_labels


@pytest.mark.parametrize("text,message", [
    ("ignored: DL3008\n", "must be a list"),
    ("- a\n- b\n", "must be a mapping"),
    ("ignored: [\n", "not valid YAML"),
    ("failure-threshold: loud\n", "unknown failure-threshold"),
    ("trustedRegistries: docker.io\n", "'trustedRegistries' must be a list"),
    ("trustedRegistries: [docker.io, 5000]\n", "'trustedRegistries' must be a list"),
    ("trustedRegistries: [docker.io, '']\n", "'trustedRegistries' must be a list"),
    ("label-schema: [version]\n", "'label-schema' must be a mapping"),
    ("label-schema:\n  version: semvar\n", "'label-schema.version' must be one of text, url"),
    ("label-schema:\n  version: [semver]\n", "'label-schema.version' must be one of"),
    ("label-schema:\n  version:\n", "'label-schema.version' must be one of"),
    ("label-schema:\n  1: text\n", "keys must be label names"),
    ("strict-labels: 'true'\n", "'strict-labels' must be true or false"),
])
def test_bad_config_is_one_clear_error(tmp_path, text, message):
    path = write(tmp_path / ".hadolint.yaml", text)
    with pytest.raises(InputError, match=message) as caught:
        load_config(str(path))
    assert caught.value.path == str(path)
