"""Each rule of families 1-4 and 8 fires on its documented bad example and not on its good one
(the examples are what `dockwise explain` and docs/rules show users)."""

from __future__ import annotations

import pytest

from dockwise.catalog import all_rules
from dockwise.model import build_model
from dockwise.rules.base import CheckTarget
from dockwise.syntax import parse_dockerfile

# the package, base-image, layer and build-tool rules
CODES = ("DL3006", "DL3007", "DL3008", "DL3009", "DL3013", "DL3014", "DL3015", "DL3016", "DL3018", "DL3019",
         "DL3027", "DL3028", "DL3030", "DL3032", "DL3033", "DL3034", "DL3035", "DL3036", "DL3037", "DL3038",
         "DL3040", "DL3041", "DL3042", "DL3060", "DL3062", "DL3065", "DW101", "DW102", "DW103", "DW104",
         "DW201", "DW202", "DW301", "DW401", "DW402", "DW801", "DW802", "DW803", "DW804", "DW805")
RULES = [r for r in all_rules() if r.info.code in CODES]


def findings(rule, example: str):
    text = example if example.lstrip().upper().startswith(("FROM", "ARG")) else "FROM debian:12.8\n" + example
    tree = parse_dockerfile(text + "\n", "Dockerfile")
    return list(rule().check(CheckTarget("Dockerfile", tree, build_model(tree))))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.info.code)
def test_bad_example_fires_and_good_example_does_not(rule):
    assert rule.info.bad_example and rule.info.good_example
    assert findings(rule, rule.info.bad_example), f"{rule.info.code} silent on its bad example"
    assert findings(rule, rule.info.good_example) == [], f"{rule.info.code} fires on its good example"
