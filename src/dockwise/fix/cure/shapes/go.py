"""The Go shape: a stage on the ``golang`` image that runs ``go build -o BINARY`` and then runs
that binary becomes a builder (``CGO_ENABLED=0``, so the binary is static; cache mounts for the
module and build caches) and a ``scratch`` runtime holding the binary and the CA certificates,
run as the numeric user 65532.

The Go version of the builder is the base tag's, else ``go.mod``'s ``go`` line or a version
given on the command line; ``golang:latest`` with neither is left alone with a note.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dockwise.fix.cure.draft import Line, StageDraft
from dockwise.fix.cure.plan import Project, Split
from dockwise.fix.cure.shapes._split import (
    Cut, builder_and_runtime, builder_name, built_on_a_stage, exec_command, runtime_packages,
    system_installs,
)

if TYPE_CHECKING:  # pragma: no cover
    from dockwise.model.shell.command import Command

# the runtime it writes runs as NON_ROOT, so the split resolves the stage's root findings too
CODES = ("DW401", "DW402", "DL3007", "DL3006", "DW501", "DL3002")
CACHES = ("/root/go/pkg/mod", "/root/.cache/go-build")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # both the Debian and the Alpine golang images have it
NON_ROOT = "65532:65532"  # distroless' nonroot: no passwd entry is needed to run as a number
BUILD_PROGRAMS = frozenset({"go", "gcc", "cc", "make", "git"})
SYSTEM = {"apt-get": ("install",), "apt": ("install",), "apk": ("add",)}
# the golang image's PATH: a binary installed in one of these runs by its bare name
GOLANG_PATH = ("/go/bin", "/usr/local/go/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
               "/sbin", "/bin")
_GO_VERSION = re.compile(r"^\s*go\s+(\d+\.\d+(?:\.\d+)?)\s*$", re.MULTILINE)
_VERSION_TAG = re.compile(r"^\d+\.\d+")


def _found_on_path(word: str, binary: str) -> bool:
    """Whether the command ``word`` (a bare name: ``CMD server``) is ``binary`` found on the
    PATH of the golang image."""
    import posixpath

    return "/" not in word and posixpath.basename(binary) == word and posixpath.dirname(binary) in GOLANG_PATH


def _run_by_path(runtime: StageDraft, word: str, binary: str) -> None:
    """The runtime's ENTRYPOINT (else CMD) that starts ``word`` names ``binary`` in exec form:
    ``scratch`` sets no PATH, so a bare name is found by no runtime that does not add its own."""
    from dockwise.fix.cure.runtime import exec_words, json_array

    for keyword in ("ENTRYPOINT", "CMD"):
        at = next((i for i in range(len(runtime.lines) - 1, -1, -1) if runtime.lines[i].keyword == keyword), None)
        if at is None:
            continue
        line = runtime.lines[at]
        words = exec_words(line)
        if words and words[0] == word:
            runtime.lines[at] = Line(keyword, f"{line.comments}{keyword} {json_array([binary, *words[1:]])}\n")
            return


def _go_build(command: "Command") -> bool:
    return command.name == "go" and bool(command.args) and command.args[0].value == "build"


def _go_command(command: "Command") -> bool:
    return command.name == "go"


class GoShape:
    name = "go"

    def plan(self, project: Project, stage: StageDraft) -> Split | str | None:
        from dockwise.fix.cure.shapes.python import _root_base, _split_ref

        base = _root_base(stage)
        image, tag = _split_ref(base) if base else ("", None)
        if image.rsplit("/", 1)[-1] != "golang":
            return None
        if "@" in base:
            return "the base is pinned by digest: the cure would have to pick another golang image"
        cut = Cut(project, stage, _go_build)
        if built_on_a_stage(stage):
            return built_on_a_stage(stage)
        if cut.last is None:
            return "the stage runs no `go build`, so what the runtime must hold is not known"
        binary = self._binary(cut)
        if isinstance(binary, str) and not binary.startswith("/"):
            return binary
        words = exec_command(stage)
        command_line = next((x for x in reversed(stage.lines) if x.keyword in ("ENTRYPOINT", "CMD")), None)
        by_name = words is not None and _found_on_path(words[0], binary)
        if words is None or command_line is None or (cut.absolute(words[0], command_line) != binary
                                                     and not by_name):
            return f"the command it runs is not the binary `go build` writes ({binary})"
        if any(line.keyword == "RUN" for line in cut.after):
            return "a RUN after the build needs a shell, which the scratch runtime does not have"
        problem = cut.problem_after(BUILD_PROGRAMS) or cut.unmovable(_go_command)
        if problem:
            return problem
        wanted, problem = runtime_packages(cut, system_installs(cut, SYSTEM), SYSTEM)
        if problem or wanted:
            return problem or (f"the stage installs {', '.join(wanted)}, which the scratch runtime "
                               "cannot hold")
        version = self._version(tag, project)
        if version is None:
            return ("the Go version is not known: pin the base (`golang:1.22`), or give it with the `go` "
                    "line of go.mod")
        builder_base = base if tag and _VERSION_TAG.match(tag) else f"{image}:{version}"
        name = builder_name(project)
        from dockwise.fix.cure.shapes.python import _from_line

        copies = [f"COPY --from={name} {CA_BUNDLE} {CA_BUNDLE}\n", f"COPY --from={name} {binary} {binary}\n",
                  f"USER {NON_ROOT}\n"]
        # a FROM of its own (no origin): the runtime has no package manager, whatever the base had
        runtime_from = Line("FROM", _from_line(stage.from_line, "scratch").text)
        builder, runtime = builder_and_runtime(
            cut, f"FROM {builder_base} AS {name}\n", runtime_from, copies,
            lambda line: list(CACHES) if any(_go_command(c) for c in cut.run_of(line).script.commands) else [])
        builder.lines.insert(0, Line.new("ENV CGO_ENABLED=0\n"))
        if by_name:
            _run_by_path(runtime, words[0], binary)
        summary = (f"the build moves to a builder stage on `{builder_base}` (CGO_ENABLED=0: a static binary; "
                   f"cache mounts); the runtime is `scratch` with {binary} and the CA certificates, "
                   f"run as {NON_ROOT}")
        notes = ["only the binary is copied to the runtime: if the program reads files of the source tree "
                 "at run time, COPY them from the builder too"]
        return Split(builder, runtime, CODES, summary, notes)

    def _binary(self, cut: Cut) -> str:
        """The absolute path of the last ``go build -o``, or why it is not known."""
        line = cut.stage.lines[cut.last]
        run = cut.run_of(line)
        build = [c for c in run.script.commands if _go_build(c)][-1]
        words = [w.value for w in build.args]
        output = None
        for i, word in enumerate(words):
            if word == "-o" and i + 1 < len(words):
                output = words[i + 1]
            elif word and word.startswith("-o="):
                output = word[3:]
        if not output or "$" in output or output.endswith("/"):
            return "`go build` has no `-o FILE`, so where the binary lands is not known"
        if build.cwd not in (None, ""):
            from posixpath import join, normpath

            return normpath(join(build.cwd, output)) if output[0] != "/" else output
        return cut.absolute(output, line)

    def _version(self, tag: str | None, project: Project) -> str | None:
        if tag and _VERSION_TAG.match(tag):
            return tag.split("-", 1)[0]
        given = project.versions.get("go")
        if given:
            return given
        text = project.read("go.mod")
        match = _GO_VERSION.search(text or "")
        return match.group(1) if match else None
