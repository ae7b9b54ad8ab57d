"""hadolint compatibility: hadolint's own test cases, run against dockwise's equivalent rules.

For every case in ../shared/corpus/hadolint-cases/cases.jsonl whose code is implemented by a
dockwise rule (its code, or an alias ``hadolint:DLxxxx``), the case is parsed (with the "\\n"
hadolint's harness appends), ONBUILD-wrapped when the case says so, checked through the real
engine (so ``# hadolint ignore=`` pragmas and ``ignoreRules`` apply) with the case's
configuration handed over as a ``.hadolint.yaml`` would (``allowedRegistries`` as
``trustedRegistries``, ``labelSchema`` as ``label-schema``, ``strictLabels`` as
``strict-labels``), and the rule must fire (exactly ``count`` times when given) or stay
silent, as hadolint's test expects. Rules that are off by default (DL3057) are selected.

``KNOWN_DIFFERENCES`` lists the cases where dockwise deliberately disagrees, with the reason.

``python3 tests/test_hadolint_cases.py`` prints how many cases pass per code.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

if __name__ == "__main__":  # allow `python3 tests/test_hadolint_cases.py` from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import CORPUS  # noqa: E402

CASES_FILE = CORPUS / "hadolint-cases" / "cases.jsonl"
MISSING = f"{CASES_FILE} not found (the shared corpus: set DOCKWISE_CORPUS)"

pytestmark = pytest.mark.corpus

# case id -> why dockwise deliberately differs from hadolint there.
KNOWN_DIFFERENCES: dict[str, str] = {
    "DL4006-RegressionSpec.hs:26": (
        "`echo \"kaka\" | sed ...`: `echo` cannot fail, so no failure is hidden by the pipe; dockwise "
        "reports a pipe only when a command before the `|` can fail silently (the case is about "
        "comments ending in a backslash, which dockwise parses as comments too)"),
    "DL3002-DL3002Spec.hs:77": (
        "a builder stage's last USER never reaches the runtime image; dockwise judges the final "
        "stage only (and flags a final stage without USER separately, DW501)"),
    "DL3033-DL3033Spec.hs:80": (
        "an ARG declared in another stage is not in scope in BuildKit: `git-core-${version}` expands "
        "to `git-core-` there, so the package really is unpinned"),
    "DL3041-DL3041Spec.hs:111": (
        "an ARG declared in another stage is not in scope in BuildKit: `git-core-${version}` expands "
        "to `git-core-` there, so the package really is unpinned"),
    "DL3048-DL3048Spec.hs:21": (
        "`invalid$character`: BuildKit expands `$character` in a LABEL key; dockwise does not judge a "
        "key whose text depends on a variable"),
    "DL3048-DL3048Spec.hs:22-onbuild": (
        "`invalid$character`: BuildKit expands `$character` in a LABEL key; dockwise does not judge a "
        "key whose text depends on a variable"),
    "DL3028-DL3028Spec.hs:49": (
        "`--use-system-libraries true` before `--`: gem reads `true` as a second, unpinned gem name"),
    "DL3028-DL3028Spec.hs:50-onbuild": (
        "`--use-system-libraries true` before `--`: gem reads `true` as a second, unpinned gem name"),
    "DL3050-DL3050Spec.hs:21": (
        "an empty Dockerfile: BuildKit refuses it (`file with no instructions`), so dockwise reports "
        "that error (exit 2) instead of checking labels; hadolint lints it as clean"),
    "DL3050-DL3050Spec.hs:22-onbuild": (
        "an empty Dockerfile: BuildKit refuses it (`file with no instructions`), so dockwise reports "
        "that error (exit 2) instead of checking labels; hadolint lints it as clean"),
    "shellcheck-ShellcheckSpec.hs:99-onbuild": (
        "SHELL is stored in the image config, so the child build runs this ONBUILD RUN with bash, "
        "as DW050 checks it; hadolint checks it as sh and expects bash's `$RANDOM` to be reported"),
}

# Config keys of a case that dockwise does not model: such cases are reported as not
# applicable rather than guessed at. (None left: every key hadolint's tests use is modelled.)
UNSUPPORTED_CONFIG: set[str] = set()
# hadolint's test harness names label types by their Haskell constructors; its config file
# (and dockwise's LintConfig) by these names.
LABEL_TYPE_NAMES = {"RawText": "text", "Url": "url", "Email": "email", "GitHash": "hash",
                    "SemVer": "semver", "Rfc3339": "rfc3339", "Spdx": "spdx"}

ONBUILD_RUN = re.compile(r"(?m)^([ \t]*)RUN\b")


def case_id(case: dict) -> str:
    source = case["source"].rsplit("/", 1)[-1]
    suffix = "-onbuild" if case.get("onbuild") else ""
    return f"{case['rule']}-{source}:{case['line']}{suffix}"


@cache
def load_cases() -> list[dict]:
    if not CASES_FILE.is_file():
        return []
    with CASES_FILE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@cache
def rules_by_hadolint_code() -> dict[str, tuple[type, ...]]:
    """hadolint code -> the dockwise Dockerfile rules that implement it."""
    from dockwise.engine.dockerfile import dockerfile_rules

    found: dict[str, list[type]] = {}
    for rule in dockerfile_rules():
        codes = {rule.info.code} | {a.split(":", 1)[1] for a in rule.info.aliases if a.startswith("hadolint:")}
        for code in codes:
            if code.startswith("DL"):
                found.setdefault(code, []).append(rule)
            if code == "DW050":  # hadolint's ShellCheck pass is dockwise's DW050
                found.setdefault("shellcheck", []).append(rule)
    return {code: tuple(rules) for code, rules in found.items()}


def applicable(case: dict) -> bool:
    if set(case.get("config") or {}) & UNSUPPORTED_CONFIG:
        return False
    if case["rule"] == "*":
        return True
    return case["rule"] in rules_by_hadolint_code()


def case_text(case: dict) -> str:
    text = case["dockerfile"] + "\n"
    if case.get("onbuild"):
        text = ONBUILD_RUN.sub(r"\1ONBUILD RUN", text)
    return text


def case_config(case: dict):
    """The LintConfig a .hadolint.yaml with the case's configuration would load to."""
    from dockwise.config import LintConfig

    given = case.get("config") or {}
    schema = tuple((name, LABEL_TYPE_NAMES[kind])
                   for name, kind in (given.get("labelSchema") or {}).items())
    return LintConfig(ignored=tuple(given.get("ignoreRules", ())),
                      trusted_registries=tuple(given.get("allowedRegistries", ())),
                      label_schema=schema, strict_labels=bool(given.get("strictLabels", False)))


