"""The RUN shell model on plain scripts: commands, wrappers, options, removals, writes."""

from __future__ import annotations

import pytest

from dockwise.model.shell import parse_shell, shell_language


def names(script):
    return [c.name for c in script.commands]


def values(words):
    return [w.value for w in words]


# ---- structure ---------------------------------------------------------------------------------


def test_and_or_semicolon_pipe_connectors():
    s = parse_shell("a; b && c || d | e & f")
    assert names(s) == ["a", "b", "c", "d", "e", "f"]
    assert [c.connector for c in s.commands] == [None, ";", "&&", "||", "|", "&"]
    assert [c.in_pipeline for c in s.commands] == [False, False, False, True, True, False]


def test_an_unquoted_word_is_one_argument_even_where_tree_sitter_cuts_it():
    """tree-sitter-bash cuts `$P-$V.x` after `-$`; the shell sees one word (blanks split)."""
    script = "curl -o f https://h/$P-$V.$EXT && tar xf $P-$V.tgz a-b 'c'd"
    s = parse_shell(script)
    curl, tar = s.commands
    assert [w.text for w in curl.args] == ["-o", "f", "https://h/$P-$V.$EXT"]
    assert values(curl.args) == ["-o", "f", None]
    url = curl.args[2]
    assert script[url.start:url.end] == url.text
    assert [w.text for w in tar.args] == ["xf", "$P-$V.tgz", "a-b", "'c'd"]
    assert values(tar.args)[2:] == ["a-b", "cd"]


def test_newline_separated_commands_are_joined_by_semicolon():
    s = parse_shell("a\nb\n")
    assert [c.connector for c in s.commands] == [None, ";"]


def test_left_of_or_is_a_condition_right_is_not():
    s = parse_shell("a && b || c && d")
    cond = {c.name: c.in_condition for c in s.commands}
    assert cond == {"a": True, "b": True, "c": False, "d": False}


def test_if_while_until_tests_are_conditions_bodies_are_not():
    s = parse_shell("if grep -q x f; then rm f; elif test -d y; then mkdir z; else touch w; fi; "
                    "while read l; do echo $l; done < f; until false; do break; done")
    cond = {c.name: c.in_condition for c in s.commands}
    assert cond == {"grep": True, "rm": False, "test": True, "mkdir": False, "touch": False,
                    "read": True, "echo": False, "false": True, "break": False}


def test_commands_inside_subshells_loops_case_functions_and_groups():
    s = parse_shell("(cd /x && make); for i in 1 2; do echo $i; done; case $x in a) apk add y;; esac; "
                    "f() { pip install z; }; { gem install w; }")
    assert names(s) == ["cd", "make", "echo", "apk", "pip", "gem"]


def test_command_substitution_and_process_substitution_commands_are_found():
    s = parse_shell('echo "$(uname -m)" `id -u` && diff <(sort a) b')
    assert names(s) == ["echo", "uname", "id", "diff", "sort"]
    subst = {c.name: c.in_substitution for c in s.commands}
    assert subst == {"echo": False, "uname": True, "id": True, "diff": False, "sort": True}


def test_newline_after_long_pipeline_still_separates_commands():
    # tree-sitter-bash issue #347 glues "echo B" onto "head -30"; the model must not.
    s = parse_shell("a | grep x | head -30\necho B && cd s\n")
    assert names(s) == ["a", "grep", "head", "echo", "cd"]
    assert values(s.find("head")[0].args) == ["-30"]
    assert [c.connector for c in s.commands] == [None, "|", "|", ";", "&&"]


def test_substitutions_inside_assignments_and_exports_are_walked():
    s = parse_shell('export KEY=$(curl -fsSL https://x | sh) && V="$(id -u)" make')
    assert names(s) == ["export", "curl", "sh", "make", "id"]
    assert s.pipes_into_shell()


