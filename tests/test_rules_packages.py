"""Family 2: OS package-manager hygiene (apt, apk, yum, dnf, zypper)."""

from __future__ import annotations

from dockwise.catalog import all_rules
from dockwise.syntax import parse_dockerfile
from tests.support.rules import apply, check_text, where


CHAIN = ("FROM debian:12.8\n"
         "RUN apt-get update \\\n"
         "    && sudo apt-get -q install \\\n"
         "        curl git=1:2.39.5-0+deb12u1 ./local.deb\n")


def test_missing_yes_points_at_apt_get_install_on_the_continuation_line_and_fixes():
    found = check_text(CHAIN, "DL3014")
    assert where(found) == [(3, 13, 31)]
    fixed = apply(CHAIN, found[0].fix)
    assert "sudo apt-get -y -q install \\\n" in fixed  # before the subcommand: DL3015 inserts after it
    assert check_text(fixed, "DL3014") == []


def test_yes_spellings_are_accepted():
    for line in ("apt-get install -y x", "apt-get -qy install x", "apt-get --yes install x",
                 "apt-get install -qq x", "apt-get install -q=2 x", "apt-get --assume-yes install x"):
        assert check_text(f"FROM debian:12.8\nRUN {line}\n", "DL3014") == [], line


def test_no_install_recommends_with_fix():
    found = check_text(CHAIN, "DL3015")
    assert where(found) == [(3, 13, 31)]
    fixed = apply(CHAIN, found[0].fix)
    assert check_text(fixed, "DL3015") == []
    assert check_text("FROM debian:12.8\nRUN apt-get -o APT::Install-Recommends=false install -y x\n",
                      "DL3015") == []


def test_unpinned_apt_packages_skip_pinned_and_local_ones():
    found = check_text(CHAIN, "DL3008")
    assert where(found) == [(4, 9, 13)]
    assert found[0].message.startswith("`curl` is installed without a version")


def test_one_finding_per_install_command_lists_every_unpinned_package():
    text = "FROM debian:12.8\nRUN apt-get install -y a b=1 c d e f g h\nRUN apt-get install -y z\n"
    found = check_text(text, "DL3008")
    assert where(found) == [(2, 24, 25), (3, 24, 25)]
    assert found[0].extra["packages"] == ["a", "c", "d", "e", "f", "g", "h"]
    assert "`a`, `c`, `d`, `e`, `f` and 2 more are installed" in found[0].message


def test_apt_lists_not_removed_in_a_shipping_stage():
    found = check_text(CHAIN, "DL3009")
    assert where(found) == [(2, 5, 19)]


def test_apt_lists_removed_in_same_run_or_on_cache_mount_is_fine():
    removed = CHAIN.rstrip("\n") + " \\\n    && rm -rf /var/lib/apt/lists/*\n"
    assert check_text(removed, "DL3009") == []
    mounted = "FROM debian:12.8\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n"
    assert check_text(mounted, "DL3009") == []


def test_apt_lists_removed_in_a_later_run_still_count():
    text = "FROM debian:12.8\nRUN apt-get update && apt-get install -y x\nRUN rm -rf /var/lib/apt/lists/*\n"
    assert where(check_text(text, "DL3009")) == [(2, 5, 19)]


def test_apt_lists_in_a_builder_stage_only_copied_from_are_fine():
    text = ("FROM debian:12.8 AS build\nRUN apt-get update && apt-get install -y gcc\n"
            "FROM debian:12.8\nCOPY --from=build /usr/bin/gcc /usr/bin/\n")
    assert check_text(text, "DL3009") == []


def test_apt_instead_of_apt_get_is_fixed_to_apt_get():
    text = "FROM ubuntu:24.04\nRUN apt install -y curl && apt search x\n"
    found = check_text(text, "DL3027")
    assert where(found) == [(2, 5, 8), (2, 28, 31)]
    assert found[0].fix is not None and found[1].fix is None
    assert apply(text, found[0].fix).startswith("FROM ubuntu:24.04\nRUN apt-get install -y curl")


def test_apk_no_cache_and_pins():
    text = "FROM alpine:3.20.3\nRUN apk add --virtual .deps curl=8.10.1-r0 jq\n"
    found = check_text(text, "DL3019")
    assert where(found) == [(2, 5, 12)]
    assert check_text(apply(text, found[0].fix), "DL3019") == []
    assert where(check_text(text, "DL3018")) == [(2, 44, 46)]
    assert check_text("FROM alpine:3.20.3\nRUN --mount=type=cache,target=/var/cache/apk apk add jq=1.7.1-r0\n",
                      "DL3019") == []


