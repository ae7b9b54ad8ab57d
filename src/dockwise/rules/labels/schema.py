"""Labels the schema requires, labels outside it, and empty schema labels."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, Severity
from dockwise.rules._instr_words import first_word_span
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.labels._pairs import _info, label_pairs


class RequiredLabelMissing(DockerfileRule):
    """A stage lacks a schema label, and so does every stage built from or copying it.

    A stage "has" the label when it sets it or a stage it is built FROM does. A stage without it
    is still fine when a stage that reads it (``FROM``, ``COPY --from``, ``RUN --mount=from=``)
    is fine: an intermediate build stage feeds a labelled image and is never shipped itself."""

    info = _info(
        "DL3049", "required-label-missing", Severity.INFO,
        "A label the label schema requires is missing from an image this Dockerfile builds.",
        ("Registries, scanners and deploy tooling find an image's source, owner, revision and "
         "license through its labels; an image without them cannot be traced back to its code or "
         "team, and policy gates that require them reject it."),
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}\n"
        "FROM alpine:3.20\nCMD [\"app\"]\n",
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/org/app\n"
        "CMD [\"app\"]\n")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        schema = target.config.label_schema
        if not schema:
            return
        set_by_stage: dict[int, set[str]] = {}
        for pair in label_pairs(target):
            if pair.stage is not None:
                set_by_stage.setdefault(pair.stage.index, set()).add(pair.key)
        built = _built_stage_indexes(target.model)
        for name, _kind in schema:
            for stage in _stages_missing(target.model, name, set_by_stage):
                if built is not None and stage.index not in built:
                    continue
                yield target.finding(
                    self.info,
                    f"label `{name}` of the label schema is missing from stage {stage.label}: tools "
                    f"that read labels cannot trace this image; add `LABEL {_label_key(name)}=<value>`",
                    first_word_span(stage.from_instruction, target.dockerfile.escape))


def _label_key(name: str) -> str:
    """``name`` as a LABEL key is written: quoted when it holds blanks, quotes, ``=`` or ``$``."""
    if name and not any(ch.isspace() or ch in "\"'=$\\" for ch in name):
        return name
    escaped = "".join("\\" + ch if ch in "\"\\$" else ch for ch in name)
    return f'"{escaped}"'


def _shown(value: str, limit: int = 80) -> str:
    """A label value as a message quotes it: long ones cut in the middle (the span shows it all)."""
    if len(value) <= limit:
        return value
    half = (limit - 5) // 2
    return f"{value[:half]} ... {value[-half:]}"


def _built_stage_indexes(model) -> set[int] | None:
    """With ``--target`` naming an earlier stage, the stages that build needs (the others are
    never built, so their labels cannot matter); None when the last stage is the target, where
    every stage is judged as hadolint judges it."""
    stages = model.stages
    if not stages or model.final_stage is None or model.final_stage is stages[-1]:
        return None
    return {stage.index for stage in model.required_stages()}


def _stages_missing(model, name: str, set_by_stage: dict[int, set[str]]) -> list:
    """The stages without label ``name`` whose readers are all without it too: the label is
    "covered" where a stage or one it is built FROM sets it, and from each covered stage the
    cover spreads to the stages it reads. Linear in stages and edges (a worklist, no recursion)."""
    covered: set[int] = set()
    for stage in model.stages:  # a FROM names an earlier stage, so its parent is decided already
        parent = stage.base_stage
        if name in set_by_stage.get(stage.index, ()) or (parent is not None and parent.index in covered):
            covered.add(stage.index)
    reads: dict[int, list[int]] = {}
    for edge in model.edges:
        reads.setdefault(edge.dst.index, []).append(edge.src.index)
    pending = list(covered)
    while pending:
        for source in reads.get(pending.pop(), ()):
            if source not in covered:
                covered.add(source)
                pending.append(source)
    return [stage for stage in model.stages if stage.index not in covered]


class SuperfluousLabel(DockerfileRule):
    info = _info(
        "DL3050", "label-not-in-schema", Severity.INFO,
        "With `strict-labels`, a label outside the label schema.",
        ("A strict schema is the team's contract for what images say about themselves; an extra "
         "key is usually a typo of a schema label (so the real one is missing) or metadata "
         "nobody maintains."),
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}, strict-labels: true\n"
        "FROM alpine:3.20\nLABEL source=https://github.com/org/app\n",
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.source: url}, strict-labels: true\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/org/app\n",
        " Active only with `strict-labels: true` in .hadolint.yaml or `dockwise check "
        "--strict-labels` (every label is then judged against the label schema).")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        config = target.config
        if not config.strict_labels:
            return
        known = config.label_types
        for pair in label_pairs(target):
            if pair.key not in known:
                yield target.finding(
                    self.info,
                    f"label `{pair.key}` is not in the label schema and `strict-labels` is on: "
                    "remove it, fix its name, or add it to `label-schema` in .hadolint.yaml",
                    pair.key_span)


class EmptyLabel(DockerfileRule):
    info = _info(
        "DL3051", "schema-label-empty", Severity.WARNING,
        "A label of the label schema is set to an empty value.",
        ("An empty label satisfies the letter of the schema but tells nothing: tooling that reads "
         "it (provenance, ownership, licence scans) gets a blank, usually because a build ARG "
         "was not passed."),
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.vendor: text}\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.vendor=\"\"\n",
        "# .hadolint.yaml: label-schema: {org.opencontainers.image.vendor: text}\n"
        "FROM alpine:3.20\nLABEL org.opencontainers.image.vendor=\"Example Corp\"\n")

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        known = target.config.label_types
        if not known:
            return
        for pair in label_pairs(target):
            if pair.key in known and pair.known and not pair.value.strip():
                yield target.finding(
                    self.info,
                    f"label `{pair.key}` of the label schema is empty, so it tells tooling nothing; "
                    "give it a value (if it comes from a build ARG, make sure the build passes it)",
                    pair.value_span)
