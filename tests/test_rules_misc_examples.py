"""Every rule of families 5-7, 9-11 and the hadolint misc rules fires on its own bad example and
stays silent on its good one -- the examples `dockwise explain` shows are real."""

from __future__ import annotations

import pytest

from dockwise.catalog import all_rules
from tests.support.rules import run_rule


FAMILIES = ("user", "signals", "cache_order", "instructions", "secrets", "runtimes", "hadolint_misc")
RULES = [r for r in all_rules() if r.__module__.rsplit(".", 1)[-1] in FAMILIES]


def test_the_families_are_all_here():
    assert len(RULES) >= 48


@pytest.mark.parametrize("rule", RULES, ids=[r.info.code for r in RULES])
def test_bad_example_fires_and_good_example_does_not(rule):
    assert rule.info.bad_example and rule.info.good_example
    assert run_rule(rule, rule.info.bad_example), f"{rule.info.code} silent on its bad example"
    assert run_rule(rule, rule.info.good_example) == [], f"{rule.info.code} fires on its good example"


@pytest.mark.parametrize("rule", RULES, ids=[r.info.code for r in RULES])
def test_rule_metadata_is_complete(rule):
    info = rule.info
    assert info.summary and info.rationale and info.name == info.name.lower()
    assert all(":" in alias or alias.startswith("CKV_") for alias in info.aliases)
    if info.code.startswith("DL"):
        assert f"hadolint:{info.code}" in info.aliases