def test_pipeline_positions():
    s = parse_shell("curl -fsSL x | tar -xz | cat; ls")
    assert [(c.name, c.pipeline_index) for c in s.commands if c.in_pipeline] == [("curl", 0), ("tar", 1), ("cat", 2)]
    assert s.commands[0].pipeline == s.commands[2].pipeline
    assert s.find("ls")[0].pipeline is None


def test_export_and_unset_are_commands():
    s = parse_shell("export PATH=/x:$PATH A=1; unset B")
    assert names(s) == ["export", "unset"]
    assert values(s.commands[0].args) == [None, "A=1"]


def test_bare_assignment_is_not_a_command():
    assert names(parse_shell("A=1; B=2")) == []


def test_literal_scripts_of_sh_c_are_parsed_in_place():
    script = ("bash -c 'apt-get install -y x && rm -rf /var/lib/apt/lists/*' && "
              "su - app -c \"curl -fsSL https://x | sh\" || sh -ec \"cd /src; make\"")
    s = parse_shell(script, span_of=lambda i, j: (i, j))
    nested = [c for c in s.commands if c.in_nested_shell]
    assert [c.name for c in nested] == ["apt-get", "rm", "curl", "sh", "cd", "make"]
    assert [c.name for c in s.commands if not c.in_nested_shell] == ["bash", "su", "sh"]
    assert [script[c.span[0]:c.span[1]] for c in nested[:2]] == ["apt-get install -y x", "rm -rf /var/lib/apt/lists/*"]
    assert s.removes("/var/lib/apt/lists/*") and s.pipes_into_shell()
    assert s.find("make")[0].cwd == "/src" and s.find("curl")[0].in_condition


def test_expanding_sh_c_scripts_are_not_parsed_twice():
    s = parse_shell('sh -c "$(curl -fsSL https://x)" && bash -c "echo $HOME" && bash script.sh -c x')
    assert [c.name for c in s.commands] == ["sh", "curl", "bash", "bash"]


# ---- wrappers and names ------------------------------------------------------------------------


@pytest.mark.parametrize("script, wrappers", [
    ("sudo -E -u root apt-get install -y x", ["sudo"]),
    ("DEBIAN_FRONTEND=noninteractive apt-get install -y x", []),
    ("env -i A=1 B=2 apt-get install -y x", ["env"]),
    ("nice -n 10 apt-get install -y x", ["nice"]),
    ("nice -5 apt-get install -y x", ["nice"]),
    ("time apt-get install -y x", ["time"]),
    ("nohup apt-get install -y x", ["nohup"]),
    ("sudo env A=1 nice apt-get install -y x", ["sudo", "env", "nice"]),
    ("timeout -s KILL 300 apt-get install -y x", ["timeout"]),
    ("/usr/bin/apt-get install -y x", []),
    ("exec gosu app apt-get install -y x", ["exec", "gosu"]),
])
def test_effective_name_sees_through_wrappers(script, wrappers):
    (command,) = parse_shell(script).commands
    assert command.name == "apt-get"
    assert command.wrappers == wrappers
    assert command.subcommand() == "install"
    assert values(command.operands()) == ["x"]
    assert command.has_option("-y")


def test_xargs_runs_its_command():
    s = parse_shell("find . -name '*.pyc' | xargs -n 1 -P4 rm -f")
    rm = s.commands[1]
    assert rm.name == "rm" and rm.wrappers == ["xargs"] and values(rm.args) == ["-f"]


def test_mentions_finds_wrappers_too():
    s = parse_shell("sudo -u app make && env A=1 sudo pip install x && make")
    assert [s.text_of(c) for c in s.mentions("sudo")] == ["sudo -u app make", "env A=1 sudo pip install x"]
    assert len(s.mentions("make")) == 2 and len(s.find("sudo")) == 0


def test_busybox_applets_are_the_program():
    (c,) = parse_shell("busybox wget -O /tmp/x https://x").commands
    assert c.name == "wget" and c.wrappers == ["busybox"]
    assert [w.path for w in parse_shell("busybox wget -O /tmp/x https://x").writes()] == ["/tmp/x"]


