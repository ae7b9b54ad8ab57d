"""ARGs used in FROM: undefined, or with a default that is not a valid image."""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules.base import CheckTarget, DockerfileRule
from dockwise.rules.base_images._images import _image_word


# ---------------------------------------------------------------- ARGs in FROM (BuildKit checks)

PLATFORM_PLACEHOLDERS = {
    "BUILDPLATFORM": "linux/amd64", "TARGETPLATFORM": "linux/amd64", "BUILDOS": "linux",
    "TARGETOS": "linux", "BUILDARCH": "amd64", "TARGETARCH": "amd64", "BUILDVARIANT": "",
    "TARGETVARIANT": "",
}


def global_arg_defaults(target: CheckTarget) -> tuple[set[str], dict[str, str]]:
    """(declared global ARG names, their defaults) -- the ARGs before the first FROM."""
    from dockwise.errors import DockwiseError
    from dockwise.syntax.words import process_word

    declared: set[str] = set()
    defaults: dict[str, str] = {}
    for instr in target.dockerfile.instructions:
        if instr.keyword == "FROM":
            break
        if instr.keyword == "ARG":
            for arg in instr.args:
                name, eq, value = arg.partition("=")
                declared.add(name)
                if eq:  # BuildKit processes the default as a word: quotes go, earlier ARGs expand
                    try:
                        defaults[name] = process_word(value, defaults, target.dockerfile.escape).text
                    except DockwiseError:
                        defaults[name] = value
    return declared, defaults


def from_words(instr) -> Iterator[tuple[str, int, int]]:
    """(text, body start, body end) of the image word of a FROM."""
    found = _image_word(instr.body)
    if found is not None:
        yield instr.body[found[0]:found[1]], found[0], found[1]


def _references(text: str):
    from dockwise.errors import DockwiseError
    from dockwise.syntax.words import variable_references

    try:
        return variable_references(text)
    except DockwiseError:
        return []


class UndefinedArgInFrom(DockerfileRule):
    info = RuleInfo(
        code="DW103", name="undefined-arg-in-from", severity=Severity.WARNING,
        summary="FROM must use ARGs declared before the first FROM.",
        rationale="A FROM can only see global ARGs (declared before the first FROM) and the automatic "
                  "platform ARGs; anything else expands to an empty string, so the build pulls a "
                  "different image than the one written -- or fails -- unless every caller remembers a "
                  "`--build-arg`.",
        bad_example="FROM node:22${VARIANT} AS build",
        good_example='ARG VARIANT="-alpine3.20"\nFROM node:22${VARIANT} AS build',
        aliases=("buildkit:UndefinedArgInFrom",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        declared, _ = global_arg_defaults(target)
        for stage in target.model.stages:
            instr = stage.from_instruction
            items = list(from_words(instr))
            platform = instr.flag("platform")
            for text, start, _end in items:
                for ref in _references(text):
                    written = text[ref.start:ref.end]
                    if ref.name in declared or ref.name in PLATFORM_PLACEHOLDERS or "-" in written[len(ref.name):]:
                        continue
                    yield target.finding(
                        self.info,
                        f"FROM uses ${{{ref.name}}}, but no ARG {ref.name} is declared before the first FROM: "
                        f"it expands to an empty string here; declare `ARG {ref.name}=<default>` at the top "
                        "of the Dockerfile.",
                        instr.span_of(start + ref.start, start + ref.end))
            if platform is not None and platform.value:
                for ref in _references(platform.value):
                    if ref.name not in declared and ref.name not in PLATFORM_PLACEHOLDERS:
                        yield target.finding(
                            self.info,
                            f"FROM --platform uses ${{{ref.name}}}, which is neither a declared global ARG nor "
                            "one of the automatic platform ARGs (BUILDPLATFORM, TARGETPLATFORM, ...); check "
                            "the spelling or declare it before the first FROM.",
                            platform.span)


class InvalidDefaultArgInFrom(DockerfileRule):
    info = RuleInfo(
        code="DW104", name="invalid-default-arg-in-from", severity=Severity.WARNING,
        summary="With the ARG defaults alone, every FROM must name a valid image.",
        rationale="`ARG TAG` without a default makes `FROM busybox:${TAG}` read `busybox:` unless the "
                  "caller passes `--build-arg TAG=...`: a plain `docker build` fails. A default keeps the "
                  "Dockerfile buildable as written.",
        bad_example="ARG TAG\nFROM busybox:${TAG}",
        good_example="ARG TAG=1.37.0\nFROM busybox:${TAG}",
        aliases=("buildkit:InvalidDefaultArgInFrom",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        from dockwise.errors import DockwiseError
        from dockwise.model.imageref import parse_image_ref
        from dockwise.syntax.words import process_word

        declared, defaults = global_arg_defaults(target)
        env = {**PLATFORM_PLACEHOLDERS, **defaults}
        for stage in target.model.stages:
            instr = stage.from_instruction
            for text, start, end in from_words(instr):
                refs = _references(text)
                if not refs or any(r.name not in declared and r.name not in PLATFORM_PLACEHOLDERS for r in refs):
                    continue  # no ARG involved, or an undeclared one (DW103 says so)
                try:
                    result = process_word(text, env, target.dockerfile.escape).text
                except DockwiseError:
                    continue
                if result.lower() == "scratch" or parse_image_ref(result) is not None or \
                        target.model.stage_by_name(result) is not None:
                    continue
                missing = sorted(r.name for r in refs if r.name not in defaults and r.name in declared)
                advice = (f"give ARG {', '.join(missing)} a default" if missing
                          else "fix the ARG default")
                yield target.finding(
                    self.info,
                    f"with the ARG defaults, `FROM {text}` becomes `{result}`, which is not a valid image "
                    f"reference: a plain `docker build` (no --build-arg) fails; {advice}.",
                    instr.span_of(start, end))
