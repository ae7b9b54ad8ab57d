"""Images read straight from a registry over the OCI distribution API.

:func:`open_registry_image` gives the same :class:`~dockwise.image.source.ImageSource` as an
archive does, its layers located by :class:`RegistryBlob` (streamed, verified against their
digests by the layer reader, never written to disk); :func:`resolve_digest` is what
``dockwise pin`` asks. The HTTP client (urllib3) is imported only here, so ``dockwise check``
never loads it.
"""

from __future__ import annotations

from dockwise.image.registry.remote import (RegistryBlob, RegistryOptions, open_registry_image,
                                            parse_reference, resolve_digest)

__all__ = ["RegistryBlob", "RegistryOptions", "open_registry_image", "parse_reference",
           "resolve_digest"]