def test_command_v_is_a_lookup_not_a_call():
    (c,) = parse_shell("command -v curl").commands
    assert c.name == "command"
    (c,) = parse_shell("command curl -fsSL x").commands
    assert c.name == "curl" and c.wrappers == ["command"]


def test_assignments_and_wrapper_words_are_kept():
    (c,) = parse_shell("A=1 B='x y' sudo -E make install").commands
    assert values(c.assignments) == ["A=1", "B=x y"]
    assert [w.text for w in c.prefix] == ["sudo", "-E"]
    assert values(c.argv) == ["make", "install"]


def test_expansion_as_command_has_no_name():
    (c,) = parse_shell('$CC -o app main.c').commands
    assert c.name is None and c.argv[0].text == "$CC"


# ---- words -------------------------------------------------------------------------------------


def test_word_values_after_quote_removal():
    c = parse_shell(r"""echo 'a b' "c d" e\ f "g\"h" x"y"'z' $'t\tu' "$HOME" ${A:-b} "pre$X" $(date) ~/k""").commands[0]
    assert values(c.args) == ["a b", "c d", "e f", 'g"h', "xyz", "t\tu", None, None, None, None, "~/k"]
    assert [w.text for w in c.args][:2] == ["'a b'", '"c d"']


def test_globs_stay_literal():
    (c,) = parse_shell("rm -rf /var/lib/apt/lists/* /tmp/[ab]?").commands
    assert values(c.args) == ["-rf", "/var/lib/apt/lists/*", "/tmp/[ab]?"]


def test_spans_use_character_indices_in_non_ascii_scripts():
    script = "echo 'héllo wörld' && apt-get install -y ß"
    s = parse_shell(script, span_of=lambda i, j: (i, j))
    apt = s.find("apt-get")[0]
    start, end = apt.span
    assert script[start:end] == "apt-get install -y ß"
    word = apt.args[-1]
    assert script[word.span[0]:word.span[1]] == "ß"


def test_plain_strings_have_no_spans():
    c = parse_shell("ls -l").commands[0]
    assert c.span is None and c.argv[0].span is None


# ---- options -----------------------------------------------------------------------------------


def test_has_option_understands_combined_and_long_forms():
    (c,) = parse_shell("apt-get -qqy --no-install-recommends --option=Dpkg::Use-Pty=0 install x").commands
    assert c.has_option("-y", "--yes")
    assert c.has_option("-q")
    assert c.has_option("--no-install-recommends")
    assert c.has_option("--option")
    assert not c.has_option("-f", "--fix-broken")


def test_options_after_double_dash_are_operands():
    (c,) = parse_shell("rm -f -- -y").commands
    assert not c.has_option("-y")
    assert values(c.positionals()) == ["-y"]


def test_option_values_are_not_subcommands_or_flags():
    (c,) = parse_shell("apt-get -o Dpkg::Options::=--force-confold -y install -t bookworm-backports vim").commands
    assert c.subcommand() == "install"
    assert values(c.operands()) == ["vim"]
    assert not c.has_option("-f")


def test_subcommand_without_skipping_options():
    (c,) = parse_shell("pip --no-cache-dir install flask").commands
    assert c.subcommand() == "install"
    assert c.subcommand(skip_options=False) == "--no-cache-dir"


def test_pip_requirement_file_is_not_a_package():
    (c,) = parse_shell("pip install --no-cache-dir -r requirements.txt flask==3.0").commands
    assert values(c.operands()) == ["flask==3.0"]


def test_option_value_forms():
    (c,) = parse_shell("curl -fsSLo /tmp/a.tgz --retry 3 https://x/a.tgz").commands
    assert c.option_value("-o", "--output").value == "/tmp/a.tgz"
    (c,) = parse_shell("curl --output=/tmp/b https://x").commands
    assert c.option_value("-o", "--output").value == "/tmp/b"
    (c,) = parse_shell("wget -O/tmp/c https://x").commands
    assert c.option_value("-O").value == "/tmp/c"


