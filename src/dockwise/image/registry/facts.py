"""What the registry says about a Dockerfile's base images, for ``dockwise check --registry``.

The rules that need a registry (a missing platform, a tag moved since its pinned digest, the
compressed size a pull costs) ask :meth:`BaseImageFacts.lookup`; the engine hands them one
:class:`RegistryFacts` per process (each reference asked once) and nothing at all without
``--registry``, so those rules stay silent and ``dockwise check`` never touches the network
unless asked. A reference the registry cannot answer for is remembered with its error, which
the engine reports as a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BaseImageFacts:
    tag_digest: str  # what the tag points to now (index or manifest)
    platforms: dict[str, int]  # platform -> compressed bytes of its layers (-1: not read)
    children: tuple[str, ...] = ()  # manifest digests of an index

    def has_platform(self, wanted: str) -> bool:
        return self.platform_of(wanted) is not None

    def platform_of(self, wanted: str) -> str | None:
        """The platform of the image that matches ``wanted`` (``linux/arm64`` matches ``linux/arm64/v8``)."""
        parts = wanted.lower().split("/")
        for name in self.platforms:
            if name.lower().split("/")[:len(parts)] == parts:
                return name
        return None


@dataclass
class RegistryFacts:
    """Facts fetched from registries, each reference once (per process)."""

    insecure: tuple[str, ...] = ()
    _cache: dict[str, BaseImageFacts | str] = field(default_factory=dict)
    _errors: list[tuple[str, str]] = field(default_factory=list)

    def lookup(self, text: str, platform: str) -> BaseImageFacts | None:
        """Facts about ``text`` with the compressed size of ``platform`` read; None when the
        registry cannot answer (the error is kept for :meth:`take_errors`)."""
        key = f"{text}\0{platform}"
        if key not in self._cache:
            self._cache[key] = self._fetch(text, platform)
            if isinstance(self._cache[key], str):
                self._errors.append((text, str(self._cache[key])))
        found = self._cache[key]
        return found if isinstance(found, BaseImageFacts) else None

    def take_errors(self) -> list[tuple[str, str]]:
        errors, self._errors = self._errors, []
        return errors

    def _fetch(self, text: str, platform: str) -> BaseImageFacts | str:
        from dockwise.errors import DockwiseError
        from dockwise.image.registry.remote import RegistryOptions, compressed_size, resolve_digest

        options = RegistryOptions(insecure=self.insecure)
        try:
            resolved = resolve_digest(text, options=options)
        except DockwiseError as exc:
            return exc.message
        platforms = dict.fromkeys(resolved.platforms, -1)
        facts = BaseImageFacts(resolved.digest, platforms, resolved.children)
        chosen = facts.platform_of(platform) if resolved.platforms else None
        try:  # the size of what the FROM builds: the pinned digest's image, else the tag's
            if not resolved.platforms:
                name, size = compressed_size(text, None, options=options)
                return BaseImageFacts(resolved.digest, {name: size})
            if chosen is not None:
                platforms[chosen] = compressed_size(text, chosen, options=options)[1]
        except DockwiseError as exc:
            self._errors.append((text, f"its size is unknown: {exc.message}"))
        return facts


@dataclass
class StaticFacts:
    """Facts given up front (the rule examples, tests): ``{reference: BaseImageFacts}``."""

    known: dict[str, BaseImageFacts]

    @classmethod
    def from_json(cls, text: str) -> "StaticFacts":
        """``{"REF": {"digest": "sha256:...", "platforms": ["linux/amd64"] or {"linux/amd64": bytes}}}``
        -- the ``# registry:`` line of a rule example. A missing digest is the reference's own."""
        import json

        known = {}
        for ref, entry in json.loads(text).items():
            platforms = entry.get("platforms", {})
            if isinstance(platforms, list):
                platforms = dict.fromkeys(platforms, -1)
            digest = entry.get("digest") or (ref.split("@", 1)[1] if "@" in ref else "")
            known[ref] = BaseImageFacts(digest, dict(platforms), tuple(entry.get("children", ())))
        return cls(known)

    def lookup(self, text: str, platform: str) -> BaseImageFacts | None:
        return self.known.get(text)

    def take_errors(self) -> list[tuple[str, str]]:
        return []
