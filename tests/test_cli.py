"""The command line as a whole: help, version, unknown commands. Only the command named is set
up (start-up budget), so these check that nothing a user sees depends on that."""

from __future__ import annotations

import pytest

from dockwise.cli import COMMANDS, main


def run(capsys, *argv):
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    return stop.value.code, out, err


def test_top_level_help_lists_every_command(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for name in COMMANDS:
        assert f"    {name} " in out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_its_own_help(capsys, name):
    code, out, _ = run(capsys, name, "--help")
    assert code == 0 and out.startswith(f"usage: dockwise {name}")


def test_unknown_command_names_every_choice(capsys):
    code, _, err = run(capsys, "chek", "Dockerfile")
    assert code == 2
    assert "invalid choice: 'chek'" in err
    assert all(repr(name) in err for name in COMMANDS)


def test_version_works_before_a_command(capsys):
    code, out, _ = run(capsys, "--version", "check")
    assert code == 0 and out.startswith("dockwise ")


def test_an_option_of_another_command_is_an_error_of_this_one(capsys):
    code, _, err = run(capsys, "check", "--max-size", "1MB", "Dockerfile")
    assert code == 2 and "unrecognized arguments: --max-size" in err