def test_options_whose_value_expands_are_still_options():
    (c,) = parse_shell('npm install --python="$PYTHON" -g node-gyp').commands
    assert c.has_option("--python") and c.subcommand() == "install"
    assert values(c.operands()) == ["node-gyp"]
    (c,) = parse_shell('curl -fsSL --output="$DIR/x" "$URL"').commands
    out = c.option_value("--output")
    assert out.text == '"$DIR/x"' and out.value is None


def test_invocations_helper():
    s = parse_shell("apk update && apk add --no-cache --virtual .deps gcc musl-dev && apk del .deps")
    got = [(i.subcommand, values(i.operands)) for i in s.invocations("apk")]
    assert got == [("update", []), ("add", ["gcc", "musl-dev"]), ("del", [".deps"])]
    assert values(s.invocations("apk")[1].options) == ["--no-cache", "--virtual", ".deps"]


# ---- removes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("script", [
    "rm -rf /var/lib/apt/lists/*",
    "rm -rf /var/lib/apt/lists",
    "rm -r -f /var/lib/apt/lists/",
    "rm -fr /var/lib/apt/lists/* /tmp/*",
    "rm --recursive --force /var/lib/apt",
    "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*",
    "cd /var/lib/apt && rm -rf lists",
    "find /var/lib/apt/lists -mindepth 1 -delete",
    "find /var/lib/apt/lists -type f -exec rm -f {} +",
    "sudo rm -rf /var/lib/apt/lists/*",
])
def test_removes_apt_lists(script):
    assert parse_shell(script).removes("/var/lib/apt/lists/*")


@pytest.mark.parametrize("script", [
    "apt-get clean",
    "rm -rf /var/lib/apt/lists/partial",
    "rm -rf /var/cache/apt/*",
    "rm -f /var/lib/apt",  # not recursive: a directory survives rm -f
    "rm -f /var/lib/apt/lists",
    'rm -rf "$LISTS"/*',
    "echo rm -rf /var/lib/apt/lists/*",
    "(cd /var/lib/apt) && rm -rf lists",
])
def test_does_not_remove_apt_lists(script):
    assert not parse_shell(script).removes("/var/lib/apt/lists/*")


def test_brace_alternatives_expand_only_in_shells_that_expand_them():
    script = "rm -rf /var/lib/apt/{lists,cache}/* /tmp/{a,b{c,d}}"
    bash = parse_shell(script, shell=["/bin/bash", "-c"])
    assert bash.removes("/var/lib/apt/lists/*") and bash.removes("/tmp/bd") and bash.removes("/tmp/a")
    dash = parse_shell(script)  # /bin/sh: dash and busybox take the braces literally
    assert not dash.removes("/var/lib/apt/lists/*")


def test_removes_after_a_command():
    s = parse_shell("rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y x")
    install = s.invocations("apt-get")[1].command
    assert s.removes("/var/lib/apt/lists/*")
    assert not s.removes("/var/lib/apt/lists/*", after=install)


def test_find_delete_with_a_name_filter_removes_only_matches():
    s = parse_shell("find /usr/lib/python3 -name '*.pyc' -delete && find /tmp -mtime +1 -delete")
    assert s.removes("/usr/lib/python3/x/__pycache__/a.pyc")
    assert not s.removes("/usr/lib/python3/x/a.py")
    assert not s.removes("/tmp/*")  # -mtime: only some files
    assert parse_shell("find /var/cache -type f -delete").removes("/var/cache/apt/x.bin")


def test_removes_a_file_under_a_removed_glob():
    s = parse_shell("rm -rf /tmp/*")
    assert s.removes("/tmp/build/x.o")
    assert s.removes("/tmp/*")
    assert not s.removes("/tmp/")  # the directory itself stays
    assert not s.removes("/var/tmp/x")


def test_workdir_resolves_relative_paths():
    s = parse_shell("npm ci && rm -rf node_modules/.cache && git clone https://x/o/tool.git && cd tool && make > build.log",
                    workdir="/app")
    assert s.removes("/app/node_modules/.cache")
    assert not s.removes("/node_modules/.cache")
    assert [w.path for w in s.writes()] == ["/app/tool", "/app/tool/build.log"]
    assert [c.cwd for c in s.commands] == ["/app", "/app", "/app", "/app", "/app/tool"]


