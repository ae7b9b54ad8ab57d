"""Family: images pulled from registries the team does not trust (hadolint's ``trustedRegistries``).

``.hadolint.yaml``::

    trustedRegistries:
      - docker.io            # Docker Hub: `debian`, `org/app`, `docker.io/org/app`
      - ghcr.io
      - registry.local:5000  # a port is part of the registry's name
      - "*.corp.example"     # any subdomain (not corp.example itself)

Every image the build pulls counts: ``FROM``, ``COPY --from=<image>`` and
``RUN --mount=from=<image>``. Earlier stages and ``scratch`` are not pulled. An image's registry
is its first path part when that part looks like a host (holds ``.`` or ``:``, or is
``localhost``), else Docker Hub; ``index.docker.io`` is Docker Hub too. Without the key (or with
an empty list) the rule finds nothing. ``*`` trusts every registry.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockwise.findings import Finding, RuleInfo, Severity
from dockwise.rules._instr_words import first_word_span
from dockwise.rules.base import CheckTarget, DockerfileRule


DOCKER_HUB = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def _normal(registry: str) -> str:
    registry = registry.strip().lower()
    return DOCKER_HUB if registry in _HUB_ALIASES else registry


def is_trusted(registry: str, trusted: tuple[str, ...]) -> bool:
    """Whether ``registry`` (``ghcr.io``, ``docker.io``) matches an entry of ``trusted``:
    exactly (case-insensitively), ``*`` for any, or ``*.domain`` for a subdomain of domain."""
    registry = _normal(registry)
    for entry in trusted:
        pattern = _normal(entry)
        if pattern == "*" or pattern == registry:
            return True
        if pattern.startswith("*.") and registry.endswith(pattern[1:]):
            return True
    return False


class UntrustedRegistry(DockerfileRule):
    info = RuleInfo(
        code="DL3026",
        name="untrusted-registry",
        severity=Severity.ERROR,
        summary="An image is pulled from a registry outside `trustedRegistries`.",
        rationale=(
            "Whoever controls a registry controls what runs in your image: a pull from an "
            "unvetted registry (or a look-alike name on a public one) bypasses the mirror, "
            "scanning and licence review the team set up, and can bring in a compromised base. "
            "Active only when .hadolint.yaml lists `trustedRegistries` or "
            "`dockwise check --trusted-registry` names registries."),
        bad_example="# .hadolint.yaml: trustedRegistries: [registry.example.com]\nFROM python:3.12-slim\n",
        good_example=("# .hadolint.yaml: trustedRegistries: [registry.example.com]\n"
                      "FROM registry.example.com/mirror/python:3.12-slim\n"),
        aliases=("hadolint:DL3026",),
    )

    def check(self, target: CheckTarget) -> Iterator[Finding]:
        trusted = target.config.trusted_registries
        if not trusted:
            return
        allowed = ", ".join(trusted)
        for text, ref, instr, kind in _pulled_images(target):
            if ref is None or is_trusted(ref.registry, trusted):
                continue  # unknown (an ARG) or invalid references are other rules' business
            yield target.finding(
                self.info,
                f"`{text}` is pulled from {ref.registry}, which is not a trusted registry "
                f"({allowed}): the image escapes the team's vetting; pull it through a trusted "
                "registry or add this one to `trustedRegistries`",
                _span(target, instr, kind, text))


def _pulled_images(target: CheckTarget) -> Iterator[tuple[str, object, object, str]]:
    """(image text, ImageRef or None, instruction, kind) of every image the build pulls. The
    build model knows those of the stages; a COPY or RUN before the first FROM (which BuildKit
    rejects, see DL3061) still names an image the author meant to pull, so it is read too."""
    from dockwise.model.build import mount_options
    from dockwise.model.imageref import parse_image_ref

    model = target.model
    for use in model.images:
        yield use.value.text, use.ref, use.instruction, use.kind
    for instr in target.dockerfile.instructions:
        if instr.keyword == "FROM" or model.stage_of(instr) is not None:
            continue
        for flag in instr.flags:
            source = flag.value if flag.name == "from" else None
            if flag.name == "mount" and flag.value:
                source = mount_options(flag.value).get("from")
            if not source:
                continue
            value = model.expand(source, instr)
            if value.known and model.stage_by_name(value.text) is None and not value.text.isdigit():
                kind = "copy" if flag.name == "from" else "mount"
                yield value.text, parse_image_ref(value.text), instr, kind


def _span(target: CheckTarget, instr, kind: str, image: str):
    """The image word of a FROM, else the ``--from`` flag, or the ``--mount`` flag whose
    ``from=`` names ``image`` (a RUN may mount several images and stages)."""
    from dockwise.model.build import mount_options

    if kind == "from":
        return first_word_span(instr, target.dockerfile.escape)
    for flag in instr.flags:
        if not flag.value:
            continue
        if kind == "copy" and flag.name == "from":
            return flag.span
        source = mount_options(flag.value).get("from") if flag.name == "mount" else None
        if source and target.model.expand(source, instr).text == image:
            return flag.span
    return instr.keyword_span
