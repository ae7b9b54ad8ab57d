"""Every rule of families 5-7, 9-11 and the hadolint misc rules fires on its own bad example and
stays silent on its good one -- the examples `dockwise explain` shows are real."""

from __future__ import annotations

import pytest

from dockwise.catalog import all_rules
from tests.support.rules import run_rule


CODES = ("DL3000", "DL3001", "DL3002", "DL3003", "DL3004", "DL3010", "DL3011", "DL3012", "DL3020", "DL3021",
         "DL3022", "DL3023", "DL3024", "DL3025", "DL3029", "DL3043", "DL3044", "DL3045", "DL3046", "DL3047",
         "DL3048", "DL3059", "DL3061", "DL3067", "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006",
         "DW501", "DW502", "DW503", "DW601", "DW602", "DW701", "DW901", "DW902", "DW903", "DW904", "DW905",
         "DW906", "DW907", "DW911", "DW912", "DW913", "DW921", "DW922")
RULES = [r for r in all_rules() if r.info.code in CODES]


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
