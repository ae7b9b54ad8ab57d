"""Each rule of families 1-4 and 8 fires on its documented bad example and not on its good one
(the examples are what `dockwise explain` and docs/rules show users)."""

from __future__ import annotations

import pytest

from dockwise.catalog import all_rules
from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile

MODULES = ("dockwise.rules.base_image", "dockwise.rules.packages", "dockwise.rules.layers",
           "dockwise.rules.build_tools", "dockwise.rules.package_caches")
RULES = [r for r in all_rules() if r.__module__ in MODULES]


def findings(rule, example: str):
    text = example if example.lstrip().upper().startswith(("FROM", "ARG")) else "FROM debian:12.8\n" + example
    tree = parse_dockerfile(text + "\n", "Dockerfile")
    return list(rule().check(CheckTarget("Dockerfile", tree, build_model(tree))))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.info.code)
def test_bad_example_fires_and_good_example_does_not(rule):
    assert rule.info.bad_example and rule.info.good_example
    assert findings(rule, rule.info.bad_example), f"{rule.info.code} silent on its bad example"
    assert findings(rule, rule.info.good_example) == [], f"{rule.info.code} fires on its good example"