# ---- pipes into shell --------------------------------------------------------------------------


@pytest.mark.parametrize("script", [
    "curl -fsSL https://get.example.com | sh",
    "curl -fsSL https://x | sudo bash -s -- --yes",
    "wget -qO- https://x | bash",
    "wget -O - https://x | gunzip | sh",
    'sh -c "$(curl -fsSL https://x)"',
    "bash <(curl -s https://x)",
    "set -e; apt-get update && curl https://x | zsh",
])
def test_pipes_into_shell(script):
    assert parse_shell(script).pipes_into_shell()


def test_downloads_into_other_interpreters():
    s = parse_shell("curl -sSL https://install.python-poetry.org | python3 - && wget -qO- https://x | perl")
    assert [c.name for c in s.downloads_into("python3", "perl")] == ["python3", "perl"]
    assert not s.pipes_into_shell()


@pytest.mark.parametrize("script", [
    "curl -fsSL https://x | tar -xz",
    "curl -fsSLo install.sh https://x && sh install.sh",
    "echo hi | sh",
    "sh -c 'curl https://x'",
    "curl https://x | python3",  # not a shell (rules may check interpreters separately)
    "bash | curl https://x",
])
def test_does_not_pipe_into_shell(script):
    assert not parse_shell(script).pipes_into_shell()


# ---- writes ------------------------------------------------------------------------------------


def test_writes_downloads_redirects_extracts_clones_and_dirs():
    s = parse_shell(
        "wget -q -O /tmp/a.tgz https://x/a.tgz && curl -fsSL -o /tmp/b https://x/b "
        "&& curl -O https://x/c.zip && tar -xzf /tmp/a.tgz -C /opt && unzip c.zip -d /srv "
        "&& git clone --depth 1 https://github.com/o/r.git /src/r && mkdir -p /data /logs "
        "&& echo x > /etc/conf 2>/dev/null && cd /work && wget https://x/d.deb && cp d.deb /pkg/")
    got = [(w.kind, w.path) for w in s.writes()]
    assert got == [("download", "/tmp/a.tgz"), ("download", "/tmp/b"), ("download", "c.zip"),
                   ("extract", "/opt"), ("extract", "/srv"), ("clone", "/src/r"),
                   ("mkdir", "/data"), ("mkdir", "/logs"), ("redirect", "/etc/conf"),
                   ("download", "/work/d.deb"), ("copy", "/pkg")]


def test_writes_skip_stdout_and_dev_null():
    s = parse_shell("wget -qO- https://x | tar -xz; curl -o - https://x > /dev/null; echo > /dev/stderr; "
                    "curl -so /dev/null https://x; wget -O /dev/null https://x")
    assert [(w.kind, w.path) for w in s.writes()] == []


def test_write_carries_word_and_command():
    s = parse_shell("git clone https://github.com/o/repo.git && cat <<EOF > /etc/motd\nhi\nEOF\n")
    clone, motd = s.writes()
    assert clone.path == "repo" and clone.word is None and clone.command.name == "git"
    assert motd.value == "/etc/motd" and motd.text == "/etc/motd" and motd.command.name == "cat"


# ---- shells and broken scripts -----------------------------------------------------------------


