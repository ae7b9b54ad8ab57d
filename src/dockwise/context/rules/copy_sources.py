"""DC006, DC007: COPY/ADD against the context -- ignored sources, and secrets or big files that
``COPY .`` bakes into the image."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.context.check import ContextRule, ContextTarget
from dockwise.context.copies import existing_matches, needs, sent_under
from dockwise.context.rules._common import listing
from dockwise.examples import ContextExample
from dockwise.findings import Finding, RuleInfo, Severity


class CopyIgnoredFile(ContextRule):
    info = RuleInfo(
        code="DC006",
        name="copy-ignored-file",
        severity=Severity.ERROR,
        summary="A COPY/ADD source is excluded by .dockerignore, so the build cannot find it.",
        rationale=("Excluded paths never reach the builder: the COPY fails with 'not found' (or, with "
                   "a wildcard, silently copies less). Unlike BuildKit's check this also works when "
                   ".dockerignore has `!` exceptions."),
        bad_example=ContextExample({".dockerignore": "config\n", "config/app.toml": "port = 8080\n",
                                    "Dockerfile": "FROM alpine:3.20\nCOPY config/app.toml /etc/app/\n"}),
        good_example=ContextExample({".dockerignore": "config\n!config/app.toml\n", "config/app.toml": "port = 8080\n",
                                     "Dockerfile": "FROM alpine:3.20\nCOPY config/app.toml /etc/app/\n"}),
        aliases=("buildkit:CopyIgnoredFile",),
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.ignore is None or target.dockerfile is None:
            return
        matcher = target.ignore.matcher
        for source in target.copy_sources:
            if source.is_everything or sent_under(target.scan, source):
                continue
            present = existing_matches(target.scan, source)
            if not present:
                continue  # missing altogether: not this rule's business
            line = self._culprit(target, matcher, present[0])
            where = f" (line {line.line}: {line.raw.strip()!r})" if line else ""
            instr = source.instruction
            yield target.at_dockerfile(
                self.info,
                f"{instr.keyword} source {source.raw!r} is excluded by {target.ignore_path}{where}, so it "
                "is not in the build context and the build fails or copies nothing; remove the "
                "pattern or add a `!` exception for it",
                instr.span, path=source.path)

    @staticmethod
    def _culprit(target: ContextTarget, matcher, path: str):
        parts = path.split("/")
        last = -1
        for i in range(1, len(parts) + 1):
            last = max(last, matcher.last_match("/".join(parts[:i])))
        if last < 0:
            return None
        return target.ignore.lines[last] if last < len(target.ignore.lines) else None


class CopyAllBakesSecrets(ContextRule):
    info = RuleInfo(
        code="DC007",
        name="copy-context-includes-secret-or-large-file",
        severity=Severity.ERROR,
        summary="A COPY/ADD puts secrets (or, with `COPY .`, large files) from the context into the image.",
        rationale=("A file copied into a layer stays in the image for everyone who can pull it, even "
                   "if a later RUN deletes it; large files make every pull and deploy slower."),
        bad_example=ContextExample({"Dockerfile": "FROM node:22-slim\nWORKDIR /app\nCOPY .npmrc ./\nCOPY . .\n",
                                    ".env": "DB_PASSWORD=hunter2\n", "dump.sql": 2 << 30,
                                    ".npmrc": "//registry.npmjs.org/:_authToken=npm_abc123\n"}),
        good_example=ContextExample({"Dockerfile": ("FROM node:22-slim\nWORKDIR /app\nCOPY . .\n"
                                                    "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"),
                                     ".env": "DB_PASSWORD=hunter2\n", "dump.sql": 2 << 30,
                                     ".npmrc": "//registry.npmjs.org/:_authToken=npm_abc123\n",
                                     ".dockerignore": ".env\n*.sql\n.npmrc\n"}),
        other_severities=(Severity.WARNING,),
    )

    def check(self, target: ContextTarget) -> Iterator[Finding]:
        if target.dockerfile is None:
            return
        by_instruction: dict[int, list] = {}
        for source in target.copy_sources:
            by_instruction.setdefault(id(source.instruction), []).append(source)
        for sources in by_instruction.values():
            yield from self._check_instruction(target, sources)

    def _check_instruction(self, target: ContextTarget, sources: list) -> Iterator[Finding]:
        instr = sources[0].instruction
        shown = " ".join(s.raw for s in sources)
        hit_secrets = [(s.path, s.size) for s in target.secrets
                       if target.scan.is_sent(s.path) and any(needs(src, s.path) for src in sources)]
        broad = [src for src in sources if src.is_everything or ("/" not in src.path and src.has_wildcard)]
        hit_large = [(f.path, f.size) for f in target.large_files if any(needs(src, f.path) for src in broad)]
        builder = _builder_stage(target, instr)
        if hit_secrets:
            into, severity = ("the image", None) if builder is None else (
                f"the builder stage `{builder}` (it does not ship, but its layers stay in the build "
                "cache and in any cache exported with `--cache-to`)", Severity.WARNING)
            yield target.at_dockerfile(
                self.info,
                f"{instr.keyword} {shown} copies secrets into {into}: {listing(hit_secrets)}; "
                "exclude them in .dockerignore and use `RUN --mount=type=secret` where the build needs them",
                instr.span, severity=severity, paths=[p for p, _ in hit_secrets])
        if hit_large and builder is None:  # a builder's bytes never reach the image
            yield target.at_dockerfile(
                self.info,
                f"{instr.keyword} {shown} copies large log/archive/data files into the image: "
                f"{listing(sorted(hit_large, key=lambda kv: -kv[1]))}; exclude them in .dockerignore",
                instr.span, severity=Severity.WARNING, paths=[p for p, _ in hit_large])


def _builder_stage(target: ContextTarget, instr) -> str | None:
    """The label of the stage ``instr`` is in when that stage does not ship; None when it does
    (or when there is no model to tell)."""
    model = target.model
    if model is None or instr.keyword == "ONBUILD":
        return None
    from dockwise.model.stages import ships

    stage = model.stage_of(instr)
    if stage is None or ships(model, instr):
        return None
    return stage.label
