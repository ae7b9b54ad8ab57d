"""gem: pins and documentation."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._runs import Run, insert_after, ships, unpinned_finding
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.packages._languages import known_operands, label, span_of_call, tool_calls


GEM_VALUE_OPTIONS = frozenset({"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source",
                               "-s", "-p", "--platform", "-P", "--trust-policy", "-g", "--file",
                               "--build-root", "--target-rbconfig"})


# ---------------------------------------------------------------- gem

class GemPinVersions(DockerfileRule):
    info = RuleInfo(
        code="DL3028", name="gem-pin-versions", severity=Severity.WARNING,
        summary="Pin versions in `gem install` (`gem install <gem>:<version>`).",
        rationale="An unpinned gem installs whatever rubygems.org has on build day; rebuilds drift.",
        bad_example="RUN gem install bundler",
        good_example="RUN gem install bundler:2.5.22",
        aliases=("hadolint:DL3028",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("gem",), GEM_VALUE_OPTIONS):
            if inv.sub not in ("install", "i") or inv.has("-v", "--version"):
                continue
            unpinned = [(w, t) for w, t in known_operands(target, run, inv)
                        if not (":" in t or t.endswith(".gem") or "/" in t)]
            if unpinned:
                yield unpinned_finding(target, self.info, inv, unpinned, "rubygems.org",
                                       "{}:<version>` or `-v <version>")


def base_family(target: CheckTarget, run: Run) -> str | None:
    """The image name at the root of this RUN's stage chain (``ruby`` for FROM ruby:3.3)."""
    stage = target.model.stage_of(run.outer)
    seen = set()
    while stage is not None and stage.base_stage is not None and stage.index not in seen:
        seen.add(stage.index)
        stage = stage.base_stage
    ref = getattr(stage, "base_ref", None)
    return ref.name if ref is not None else None


class GemDocumentation(DockerfileRule):
    info = RuleInfo(
        code="DW802", name="gem-install-with-documentation", severity=Severity.INFO,
        summary="Install gems with `--no-document`.",
        rationale="`gem install` generates ri/rdoc documentation for every gem by default: megabytes of "
                  "files and seconds of build time nobody reads in a container.",
        bad_example="RUN gem install bundler:2.5.22",
        good_example="RUN gem install --no-document bundler:2.5.22",
        fixable=True,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        for run, _command, inv in tool_calls(target, ("gem",), GEM_VALUE_OPTIONS):
            if inv.sub not in ("install", "i", "update") or not ships(target, run):
                continue
            if inv.has("--no-document", "-N", "--no-rdoc") or base_family(target, run) == "ruby":
                continue  # the official ruby images set `gem: --no-document` in their gemrc
            if gemrc_disables_docs(target, run):
                continue
            yield target.finding(
                self.info,
                f"`{label(inv)}` also generates ri/rdoc documentation (megabytes per gem, and build time) "
                "that ships in this layer; add `--no-document`.",
                span_of_call(inv), fix=insert_after(run, inv.subcommand, " --no-document", "add --no-document"))


def gemrc_disables_docs(target: CheckTarget, run: Run) -> bool:
    stage = target.model.stage_of(run.outer)
    instructions = stage.instructions if stage is not None else target.dockerfile.instructions
    for instr in instructions:
        if instr is run.outer:
            break
        if "no-document" in instr.source or "no-rdoc" in instr.source:
            return True
    return False