def run_case(case: dict) -> tuple[bool, str]:
    """(passed, explanation) of one case."""
    from dockwise.engine.dockerfile import CheckOptions, Engine, catalogue_index
    from dockwise.engine.selection import Selection

    table = rules_by_hadolint_code()
    if case["rule"] == "*":
        rules = sorted({r for rs in table.values() for r in rs}, key=lambda r: r.info.code)
    else:
        rules = list(table[case["rule"]])
    # every rule under test runs, the ones off by default (DL3057) too
    selection = Selection(selected=frozenset(r.info.code for r in rules))
    engine = Engine(rules, CheckOptions(selection=selection, context=False, use_config=False,
                                        keep_source=False),
                    index=catalogue_index())
    report = engine.check_text(case_text(case), "Dockerfile", config=case_config(case))
    if report.errors:
        return False, "errors: " + "; ".join(report.errors)
    codes = {r.info.code for r in rules}
    hits = [f for f in report.findings if f.code in codes]
    described = ", ".join(f"{f.code}@{f.location.line}:{f.location.column}" for f in hits) or "nothing"
    if case["expect"] == "passes":
        return not hits, f"expected no finding, got {described}"
    if case.get("count"):
        return len(hits) == case["count"], f"expected {case['count']} finding(s), got {described}"
    return bool(hits), "expected a finding, got nothing"


def _params():
    cases = [c for c in load_cases() if applicable(c)]
    if not cases:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]
    return [pytest.param(c, id=case_id(c)) for c in cases]


@pytest.mark.parametrize("case", _params())
def test_hadolint_case(case):
    passed, why = run_case(case)
    known = KNOWN_DIFFERENCES.get(case_id(case))
    if known:
        assert not passed, f"listed as a known difference but now agrees with hadolint: {known}"
        return
    assert passed, f"{case_id(case)} ({case['it']}): {why}\n--- Dockerfile ---\n{case_text(case)}"


def test_known_differences_name_real_cases():
    if not load_cases():
        pytest.skip(MISSING)
    ids = {case_id(c) for c in load_cases()}
    assert set(KNOWN_DIFFERENCES) <= ids


def test_compatibility_page_is_current():
    """docs/compatibility.md shows today's agreement (regenerate it with ``--markdown``)."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "compatibility.md").read_text(encoding="utf-8")
    assert markdown() in page


def summary() -> list[tuple[str, int, int]]:
    """(code, passing, applicable) per implemented hadolint code."""
    total: Counter[str] = Counter()
    passing: Counter[str] = Counter()
    for case in load_cases():
        if not applicable(case):
            continue
        total[case["rule"]] += 1
        passing[case["rule"]] += run_case(case)[0]
    return [(code, passing[code], total[code]) for code in sorted(total)]


def markdown() -> str:
    """docs/compatibility.md's tables: agreement per code, then every known difference."""
    rows = summary()
    ok, total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines = [f"{ok} of {total} cases agree ({100 * ok / total:.1f}%); {len(load_cases())} cases in all.", "",
             "| code | agree | cases |", "|---|---:|---:|"]
    lines += [f"| {code} | {good} | {n} |" for code, good, n in rows]
    lines += ["", "| case | why dockwise differs |", "|---|---|"]
    lines += [f"| `{case}` | {why} |" for case, why in sorted(KNOWN_DIFFERENCES.items())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:
        print(markdown(), end="")
        raise SystemExit(0)
    rows = summary()
    for code, ok, n in rows:
        print(f"{code:8} {ok:4}/{n:<4} {'ok' if ok == n else 'DIFF'}")
    print(f"{'total':8} {sum(r[1] for r in rows):4}/{sum(r[2] for r in rows):<4} "
          f"({len(rows)} codes; {len(KNOWN_DIFFERENCES)} known differences)")
