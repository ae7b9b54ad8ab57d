"""What a Dockerfile rule learns about one path of the build context: `BuildContext.lookup` and
`BuildContext.head` answer as the builder has the context -- `.dockerignore` applied, symlinks
followed only inside the context."""

from __future__ import annotations

import os

import pytest

from dockwise.context.check import read_context
from dockwise.context.sent import ABSENT, DIR, FILE, NOT_SENT
from tests.support.context import make_tree


@pytest.fixture
def context(tmp_path):
    make_tree(tmp_path, {
        "Dockerfile": "FROM scratch\n",
        ".dockerignore": "secret.key\nbuild/\n*.log\n",
        "app.bin": b"\x7fELF" + b"\0" * 2044,
        "scripts/run.sh": "#!/bin/sh\nexec \"$@\"\n",
        "secret.key": "do not send\n",
        "build/out.jar": b"PK" * 1000,
        "debug.log": "x" * 100,
    })
    os.symlink("scripts/run.sh", tmp_path / "run.sh")
    os.symlink("scripts", tmp_path / "bin")
    os.symlink("secret.key", tmp_path / "key.pem")
    os.symlink("/etc/hostname", tmp_path / "host")
    os.symlink("../../../../etc/hostname", tmp_path / "climb")
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    return read_context(str(tmp_path), str(tmp_path / "Dockerfile"))


def test_a_sent_file_has_its_size_and_a_sent_directory_is_a_directory(context):
    found = context.lookup("app.bin")
    assert (found.kind, found.size) == (FILE, 2048)
    assert context.lookup("scripts").kind == DIR
    assert context.lookup(".").kind == DIR


def test_copy_source_spellings_name_the_same_path(context):
    for spelling in ("app.bin", "./app.bin", "/app.bin", "scripts/../app.bin", "../app.bin"):
        assert context.lookup(spelling).path == "app.bin", spelling


def test_what_dockerignore_excludes_is_not_sent_though_it_is_on_disk(context):
    assert context.lookup("secret.key").kind == NOT_SENT
    assert context.lookup("debug.log").kind == NOT_SENT
    assert context.lookup("build/out.jar").kind == NOT_SENT  # under a pruned directory
    assert context.lookup("build").kind == NOT_SENT
    assert context.head("secret.key", 100) is None


def test_a_path_that_is_not_there_is_absent(context):
    assert context.lookup("target/app.jar").kind == ABSENT
    assert context.head("target/app.jar", 100) is None


def test_head_reads_at_most_the_limit(context):
    assert context.head("scripts/run.sh", 9) == b"#!/bin/sh"
    assert context.head("scripts/run.sh", 1000) == b"#!/bin/sh\nexec \"$@\"\n"
    assert context.head("scripts", 10) is None  # a directory has no bytes to read


def test_symlinks_are_followed_inside_the_context(context):
    assert context.lookup("run.sh").path == "scripts/run.sh"
    assert context.head("run.sh", 9) == b"#!/bin/sh"
    assert context.lookup("bin/run.sh").kind == FILE  # a linked directory on the way
    assert context.lookup("key.pem").kind == NOT_SENT  # the link is sent, its target is not


def test_a_link_never_leads_out_of_the_context(context):
    # The builder resolves both inside the context, where there is no etc/hostname.
    for link in ("host", "climb"):
        found = context.lookup(link)
        assert (found.path, found.kind) == ("etc/hostname", ABSENT), link
        assert context.head(link, 100) is None


def test_a_link_loop_is_absent_not_a_hang(context):
    assert context.lookup("loop-a").kind == ABSENT


def test_an_excluded_directory_with_an_exception_below_it_is_sent(tmp_path):
    make_tree(tmp_path, {".dockerignore": "target/\n!target/app.jar\n",
                         "target/app.jar": b"PK" * 10, "target/classes/A.class": b"\xca\xfe"})
    context = read_context(str(tmp_path))
    assert context.lookup("target").kind == DIR
    assert (context.lookup("target/app.jar").kind, context.lookup("target/app.jar").size) == (FILE, 20)
    assert context.lookup("target/classes/A.class").kind == NOT_SENT
