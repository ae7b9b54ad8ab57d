"""One size convention for every command and flag (docs/units.md): SI for k/M/G/T and
kB/MB/GB/TB, IEC for Ki/Mi/Gi/Ti and KiB/MiB/GiB/TiB; printed sizes name binary units."""

from __future__ import annotations

import pytest

from dockwise.cli import build_parser, main
from dockwise.units import human_bytes, parse_size
from tests.support.context import make_tree
from tests.support.image_kit import file, layer_tar, write_oci_layout

SAME_INPUTS = [
    ("10M", 10_000_000), ("10MB", 10_000_000), ("10mb", 10_000_000), ("10 MB", 10_000_000),
    ("10Mi", 10 * 1024**2), ("10MiB", 10 * 1024**2), ("512k", 512_000), ("512KiB", 524_288),
    ("1.5GiB", 1_610_612_736), ("1.1GB", 1_100_000_000), ("2T", 2 * 1000**4), ("1TiB", 1024**4),
    ("1048576", 1_048_576), ("7b", 7), ("10.", 10),
]
BAD_INPUTS = ["huge", "-1M", "1e6", "nan", "inf", "10 M B", "10MBB", "", "9" * 40, "1.2.3"]


def parsed(argv: list[str], dest: str):
    return getattr(build_parser(argv).parse_args(argv), dest)


@pytest.mark.parametrize("text,size", SAME_INPUTS)
def test_every_size_flag_reads_a_size_the_same_way(tmp_path, text, size):
    assert parse_size(text) == size
    assert parsed(["context", "--large", text, str(tmp_path)], "large") == size
    assert parsed(["image", "x.tar", "--max-size", text], "max_size") == size
    assert parsed(["image", "x.tar", "--hidden-threshold", text], "hidden_threshold") == size
    assert parsed(["image", "x.tar", "--max-reclaimable", text], "max_reclaimable").bytes == size


@pytest.mark.parametrize("text", BAD_INPUTS)
@pytest.mark.parametrize("argv", [["context", "--large"], ["image", "x.tar", "--max-size"]])
def test_a_bad_size_is_one_usage_error_in_every_command(capsys, argv, text):
    *command, flag = argv
    with pytest.raises(SystemExit) as exit_info:
        build_parser(argv).parse_args([*command, f"{flag}={text}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "not a size" in err and "Traceback" not in err


def test_context_large_counts_megabytes_as_docker_does(tmp_path, capsys):
    """`--large 5M` is 5,000,000 bytes: a 5,100,000-byte data file is large; at 5MiB it is not.
    (A data file: a log is reported at any size.)"""
    make_tree(tmp_path, {"dump.csv": b"x" * 5_100_000, "Dockerfile": "FROM scratch\n"})
    assert main(["context", str(tmp_path), "--large", "5M", "--format", "json"]) == 1
    assert "DC008" in capsys.readouterr().out
    main(["context", str(tmp_path), "--large", "5MiB", "--format", "json"])
    assert "DC008" not in capsys.readouterr().out


def test_image_max_size_counts_kilobytes_as_docker_does(tmp_path, capsys):
    layout = write_oci_layout(tmp_path / "img", [layer_tar(file("blob", 1_010))])
    assert main(["image", str(layout), "--max-size", "1k"]) == 1  # 1,010 bytes > 1,000
    assert "DI010" in capsys.readouterr().out
    assert main(["image", str(layout), "--max-size", "1Ki"]) == 0  # 1,010 bytes <= 1,024


def test_printed_sizes_name_binary_units():
    assert [human_bytes(n) for n in (0, 1023, 1024, 1536, 10 * 1024**2, 3 * 1024**3)] == [
        "0 B", "1023 B", "1.0 KiB", "1.5 KiB", "10.0 MiB", "3.0 GiB"]


@pytest.mark.parametrize("budget,broken", [(1_009, True), (1_010, False), (1_011, False)])
def test_size_budget_is_one_decision_for_the_gate_and_di010(tmp_path, capsys, budget, broken):
    """--max-size breaks the gate exactly when DI010 reports the image (a budget equal to the
    size passes both)."""
    layout = write_oci_layout(tmp_path / "img", [layer_tar(file("blob", 1_010))])
    main(["image", str(layout), "--max-size", str(budget), "--format", "json"])
    import json

    doc = json.loads(capsys.readouterr().out)
    gate = next(g for g in doc["image"]["gates"] if g["name"] == "max-size")
    assert gate["passed"] is not broken
    assert any(f["code"] == "DI010" for f in doc["findings"]) is broken
