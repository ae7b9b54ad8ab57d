"""Building and running images with the builder this machine has (a Docker daemon, buildah or
podman), for ``dockwise check --fix --verify``: the proof that a fixed Dockerfile still builds
and still runs. Adapters only: what to compare and when to write lives in the command."""

from dockwise.build.builders import (BuildOutcome, Builder, BuilderUnavailable, RunOutcome, find_builder)
from dockwise.build.logs import failed_instruction, locate_step

__all__ = ["BuildOutcome", "Builder", "BuilderUnavailable", "RunOutcome", "failed_instruction", "find_builder", "locate_step"]