def test_yum_dnf_zypper_yes():
    text = ("FROM fedora:41\nRUN yum install httpd-2.4 && yum clean all\n"
            "RUN dnf install httpd-2.4 && dnf clean all\nRUN zypper install httpd=2.4 && zypper clean\n")
    assert where(check_text(text, "DL3030")) == [(2, 5, 16)]
    assert where(check_text(text, "DL3038")) == [(3, 5, 16)]
    assert where(check_text(text, "DL3034")) == [(4, 5, 19)]


def test_rpm_caches_must_be_cleaned_after_the_install():
    text = ("FROM fedora:41\nRUN yum clean all && yum install -y a-1\nRUN dnf install -y a-1 && dnf clean all\n"
            "RUN zypper in -y a=1\nRUN --mount=type=cache,target=/var/cache/zypp zypper in -y a=1\n")
    assert where(check_text(text, "DL3032")) == [(2, 22, 33)]
    assert check_text(text, "DL3040") == []
    assert where(check_text(text, "DL3036")) == [(4, 5, 14)]


def test_rpm_pins():
    text = ("FROM fedora:41\nRUN yum install -y tomcat gcc-c++-11.1 && yum clean all\n"
            "RUN dnf module install -y nodejs && dnf clean all\n"
            "RUN zypper install -y tomcat 'curl>=8' && zypper clean\n")
    assert where(check_text(text, "DL3033")) == [(2, 20, 26)]
    assert where(check_text(text, "DL3041")) == [(3, 27, 33)]
    assert where(check_text(text, "DL3037")) == [(4, 23, 29)]


def test_zypper_dist_upgrade_and_generic_upgrade():
    text = "FROM opensuse/leap:15.6\nRUN zypper dup -y\nFROM debian:12.8\nRUN apt-get update && apt-get upgrade -y\n"
    assert where(check_text(text, "DL3035")) == [(2, 5, 15)]
    assert where(check_text(text, "DW202")) == [(4, 23, 38)]


def test_a_download_only_upgrade_installs_nothing():
    text = ("FROM debian:12.8\nRUN apt-get update && apt-get -d upgrade -y\n"
            "RUN apt-get --download-only dist-upgrade -y\nRUN apt-get -y upgrade\n")
    assert where(check_text(text, "DW202")) == [(4, 5, 23)]


def test_update_alone_in_a_run():
    text = "FROM debian:12.8\nRUN apt-get update\nRUN apt-get install -y curl\nRUN apk update && apk add x\n"
    found = check_text(text, "DW201")
    assert where(found) == [(2, 5, 19)]
    assert "stale" in found[0].message


def test_onbuild_run_is_checked_too():
    text = "FROM debian:12.8\nONBUILD RUN apt-get install curl\n"
    assert where(check_text(text, "DL3014")) == [(2, 13, 28)]


def test_onbuild_run_gets_the_shell_a_run_would_get():
    """A Windows base (or a `# hadolint shell=` pragma) means cmd/PowerShell for the trigger
    too: its script is not judged as POSIX shell, exactly like a plain RUN there."""
    for header in ("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n",
                   "# hadolint shell=powershell\nFROM debian:12.8\n"):
        plain = check_text(header + "RUN apt-get install curl\n", "DL3014")
        trigger = check_text(header + "ONBUILD RUN apt-get install curl\n", "DL3014")
        assert plain == [] and trigger == [], header


def test_exec_form_run_is_checked_but_never_edited():
    text = 'FROM debian:12.8\nRUN ["apt-get", "install", "curl"]\n'
    found = check_text(text, "DL3014")
    assert where(found) == [(2, 6, 26)]
    assert found[0].fix is None


