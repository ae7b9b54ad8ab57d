"""`check --fix --unsafe-fixes` never leaves a file that fails to build: the apt lists a later
RUN installs from stay, a standalone `apt-get update` moves into its install, the apk index an
`apk update` fetched does not stay behind a fix that claims it is gone, and the loop refuses a
round that brings a build-breaking shape."""

from __future__ import annotations

import pytest

from dockwise.findings import Edit, Finding, Fix, Location, Severity
from dockwise.fix.build_safety import broken_shapes
from dockwise.fix.loop import fix_until_stable
from tests.support.fix_guarantees import fix_engine, fix_problems
from tests.support.rules import rule_of, run_rule

DEBIAN = "FROM debian:12.8\n"
ALPINE = "FROM alpine:3.19.1\n"


@pytest.fixture(scope="module")
def engine():
    from dockwise.fix.cure import NON_ROOT_CODES, PID1_CODES

    return fix_engine(ignore=NON_ROOT_CODES + PID1_CODES)  # these small fixes alone, no restructuring


def fixed(engine, text):
    return fix_until_stable(text, "Dockerfile", lambda t: engine.check_text(t, "Dockerfile"), unsafe=True)


# -- apt: the lists a later install needs ---------------------------------------------------------

def test_a_standalone_update_moves_into_the_next_install_and_is_cleaned_there(engine):
    text = (DEBIAN + "RUN apt-get update\n"
            "ENV DEBIAN_FRONTEND=noninteractive\n"
            "RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\n")
    outcome = fixed(engine, text)
    assert outcome.text == (DEBIAN + "ENV DEBIAN_FRONTEND=noninteractive\n"
                            "RUN apt-get update && apt-get install -y --no-install-recommends "
                            "curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*\n")
    assert outcome.rounds == 2  # merged, then cleaned
    assert not [f for f in outcome.report.findings if f.code in ("DL3009", "DW201")]


def test_a_standalone_update_never_gets_the_cleanup_that_empties_the_next_installs_lists(engine):
    text = DEBIAN + "RUN apt-get update\nRUN echo building\nRUN apt-get install -y curl\n"
    (finding,) = run_rule(rule_of("DL3009"), text)
    assert finding.fix is None  # a RUN in between: moving the update past it is not ours to do
    outcome = fixed(engine, text)
    assert "rm -rf /var/lib/apt/lists" not in outcome.text
    assert broken_shapes(text, outcome.text) == []


def test_a_cleanup_that_would_empty_a_later_runs_lists_is_refused_with_a_note(engine):
    text = (DEBIAN + "RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3\n"
            "RUN apt-get install -y --no-install-recommends make=4.3-4.1\n")
    outcome = fixed(engine, text)
    assert "rm -rf" not in outcome.text.splitlines()[1]
    assert any("fix discarded for DL3009" in n and "without `apt-get update` before it (make=4.3-4.1)" in n
               for n in outcome.notes)
    assert any(f.code == "DL3009" for f in outcome.report.findings)  # still reported, honestly


def test_refusing_one_cleanup_does_not_refuse_the_same_cleanup_of_another_run(engine):
    # both RUNs end the same way, so their fixes insert the same text: only the second one
    # would leave the last install without lists
    text = (DEBIAN + "RUN apt-get update && apt-get install -y --no-install-recommends a=1 b=2\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends a=1 b=2\n"
            "RUN apt-get install -y --no-install-recommends c=3\n")
    lines = fixed(engine, text).text.splitlines()
    assert lines[1].endswith("&& rm -rf /var/lib/apt/lists/*")
    assert not lines[2].endswith("&& rm -rf /var/lib/apt/lists/*")


# -- apk: the index an update fetched ------------------------------------------------------------

