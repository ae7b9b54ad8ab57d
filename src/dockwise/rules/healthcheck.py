"""hadolint's DL3057: every image the Dockerfile builds declares its HEALTHCHECK.

dockwise's own DW901 asks for a HEALTHCHECK only where it pays (a final image that runs a
service); DL3057 is hadolint's blanket form, off by default as in hadolint (its default severity
there is "ignore"): ``--select DL3057`` turns it on. It judges the stages that no other stage
reads -- the images a build can produce --, looking through the stages they are built FROM;
``HEALTHCHECK NONE`` counts as a deliberate choice.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import effective_instruction, first_word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


class HealthcheckMissing(DockerfileRule):
    info = RuleInfo(
        code="DL3057",
        name="healthcheck-missing",
        severity=Severity.INFO,
        summary="An image this Dockerfile builds has no HEALTHCHECK (not even `HEALTHCHECK NONE`).",
        rationale=(
            "Without a HEALTHCHECK the container runtime only knows whether the process exists: a "
            "hung service keeps receiving traffic and is never restarted. `HEALTHCHECK NONE` "
            "records that probing is left to the orchestrator on purpose. Off by default, as in "
            "hadolint (DW901 covers images that run a service): `--select DL3057` turns it on."),
        bad_example="FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/\n",
        good_example=("FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/\n"
                      "HEALTHCHECK CMD [\"curl\", \"-fsS\", \"http://localhost/\"]\n"),
        aliases=("hadolint:DL3057",),
        default_enabled=False,
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        model = target.model
        for stage in model.stages:
            if model.dependents(stage) or effective_instruction(stage, "HEALTHCHECK") is not None:
                continue
            yield target.finding(
                self.info,
                f"stage {stage.label} builds an image without a HEALTHCHECK: a hung process is "
                "never noticed; add `HEALTHCHECK CMD [\"<probe>\"]`, or `HEALTHCHECK NONE` if the "
                "orchestrator probes it",
                first_word_span(stage.from_instruction, target.dockerfile.escape))
