"""`dockwise rules`, `dockwise explain` and the generated docs/rules pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dockwise.catalog import rule_infos
from dockwise.cli import main
from dockwise.report.ruledocs import explain_text, rule_docs

ROOT = Path(__file__).resolve().parent.parent


def test_docs_rules_is_up_to_date():
    """Fails when a rule changed without `python3 scripts/gen_rule_docs.py` being run."""
    expected = rule_docs(rule_infos())
    docs = ROOT / "docs" / "rules"
    stale = [name for name, text in expected.items()
             if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in docs.glob("*.md") if p.name not in expected)
    assert (stale, extra) == ([], []), "run: python3 scripts/gen_rule_docs.py"


def test_generator_check_mode_agrees():
    script = ROOT / "scripts" / "gen_rule_docs.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_rule_page_has_the_facts():
    for info in rule_infos():
        page = rule_docs([info])[f"{info.code}.md"]
        assert page.startswith(f"# {info.code}: {info.name}\n")
        assert info.summary in page and info.rationale.strip() in page
        for alias in info.aliases:
            assert f"`{alias}`" in page


def test_rules_lists_every_rule(capsys):
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    infos = rule_infos()
    assert [r["code"] for r in rows] == [i.code for i in infos]
    assert set(rows[0]) >= {"code", "name", "severity", "fixable", "summary", "aliases"}
    assert main(["rules"]) == 0
    text = capsys.readouterr().out
    for info in infos:
        assert info.code in text and info.name in text


def test_rules_select_filters(capsys):
    infos = rule_infos()
    assert infos
    first = infos[0]
    assert main(["rules", "--format", "json", "--select", first.code]) == 0
    assert [r["code"] for r in json.loads(capsys.readouterr().out)] == [first.code]


def test_explain_by_code_name_and_alias(capsys):
    infos = [i for i in rule_infos() if i.aliases]
    assert infos
    info = infos[0]
    bare_alias = info.aliases[0].split(":", 1)[-1]
    outputs = []
    for key in (info.code, info.code.lower(), info.name, info.aliases[0], bare_alias):
        assert main(["explain", key]) == 0
        outputs.append(capsys.readouterr().out)
    assert len(set(outputs)) == 1
    out = outputs[0]
    assert out == explain_text(info)
    assert out.startswith(f"{info.code} {info.name} ({info.severity}")
    assert info.rationale.split()[0] in out


def test_explain_unknown_is_a_clear_error():
    result = subprocess.run([sys.executable, "-m", "dockwise", "explain", "DL99999"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("dockwise: error: unknown rule 'DL99999'")
    assert "Traceback" not in result.stderr


# -- which rules are off by default ------------------------------------------------------------

def test_rules_says_which_rules_are_off_by_default(capsys):
    import json

    assert main(["rules", "--format", "json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["DL3057"]["default_enabled"] is False and rows["DL3008"]["default_enabled"] is True
    assert main(["rules", "--select", "DL3057"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "off by default" in line and "--select DL3057" in line