@pytest.mark.parametrize("run, after", [
    ("RUN apk update && apk add curl=8.5.0-r0", "RUN apk add --no-cache curl=8.5.0-r0"),
    ("RUN apk update && \\\n    apk add --no-cache curl=8.5.0-r0", "RUN apk add --no-cache curl=8.5.0-r0"),
    ("RUN apk --update add curl=8.5.0-r0", "RUN apk --update add --no-cache curl=8.5.0-r0"),
])
def test_the_apk_fix_leaves_no_index_behind(engine, run, after):
    outcome = fixed(engine, ALPINE + run + "\n")
    assert outcome.text == ALPINE + after + "\n"
    assert not [f for f in outcome.report.findings if f.code == "DL3019"]


def test_an_update_whose_index_a_later_command_reads_is_kept_and_still_reported(engine):
    text = ALPINE + "RUN apk update && apk upgrade && apk add curl=8.5.0-r0\n"
    outcome = fixed(engine, text)
    assert outcome.text == text  # no --no-cache alone: the update's index would stay
    assert outcome.fixed == 0
    assert [f.code for f in outcome.report.findings if f.code == "DL3019"] == ["DL3019"]


def test_apk_update_before_a_no_cache_add_is_reported():
    (finding,) = run_rule(rule_of("DL3019"), ALPINE + "RUN apk update && apk add --no-cache curl=8.5.0-r0\n")
    assert finding.location.line == 2 and "apk update" in finding.message
    assert finding.fix is not None
    assert run_rule(rule_of("DL3019"), ALPINE + "RUN apk update && apk add --no-cache curl=8.5.0-r0 "
                    "&& rm -rf /var/cache/apk/*\n") == []


# -- no fix brings a warning ---------------------------------------------------------------------

def test_add_to_a_relative_destination_is_not_made_a_copy_until_a_workdir_is_set():
    (finding,) = run_rule(rule_of("DL3020"), DEBIAN + "ADD . src/\n")
    assert finding.fix is None  # as COPY it would be DL3045's warning
    (finding,) = run_rule(rule_of("DL3020"), DEBIAN + "WORKDIR /app\nADD . src/\n")
    assert finding.fix is not None


def test_a_run_that_cleans_the_lists_it_refilled_is_no_late_cleanup():
    text = (DEBIAN + "RUN apt-get update && apt-get install -y gcc; apt-get clean;\n"
            "RUN apt-get update && apt-get install -y make && rm -rf /var/lib/apt/lists/*\n")
    assert run_rule(rule_of("DW301"), text) == []
    late = DEBIAN + "RUN apt-get update && apt-get install -y gcc\nRUN rm -rf /var/lib/apt/lists/*\n"
    assert [f.code for f in run_rule(rule_of("DW301"), late)] == ["DW301"]


def test_the_promises_hold_on_the_shapes_that_used_to_break_them(engine):
    texts = [
        DEBIAN + "RUN apt-get update\nRUN apt-get install -y curl\n",
        DEBIAN + "RUN apt-get update && apt-get install -y gcc; apt-get clean;\n"
                 "RUN apt-get update && apt-get install -y make\n",
        "FROM ubuntu:14.10\nRUN apt-get update && apt-get install -y cmake\nADD . skelcl_src/\n",
        ALPINE + "RUN apk update && apk add curl\n",
        # `aptitude update` refills the lists its RUN then removes: no late cleanup (DW301)
        DEBIAN + "RUN apt-get -y update\nRUN apt-get -y install aptitude\n"
                 "RUN aptitude update\nRUN aptitude install -y cantera-dev\n",
        # apt -> apt-get, the update merged, -y and --no-install-recommends: within three rounds
        DEBIAN + "RUN apt update\nRUN apt install curl\nRUN apt install git\n",
    ]
    for text in texts:
        changed, problems = fix_problems(engine, text)
        assert changed and problems == [], text


# -- the shapes, and the loop's refusal ------------------------------------------------------------

