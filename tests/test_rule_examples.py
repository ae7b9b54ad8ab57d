"""Every rule of the catalogue fires on its own bad example and stays silent on its good one.

The examples are what `dockwise explain`, docs/rules and SARIF show users, so they must be
true. A new rule is in here the moment it exists; there is no list to add it to.

- A Dockerfile rule's (``DL``/``DW``) example is a Dockerfile. One without a ``FROM`` line that
  does not start with ``ARG`` is a fragment and runs after ``FROM debian:12.8``. A first line
  ``# .hadolint.yaml: KEY: VALUE, ...`` is the configuration the example runs under; a line
  ``# registry: {"REF": {...}}`` is what the base images' registry answers (the rules of
  ``dockwise check --registry``; see ``StaticFacts.from_json``).
- A context rule's (``DC``) example is a :class:`~dockwise.examples.ContextExample`: the files
  are written into a fresh directory, which is then checked as the build context (with the
  map's ``Dockerfile``, if it has one).
- An image rule's (``DI``) example is an :class:`~dockwise.examples.ImageExample`: its layers and
  config are built into an OCI layout, which is then analysed as ``dockwise image`` does.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from dockwise.catalog import all_rules
from dockwise.config import LintConfig, load_config
from dockwise.context.check import ContextTarget, read_context
from dockwise.examples import DELETED, NAMED_PIPE, ContextExample, ImageExample
from dockwise.findings import ContextRule, ImageRule
from dockwise.image.analyze import analyze
from dockwise.image.registry.facts import StaticFacts
from dockwise.image.rules.base import ImageOptions, ImageTarget
from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile
from tests.support.image_kit import config_for, directory, file, layer_tar, whiteout, write_oci_layout

RULES = all_rules()
IDS = [r.info.code for r in RULES]
FRAGMENT_BASE = "FROM debian:12.8\n"
CONFIG_LINE = re.compile(r"# \.hadolint\.yaml: (.*)")
REGISTRY_LINE = re.compile(r"(?m)^# registry: (.*)$")  # what the registry says (rules of `check --registry`)


# ------------------------------------------------------------------------ running an example

def dockerfile_findings(rule, example: str, tmp_path) -> list:
    config = LintConfig()
    declared = CONFIG_LINE.match(example)
    if declared:
        yaml.safe_load("{" + declared.group(1) + "}")  # a readable error if the comment is not YAML
        path = tmp_path / ".hadolint.yaml"
        path.write_text("{" + declared.group(1) + "}\n")
        config = load_config(str(path))
    is_fragment = not re.search(r"(?im)^\s*from\s", example) and not example.lstrip().upper().startswith("ARG")
    text = FRAGMENT_BASE + example if is_fragment else example
    tree = parse_dockerfile(text.rstrip("\n") + "\n", str(tmp_path / "Dockerfile"))
    registry = REGISTRY_LINE.search(example)
    facts = StaticFacts.from_json(registry.group(1)) if registry else None
    target = CheckTarget(str(tmp_path / "Dockerfile"), tree, build_model(tree), config=config, registry=facts)
    return list(rule().check(target))


def write_context(root, files: dict) -> None:
    for path, value in files.items():
        mode = None
        if isinstance(value, tuple):
            value, mode = value
        where = root / path
        where.parent.mkdir(parents=True, exist_ok=True)
        if value is NAMED_PIPE:
            os.mkfifo(where)
        elif isinstance(value, int):
            with open(where, "wb") as out:
                out.truncate(value)  # sparse: the size is what counts, not the bytes
        else:
            where.write_text(value)
        if mode is not None:
            os.chmod(where, mode)


def context_findings(rule, example: ContextExample, root) -> list:
    root.mkdir()
    write_context(root, example.files)
    dockerfile_path = dockerfile = None
    if "Dockerfile" in example.files:
        dockerfile_path = str(root / "Dockerfile")
        dockerfile = parse_dockerfile(example.files["Dockerfile"], dockerfile_path)
    target = ContextTarget(read_context(str(root), dockerfile_path), dockerfile, dockerfile_path)
    return list(rule().check(target))


def layer_specs(layer: dict) -> list[tuple]:
    specs = []
    for path, value in layer.items():
        path = path.lstrip("/")
        mode = 0o644
        if isinstance(value, tuple):
            value, mode = value
        if value is DELETED:
            specs.append(whiteout(path))
        elif path.endswith("/"):
            specs.append(directory(path.rstrip("/")))
        else:
            specs.append(file(path, value.encode() if isinstance(value, str) else value, mode))
    return specs


def image_findings(rule, example: ImageExample, root) -> list:
    tars = [layer_tar(*layer_specs(layer)) for layer in example.layers]
    layout = write_oci_layout(root, tars, config=config_for(tars, **example.config))
    target = ImageTarget(analyze(str(layout)), ImageOptions(**example.options))
    return list(rule().check(target))


def findings(rule, example: str, tmp_path, side: str) -> list:
    if issubclass(rule, ContextRule):
        assert isinstance(example, ContextExample), f"{rule.info.code}: a DC example is a ContextExample"
        return context_findings(rule, example, tmp_path / side)
    if issubclass(rule, ImageRule):
        assert isinstance(example, ImageExample), f"{rule.info.code}: a DI example is an ImageExample"
        return image_findings(rule, example, tmp_path / side)
    (tmp_path / side).mkdir()
    return dockerfile_findings(rule, example, tmp_path / side)


# ------------------------------------------------------------------------ the tests

@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_bad_example_fires_and_good_example_does_not(rule, tmp_path):
    info = rule.info
    assert info.bad_example and info.good_example, f"{info.code} needs a bad and a good example"
    bad = findings(rule, info.bad_example, tmp_path, "bad")
    assert bad, f"{info.code} is silent on its bad example"
    assert {f.code for f in bad} == {info.code}
    good = findings(rule, info.good_example, tmp_path, "good")
    assert good == [], f"{info.code} fires on its good example: {[f.message for f in good]}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_metadata_is_complete(rule):
    info = rule.info
    assert info.summary and info.rationale
    assert info.name == info.name.lower() and " " not in info.name
    assert all(":" in alias or alias.startswith("CKV_") for alias in info.aliases)
    if info.code.startswith("DL"):
        assert info.aliases[0] == f"hadolint:{info.code}"


def test_the_catalogue_holds_every_kind_of_rule():
    prefixes = {r.info.code[:2] for r in RULES}
    assert prefixes == {"DL", "DW", "DC", "DI"}


def test_a_dl_rule_gets_its_hadolint_alias_from_its_code():
    from dockwise.findings import RuleInfo, Severity

    info = RuleInfo(code="DL9999", name="x", severity=Severity.INFO, summary="s", rationale="r",
                    aliases=("buildkit:X",))
    assert info.aliases == ("hadolint:DL9999", "buildkit:X")
    own = RuleInfo(code="DW999", name="y", severity=Severity.INFO, summary="s", rationale="r")
    assert own.aliases == ()


def test_data_examples_survive_a_pickle_as_data():
    import pickle

    for rule in RULES:
        for example in (rule.info.bad_example, rule.info.good_example):
            back = pickle.loads(pickle.dumps(example))
            assert back == example and type(back) is type(example)
            assert getattr(back, "files", None) == getattr(example, "files", None)
            assert getattr(back, "layers", None) == getattr(example, "layers", None)
