"""Family 3: a file removed in a later layer is only hidden (DW301)."""

from __future__ import annotations

from tests.support.rules import check_text, where


def test_download_removed_in_a_later_run_names_the_creating_line_and_layer():
    text = ("FROM debian:12.8\n"
            "COPY app.py /app/\n"
            "RUN wget -O /tmp/jdk.tar.gz https://example.com/jdk.tar.gz\n"
            "RUN tar -xzf /tmp/jdk.tar.gz -C /opt \\\n"
            "    && rm -f /tmp/jdk.tar.gz\n")
    found = check_text(text, "DW301")
    assert where(found) == [(5, 14, 29)]
    message = found[0].message
    assert "line 3 downloaded /tmp/jdk.tar.gz; removing it on line 5 only hides it" in message
    assert "layer 2" in message


def test_removal_in_the_same_run_is_fine():
    text = ("FROM debian:12.8\n"
            "RUN curl -fsSL -o /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz -C /opt "
            "&& rm /tmp/x.tgz\n"
            "RUN rm -rf /tmp/unrelated\n")
    assert check_text(text, "DW301") == []


def test_relative_paths_follow_workdir_and_globs_match():
    text = ("FROM debian:12.8\nWORKDIR /src\n"
            "RUN curl -O https://example.com/dist/tool-1.2.zip\n"
            "RUN rm -rf /src/*.zip\n")
    assert where(check_text(text, "DW301")) == [(4, 12, 22)]


def test_copied_file_and_clone_removed_later():
    text = ("FROM python:3.12.7-slim\n"
            "COPY wheels.tar.gz /tmp/\n"
            "RUN git clone https://github.com/example/tool.git /opt/tool\n"
            "RUN rm -rf /tmp/wheels.tar.gz /opt/tool/.git\n")
    found = check_text(text, "DW301")
    assert where(found) == [(4, 12, 30), (4, 31, 45)]
    assert "line 2 copied /tmp/wheels.tar.gz" in found[0].message
    assert "line 3 cloned /opt/tool" in found[1].message


def test_apt_lists_removed_in_a_later_run_are_only_hidden():
    text = ("FROM debian:12.8\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
            "RUN rm -rf /var/lib/apt/lists/*\n")
    found = check_text(text, "DW301")
    assert where(found) == [(3, 12, 32)]
    assert "apt-get update" in found[0].message


def test_history_is_inherited_by_a_stage_built_from_another():
    text = ("FROM debian:12.8 AS base\nADD https://example.com/big.bin /opt/big.bin\n"
            "FROM base\nRUN rm /opt/big.bin\n")
    found = check_text(text, "DW301")
    assert where(found) == [(4, 8, 20)]
    assert "line 2 downloaded /opt/big.bin" in found[0].message


def test_builder_stage_that_does_not_ship_is_not_reported():
    text = ("FROM debian:12.8 AS build\nRUN wget -O /tmp/a.tgz https://example.com/a.tgz\nRUN rm /tmp/a.tgz\n"
            "FROM debian:12.8\nCOPY --from=build /opt /opt\n")
    assert check_text(text, "DW301") == []


def test_pip_download_folder_cleaned_in_a_later_run():
    text = ("FROM python:3.12.7-slim\nRUN pip download -d /wheels -r requirements.txt\n"
            "RUN pip install --no-cache-dir /wheels/*.whl\nRUN rm -rf /wheels/*.whl\n")
    found = check_text(text, "DW301")
    assert where(found) == [(4, 12, 25)]
    assert "line 2 downloaded Python packages into /wheels" in found[0].message


def test_small_copied_files_are_not_worth_a_finding_big_ones_are(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\n")
    (tmp_path / "model.pt").write_bytes(b"\0" * (2 * 1024 * 1024))
    text = ("FROM python:3.12.7-slim\nCOPY requirements.txt model.pt /tmp/\n"
            "RUN pip install --no-cache-dir -r /tmp/requirements.txt\n"
            "RUN rm /tmp/requirements.txt /tmp/model.pt\n")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    found = check_text(text, "DW301", path=str(dockerfile))
    assert where(found) == [(4, 30, 43)]
    assert "line 2 copied /tmp/model.pt" in found[0].message


# -- paths under the home directory ------------------------------------------------------------

def test_removing_a_home_path_is_not_a_path_under_the_workdir():
    text = ("FROM ubuntu:22.04\nRUN git clone https://example.com/x.git /src\nWORKDIR /src\n"
            "RUN rm -rf ~/.bundle ~/.gem\n")
    assert check_text(text, "DW301") == []