def test_broken_shapes_counts_what_a_fix_brings_not_what_was_there():
    before = DEBIAN + "RUN apt-get update\nRUN apt install -y curl\nUSER app\nRUN apt-get install -y x\n"
    # the same install written another way, an option added: nothing new
    same = DEBIAN + "RUN apt-get update\nRUN apt-get install --no-install-recommends -y curl\n" \
                    "USER app\nRUN apt-get install --no-install-recommends -y x\n"
    assert broken_shapes(before, same) == []
    emptied = before.replace("RUN apt-get update\n", "RUN apt-get update && rm -rf /var/lib/apt/lists/*\n")
    assert broken_shapes(before, emptied) == ["an apt `install` without `apt-get update` before it (curl)",
                                              "an apt `install` without `apt-get update` before it (x)"]
    moved = DEBIAN + "USER 10000\nRUN apt-get update && apt-get install -y curl\n"
    assert broken_shapes(DEBIAN + "RUN apt-get update && apt-get install -y curl\nUSER 10000\n", moved) == [
        "`apt-get install` after `USER 10000` (it needs root)",
        "`apt-get update` after `USER 10000` (it needs root)"]


def test_the_loop_refuses_a_round_that_puts_a_root_command_after_user():
    text = DEBIAN + "RUN apt-get update && apt-get install -y curl\nUSER 10000\nCMD [\"curl\"]\n"
    user_line = text.index("USER")
    move = Fix("move USER up", (Edit(user_line, user_line + len("USER 10000\n"), ""),
                                Edit(len(DEBIAN), len(DEBIAN), "USER 10000\n")), safe=False)

    class Report:
        parsed = True

        def __init__(self, text):
            self.findings = [Finding("TQ900", "user-late", Severity.WARNING, "USER late",
                                     Location("Dockerfile", 3, 1), fix=move)] if text == text0 else []

    text0 = text
    outcome = fix_until_stable(text, "Dockerfile", Report, unsafe=True)
    assert outcome.text == text
    assert any("`apt-get install` after `USER 10000` (it needs root)" in n for n in outcome.notes)


def test_an_insertion_where_a_rewrite_of_lines_ends_waits_for_the_next_round():
    # the cleanup appended at the very end of the file, and a rewrite of the whole file that
    # moves that end: taken together, the cleanup landed after the rewrite's last line
    text = DEBIAN + "RUN apt-get update && apt-get install -y curl"
    rewrite = Fix("rewrite", (Edit(0, len(text), text + "\nUSER 10001\n"),), safe=False)
    append = Fix("append", (Edit(len(text), len(text), " && rm -rf /var/lib/apt/lists/*"),), safe=False)

    class Report:
        parsed = True

        def __init__(self, current):
            self.findings = []
            if "USER" not in current:
                self.findings.append(Finding("TQ901", "rewrite", Severity.WARNING, "r", Location("Dockerfile", 1, 1),
                                             fix=rewrite if current == text else None))
            if "rm -rf" not in current:
                self.findings.append(Finding("TQ902", "append", Severity.INFO, "a", Location("Dockerfile", 2, 1),
                                             fix=append if current == text else None))

    outcome = fix_until_stable(text, "Dockerfile", Report, unsafe=True)
    assert outcome.text == text + "\nUSER 10001\n"  # never `USER 10001\n && rm -rf ...`


def test_a_rewrite_of_the_last_lines_and_a_cleanup_at_the_end_are_not_taken_together():
    # the restructuring's line edits: the last line rewritten (no final newline), USER added
    text = DEBIAN + "RUN apt-get update && apt-get install -y curl"
    last = text.index("RUN")
    rewrite = Fix("rewrite", (Edit(last, len(text), text[last:] + "\nUSER 10001\n"),), safe=False)
    append = Fix("append", (Edit(len(text), len(text), " && rm -rf /var/lib/apt/lists/*"),), safe=False)
    from dockwise.fix.loop import _apart_from_rewrites

    assert _apart_from_rewrites([rewrite, append], text) == [rewrite]
    word = Fix("word", (Edit(last + 4, last + 11, "apt-get"),))  # a word, not lines: no clash
    insert = Fix("insert", (Edit(last + 11, last + 11, " -y"),))
    assert _apart_from_rewrites([word, insert], text) == [word, insert]