def test_every_rule_of_these_families_declares_well_formed_aliases():
    codes = ("DL3006", "DL3007", "DL3008", "DL3009", "DL3013", "DL3014", "DL3015", "DL3016", "DL3018",
             "DL3019", "DL3027", "DL3028", "DL3030", "DL3032", "DL3033", "DL3034", "DL3035", "DL3036",
             "DL3037", "DL3038", "DL3040", "DL3041", "DL3042", "DL3060", "DL3062", "DL3065", "DW101",
             "DW102", "DW103", "DW104", "DW201", "DW202", "DW301", "DW401", "DW402", "DW801", "DW802",
             "DW803", "DW804", "DW805")
    rules = [r for r in all_rules() if r.info.code in codes]
    assert len(rules) >= 30
    for rule in rules:
        assert isinstance(rule.info.aliases, tuple), rule.info.code
        for alias in rule.info.aliases:
            tool, _, code = alias.partition(":")
            assert tool in ("hadolint", "buildkit"), (rule.info.code, alias)
            if tool == "hadolint":
                assert code.startswith("DL") and len(code) == 6, (rule.info.code, alias)
            else:
                assert code[:1].isupper() and code.isalnum(), (rule.info.code, alias)
        if rule.info.code.startswith("DL"):
            assert f"hadolint:{rule.info.code}" in rule.info.aliases


def test_cleanup_fixes_append_to_the_run_and_are_marked_unsafe():
    text = ("FROM debian:12.8\nRUN apt-get update && apt-get install -y x=1 \\\n    && echo done\n"
            "RUN yum install -y a-1\nRUN dnf install -y a-1;\n")
    lists = check_text(text, "DL3009")[0]
    assert lists.fix is not None and lists.fix.safe is False
    fixed = apply(text, lists.fix)
    assert "    && echo done && rm -rf /var/lib/apt/lists/*\n" in fixed
    assert check_text(fixed, "DL3009") == []
    yum = check_text(text, "DL3032")[0]
    assert apply(text, yum.fix).endswith("RUN yum install -y a-1 && yum clean all\nRUN dnf install -y a-1;\n")
    assert check_text(text, "DL3040")[0].fix is None  # a trailing ';' is left to a human


def _commands_of_run(text: str, line: int) -> list[str]:
    """The simple commands the shell model sees in the RUN on ``line`` of ``text``."""
    from dockwise.model.shell import parse_run

    tree = parse_dockerfile(text, "Dockerfile")
    run = next(i for i in tree.instructions if i.span.start.line == line)
    script = parse_run(run)
    assert script.parsed_ok
    return [" ".join(w.value or w.text for w in c.argv) for c in script.commands]


def test_cleanup_fix_goes_before_a_trailing_comment_not_inside_it():
    text = ("FROM debian:12.8\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends curl=7 # tools\n"
            "RUN yum install -y a-1 # one tool\n")
    lists = check_text(text, "DL3009")[0]
    fixed = apply(text, lists.fix)
    assert "rm -rf /var/lib/apt/lists/*" in _commands_of_run(fixed, 2)
    assert "# tools" in fixed.splitlines()[1]  # the comment is kept
    assert check_text(fixed, "DL3009") == []
    yum = check_text(text, "DL3032")[0]
    fixed = apply(text, yum.fix)
    assert "yum clean all" in _commands_of_run(fixed, 3)
    assert check_text(fixed, "DL3032") == []


def test_no_cleanup_fix_when_the_script_does_not_parse_or_ends_inside_a_block():
    broken = 'FROM debian:12.8\nRUN apt-get update && apt-get install -y curl=7 && echo "x\n'
    found = check_text(broken, "DL3009")
    assert found and found[0].fix is None
    block = ("FROM debian:12.8\n"
             "RUN if true; then apt-get update && apt-get install -y curl=7; fi\n")
    found = check_text(block, "DL3009")
    assert found and found[0].fix is None  # `&& rm` before `fi` would only run on one branch


def test_a_switch_of_one_package_manager_is_not_read_with_another_managers_value_options():
    # dnf's -C is --cacheonly, zypper's -x is --xmlout, yum's -t is --tolerant: switches, so the
    # next word is the subcommand (zypper's -C, rpm's -x and zypper's -t take a value)
    text = ("FROM fedora:41\nRUN dnf -C install gcc-c++ && dnf clean all\n"
            "FROM opensuse/leap:15.6\nRUN zypper -x install curl=8 && zypper clean\n"
            "FROM centos:7\nRUN yum -t update && yum clean all\n")
    assert where(check_text(text, "DL3038")) == [(2, 5, 19)]
    assert where(check_text(text, "DL3034")) == [(4, 5, 22)]
    assert where(check_text(text, "DL3030")) == [(6, 5, 18)]
    assert where(check_text(text, "DW202")) == [(6, 5, 18)]