@pytest.mark.parametrize("shell, language, posix", [
    (None, "sh", True),
    (["/bin/bash", "-o", "pipefail", "-c"], "bash", True),
    (["powershell", "-Command"], "powershell", False),
    (["C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "-Command"], "powershell", False),
    (["pwsh", "-c"], "powershell", False),
    (["cmd", "/S", "/C"], "cmd", False),
    (["/bin/busybox", "sh", "-c"], "ash", True),
])
def test_shell_language(shell, language, posix):
    assert shell_language(shell) == (language, posix)


def test_powershell_scripts_are_left_unparsed():
    s = parse_shell("Invoke-WebRequest https://x -OutFile a.zip; Remove-Item -Recurse a", shell=["powershell", "-Command"])
    assert s.posix is False and s.commands == []
    assert not s.removes("a") and not s.pipes_into_shell()


def test_broken_script_still_gives_the_commands_it_could_read():
    s = parse_shell("apt-get update && apt-get install -y curl && if [ x ]; then echo (")
    assert s.parsed_ok is False
    assert names(s)[:2] == ["apt-get", "apt-get"]


def test_parsing_from_several_threads_at_once():
    from concurrent.futures import ThreadPoolExecutor

    scripts = [f"apt-get install -y pkg{i} && curl -fsSL https://x/{i} | sh" for i in range(200)]
    with ThreadPoolExecutor(4) as pool:
        parsed = list(pool.map(parse_shell, scripts))
    assert [s.find("apt-get")[0].operands()[0].value for s in parsed] == [f"pkg{i}" for i in range(200)]
    assert all(s.pipes_into_shell() for s in parsed)


def test_empty_script():
    s = parse_shell("")
    assert s.commands == [] and s.parsed_ok


def test_program_name_under_an_expanded_directory():
    s = parse_shell('$CONDA_DIR/bin/conda install -y numpy && "${JAVA_HOME}"/bin/java -version')
    assert names(s) == ["conda", "java"]
    assert s.find("conda")[0].subcommand() == "install"


def test_error_recovery_does_not_invent_empty_commands():
    s = parse_shell("Write-Host ('x'); curl.exe -LfsSo a.msi https://x; if ($a) { b }")
    assert all(c.argv and c.argv[0].text for c in s.commands)


# ---- generated scripts -------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROGRAMS = ["apt-get", "apk", "pip", "curl", "rm", "echo", "make", "tar"]
ARGS = ["-y", "install", "--no-cache", "/tmp/x", "'a b'", '"c d"', "$HOME", '"${V:-x}"', "a\\ b", "x=1",
        "ünï", "*.txt", "$(id -u)"]
OPERATORS = ["&&", "||", ";", "|", "\n"]

commands_st = st.lists(st.tuples(st.sampled_from(PROGRAMS), st.lists(st.sampled_from(ARGS), max_size=4),
                                 st.sampled_from(OPERATORS)), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(commands_st, st.sampled_from(["", "sudo ", "FOO=1 ", "env A=b "]))
def test_generated_scripts_round_trip(commands, prefix):
    script = ""
    for i, (program, args, _) in enumerate(commands):
        if i:
            op = commands[i - 1][2]  # what joins the previous command to this one
            script += f" {op} " if op != "\n" else "\n"
        script += prefix + " ".join([program] + args)
    parsed = parse_shell(script, span_of=lambda i, j: (i, j))
    outer = [c for c in parsed.commands if not c.in_substitution]
    assert [c.name for c in outer] == [p for p, _, _ in commands]
    expected_connectors = [None] + [";" if op == "\n" else op for _, _, op in commands[:-1]]
    assert [c.connector for c in outer] == expected_connectors
    for command, (_, args, _) in zip(outer, commands):
        assert [w.text for w in command.args] == args
        start, end = command.span
        for word in command.argv + command.prefix + command.assignments:
            assert script[word.start:word.end] == word.text
            assert start <= word.start <= word.end <= end


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab $(){}[]|&;<>'\"\\`\n\t=-*#~!ü€") + ["if ", "then ", "fi", "sh -c ",
                                                                                 "<<EOF\n", "EOF\n"]),
                max_size=40).map("".join))
def test_any_text_parses_without_error_and_words_match_the_script(text):
    script = parse_shell(text, span_of=lambda i, j: (i, j))
    for command in script.commands:
        assert 0 <= command.start <= command.end <= len(text)
        for word in command.argv + command.prefix + command.assignments:
            assert text[word.start:word.end] == word.text
    script.removes("/tmp/*"), script.writes(), script.pipes_into_shell()
